package dev.duplex.platform;

/**
 * Joins the parts of one text message and refuses to hold more than the limit, counted in UTF-8
 * bytes as they travel on the wire. A message that arrives in a single part is passed through
 * without a copy and without touching the memory budget. The parts of a fragmented message are
 * reserved from the session's {@link MemoryBudget.Account} while they are held (in UTF-8 bytes) and
 * released when the message is complete or dropped; a refused reservation drops the message with
 * {@link MessageTooBigException#overBudget()} (1013). One instance per session; not thread-safe.
 */
public final class TextAssembler {

    private final long limit;
    private final MemoryBudget.Account account;
    private StringBuilder pending;
    private long pendingBytes;
    private long reserved;

    /** An assembler outside any memory budget (tests, tools). */
    public TextAssembler(long limit) {
        this(limit, MemoryBudget.unlimited().account("text", "local"));
    }

    /** An assembler whose held parts are reserved from {@code account} (see {@link Connections#budget}). */
    public TextAssembler(long limit, MemoryBudget.Account account) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        this.limit = limit;
        this.account = account;
    }

    /**
     * @return the whole message once {@code last} is true, otherwise {@code null}
     * @throws MessageTooBigException when the message would exceed the limit (1009) or the memory
     *                                budget (1013); what was held is dropped
     */
    public String add(String part, boolean last) throws MessageTooBigException {
        long partBytes = utf8Length(part);
        long size = pendingBytes + partBytes;
        if (size > limit) {
            drop();
            throw new MessageTooBigException(limit);
        }
        if (pending == null && last) {
            return part;
        }
        if (!last) {
            if (!account.tryReserve(partBytes)) {
                drop();
                throw MessageTooBigException.overBudget();
            }
            reserved += partBytes;
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
        drop();
        return whole;
    }

    /** Whether a message is partly received. */
    public boolean inProgress() {
        return pending != null;
    }

    /** Drops a partly received message and gives its bytes back to the budget. */
    public void drop() {
        account.release(reserved);
        reserved = 0;
        pending = null;
        pendingBytes = 0;
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
