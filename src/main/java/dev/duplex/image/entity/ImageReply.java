package dev.duplex.image.entity;

import java.util.List;

/**
 * A text message from {@code /image} to the client. Every binary message the client sends gets
 * exactly one reply, in the order sent: a {@link Result} immediately followed by the resulting
 * image as one binary message, or an {@link Failure}. Every text message gets exactly one
 * {@link Configured}, {@link Catalog} or {@link Failure}. The JSON shapes are documented on
 * {@code ImageReplyEncoder} and in {@code docs/IMAGE.md}.
 */
public sealed interface ImageReply {

    /**
     * {@code "type":"result"}: an image was processed; the binary message that follows is the result.
     *
     * @param seq          which binary message of this connection it answers, from 1
     * @param ops          the chain that was applied, with every parameter
     * @param inputFormat  the format of the image received
     * @param outputFormat the format of the image sent back
     * @param inputWidth   width of the image received
     * @param inputHeight  height of the image received
     * @param width        width of the result
     * @param height       height of the result
     * @param inputBytes   size of the image received
     * @param outputBytes  size of the binary message that follows
     * @param queueMs      how long the image waited for a worker thread
     * @param serverMs     how long decoding, the operations and encoding took
     */
    record Result(long seq, List<Step> ops, ImageFormat inputFormat, ImageFormat outputFormat,
                  int inputWidth, int inputHeight, int width, int height,
                  long inputBytes, long outputBytes, double queueMs, double serverMs) implements ImageReply {
        public Result {
            ops = List.copyOf(ops);
        }
    }

    /**
     * {@code "type":"error"}: a message could not be handled. The session stays open unless a
     * close frame follows.
     *
     * @param seq     the binary message it answers, or {@code null} when it answers a text message
     *                or the connection's query parameters
     * @param code    what kind of problem
     * @param message one sentence for people, naming the problem
     * @param valid   the valid choices when the problem is a wrong choice (operations, parameters,
     *                formats, message types), else empty
     */
    record Failure(Long seq, ErrorCode code, String message, List<String> valid) implements ImageReply {
        public Failure {
            valid = List.copyOf(valid);
        }
    }

    /**
     * {@code "type":"configured"}: the settings now in force for the images that follow.
     *
     * @param ops     the chain with every parameter
     * @param format  the output format
     * @param quality the JPEG quality, 0 to 1
     */
    record Configured(List<Step> ops, ImageFormat format, double quality) implements ImageReply {
        public Configured {
            ops = List.copyOf(ops);
        }
    }

    /**
     * {@code "type":"operations"}: what the server offers.
     *
     * @param operations    every operation with its parameters
     * @param inputFormats  the formats it reads
     * @param outputFormats the formats it writes
     * @param limits        the limits that apply to this connection
     */
    record Catalog(List<OperationInfo> operations, List<String> inputFormats, List<String> outputFormats,
                   Limits limits) implements ImageReply {
        public Catalog {
            operations = List.copyOf(operations);
            inputFormats = List.copyOf(inputFormats);
            outputFormats = List.copyOf(outputFormats);
        }
    }

    /** One operation in a {@link Catalog}. */
    record OperationInfo(String op, String description, List<ParameterInfo> parameters) {
        public OperationInfo {
            parameters = List.copyOf(parameters);
        }
    }

    /**
     * One parameter of an operation in a {@link Catalog}.
     *
     * @param name         the key in a step object or query string
     * @param type         {@code integer}, {@code number} or {@code choice}
     * @param min          the smallest value, for numbers
     * @param max          the largest value, for numbers
     * @param choices      the allowed values, for choices and for integers that take only some values
     * @param defaultValue the value used when the parameter is left out
     * @param description  one sentence
     */
    record ParameterInfo(String name, String type, Number min, Number max, List<String> choices,
                         Object defaultValue, String description) {
        public ParameterInfo {
            choices = List.copyOf(choices);
        }
    }

    /** The limits of {@code /image}, as the {@link Catalog} reports them. */
    record Limits(long maxMessageBytes, long maxControlBytes, long maxPixels, long maxOutputBytes,
                  int maxOperations, int maxPendingImages) {
    }
}
