package dev.duplex.platform;

/**
 * Joins the parts of one text message and refuses to hold more than the limit, counted in UTF-8
 * bytes as they travel on the wire. A message that arrives in a single part is passed through
 * without a copy. One instance per session; not thread-safe.
 */
public final class TextAssembler {

    private final long limit;
    private StringBuilder pending;
    private long pendingBytes;

    public TextAssembler(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        this.limit = limit;
    }

    /**
     * @return the whole message once {@code last} is true, otherwise {@code null}
     * @throws MessageTooBigException when the message would exceed the limit; what was held is dropped
     */
    public String add(String part, boolean last) throws MessageTooBigException {
        long size = pendingBytes + utf8Length(part);
        if (size > limit) {
            pending = null;
            pendingBytes = 0;
            throw new MessageTooBigException(limit);
        }
        if (pending == null && last) {
            return part;
        }
        if (pending == null) {
            pending = new StringBuilder(Math.max(part.length() * 2, 1024));
        }
        pending.append(part);
        pendingBytes = size;
        if (!last) {
            return null;
        }
        String whole = pending.toString();
        pending = null;
        pendingBytes = 0;
        return whole;
    }

    /** Whether a message is partly received. */
    public boolean inProgress() {
        return pending != null;
    }

    /** The number of bytes the UTF-8 encoding of {@code text} takes, counted without encoding it. */
    public static long utf8Length(CharSequence text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
