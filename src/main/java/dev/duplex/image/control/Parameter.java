package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageReply.ParameterInfo;
import java.util.List;
import java.util.Locale;

/**
 * One parameter of an operation: its name, its kind and range, and its default. It reads a value
 * as a client sends it (a string from a query, a number or string from JSON) and refuses anything
 * else with {@link ErrorCode#BAD_PARAMETER} and the valid range.
 */
record Parameter(String name, Kind kind, double min, double max, List<String> choices, Object defaultValue,
                 String description) {

    enum Kind {
        INTEGER("integer"), NUMBER("number"), CHOICE("choice");

        final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }
    }

    Parameter {
        choices = List.copyOf(choices);
    }

    static Parameter integer(String name, int min, int max, int defaultValue, String description) {
        return new Parameter(name, Kind.INTEGER, min, max, List.of(), defaultValue, description);
    }

    /** An integer that may take only the listed values. */
    static Parameter integerOf(String name, List<Integer> allowed, int defaultValue, String description) {
        return new Parameter(name, Kind.INTEGER, allowed.get(0), allowed.get(allowed.size() - 1),
                allowed.stream().map(String::valueOf).toList(), defaultValue, description);
    }

    static Parameter number(String name, double min, double max, double defaultValue, String description) {
        return new Parameter(name, Kind.NUMBER, min, max, List.of(), defaultValue, description);
    }

    static Parameter choice(String name, List<String> choices, String defaultValue, String description) {
        return new Parameter(name, Kind.CHOICE, 0, 0, choices, defaultValue, description);
    }

    /**
     * @param operation the operation it belongs to, for the error message
     * @param raw       what the client sent: a {@link String}, {@link Number} or anything else
     * @return the value as {@link Integer}, {@link Double} or {@link String}
     */
    Object read(String operation, Object raw) throws ImageException {
        String where = operation + " " + name;
        switch (kind) {
            case INTEGER -> {
                double value = numeric(where, raw);
                if (value != Math.rint(value) || value < min || value > max
                        || (!choices.isEmpty() && !choices.contains(String.valueOf((long) value)))) {
                    throw invalid(where, raw);
                }
                return (int) value;
            }
            case NUMBER -> {
                double value = numeric(where, raw);
                if (value < min || value > max) {
                    throw invalid(where, raw);
                }
                return value;
            }
            default -> {
                String value = raw instanceof String text ? text.trim().toLowerCase(Locale.ROOT) : null;
                if (value == null || !choices.contains(value)) {
                    throw invalid(where, raw);
                }
                return value;
            }
        }
    }

    private double numeric(String where, Object raw) throws ImageException {
        if (raw instanceof Number number) {
            return number.doubleValue();
        }
        if (raw instanceof String text) {
            try {
                double value = Double.parseDouble(text.trim());
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw invalid(where, raw);
    }

    private ImageException invalid(String where, Object raw) {
        return new ImageException(ErrorCode.BAD_PARAMETER,
                where + " must be " + range() + ", not " + ImageException.quote(raw), List.of(usage()));
    }

    /** e.g. "an integer from 1 to 50" or "one of h, v". */
    String range() {
        return switch (kind) {
            case INTEGER -> choices.isEmpty() ? "an integer from " + (long) min + " to " + (long) max
                    : "one of " + String.join(", ", choices);
            case NUMBER -> "a number from " + format(min) + " to " + format(max);
            case CHOICE -> "one of " + String.join(", ", choices);
        };
    }

    /** e.g. "radius: an integer from 1 to 50 (default 3)". */
    String usage() {
        return name + ": " + range() + " (default " + defaultValue + ")";
    }

    ParameterInfo info() {
        boolean numeric = kind != Kind.CHOICE;
        Number low = numeric ? (kind == Kind.INTEGER ? (Number) (int) min : (Number) min) : null;
        Number high = numeric ? (kind == Kind.INTEGER ? (Number) (int) max : (Number) max) : null;
        return new ParameterInfo(name, kind.wireName, low, high, choices, defaultValue, description);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
