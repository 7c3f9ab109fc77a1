package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageReply;
import java.util.List;

/** A request that cannot be served, with the code and sentence the client gets in an {@code error} message. */
public final class ImageException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient List<String> valid;

    public ImageException(ErrorCode code, String message) {
        this(code, message, List.of());
    }

    public ImageException(ErrorCode code, String message, List<String> valid) {
        super(message);
        this.code = code;
        this.valid = List.copyOf(valid);
    }

    public ImageException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.valid = List.of();
    }

    public ErrorCode code() {
        return code;
    }

    /** The valid choices, when the problem is a wrong one. */
    public List<String> valid() {
        return valid;
    }

    /** The error message for the client. */
    public ImageReply.Failure toFailure(Long seq) {
        return new ImageReply.Failure(seq, code, getMessage(), valid);
    }

    /** User input quoted in a message, cut short so that a reply never repeats a long string. */
    static String quote(Object value) {
        String text = String.valueOf(value);
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
    }
}
