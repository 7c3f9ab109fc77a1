package dev.duplex.image.entity;

import java.util.List;

/**
 * A text message from the client to {@code /image}. The JSON shapes (see
 * {@code ControlMessageDecoder}):
 *
 * <pre>
 * {"type":"configure","ops":[{"op":"blur","radius":3},"grayscale"],"format":"jpeg","quality":0.8}
 * {"type":"describe"}
 * </pre>
 */
public sealed interface ControlMessage {

    /**
     * Changes the settings for the images that follow. A field left out keeps its current value.
     *
     * @param ops     the new chain, or {@code null} to keep it; an empty chain means {@code echo}
     * @param format  the output format's wire name, or {@code null} to keep it
     * @param quality JPEG quality from 0 to 1, or {@code null} to keep it
     */
    record Configure(List<Step> ops, String format, Double quality) implements ControlMessage {
        public Configure {
            ops = ops == null ? null : List.copyOf(ops);
        }
    }

    /** Asks for the list of operations, their parameters, the formats and the limits. */
    record Describe() implements ControlMessage {
    }
}
