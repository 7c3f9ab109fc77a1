package dev.duplex.image.entity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One operation of a chain as it travels on the wire: its name and its parameters, e.g.
 * {@code {"op":"blur","radius":3}}. In a request the parameter values are what the client sent
 * (strings from a query, strings, numbers or booleans from JSON); in a reply they are the values
 * the server used, every parameter of the operation included, as {@link Integer}, {@link Double}
 * or {@link String}.
 *
 * @param op         the operation's name
 * @param parameters its parameters by name, in the order given
 */
public record Step(String op, Map<String, Object> parameters) {

    public Step {
        Objects.requireNonNull(op, "op");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static Step of(String op) {
        return new Step(op, Map.of());
    }
}
