package dev.duplex.bench;

/** A command line the tool cannot run: the message says what is wrong and is shown as is. */
public final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
