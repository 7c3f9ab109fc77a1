package dev.duplex.platform;

import java.nio.ByteBuffer;

/**
 * Joins the parts of one binary message, as a partial-message handler receives them, and refuses
 * to hold more than the limit. A message that arrives in a single part is passed through without a
 * copy. One instance per session; not thread-safe (a session delivers its messages one at a time).
 */
public final class BinaryAssembler {

    private final long limit;
    private ByteBuffer pending;

    public BinaryAssembler(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        this.limit = limit;
    }

    /**
     * @return the whole message once {@code last} is true, otherwise {@code null}
     * @throws MessageTooBigException when the message would exceed the limit; what was held is dropped
     */
    public ByteBuffer add(ByteBuffer part, boolean last) throws MessageTooBigException {
        long size = (pending == null ? 0 : pending.position()) + (long) part.remaining();
        if (size > limit) {
            pending = null;
            throw new MessageTooBigException(limit);
        }
        if (pending == null && last) {
            return part;
        }
        if (pending == null) {
            pending = ByteBuffer.allocate((int) Math.min(limit, Math.max(part.remaining() * 2L, 8192)));
        } else if (pending.remaining() < part.remaining()) {
            long wanted = Math.min(limit, Math.max((long) pending.capacity() * 2, size));
            ByteBuffer grown = ByteBuffer.allocate((int) wanted);
            pending.flip();
            grown.put(pending);
            pending = grown;
        }
        pending.put(part);
        if (!last) {
            return null;
        }
        ByteBuffer whole = pending.flip();
        pending = null;
        return whole;
    }

    /** Whether a message is partly received. */
    public boolean inProgress() {
        return pending != null;
    }
}
