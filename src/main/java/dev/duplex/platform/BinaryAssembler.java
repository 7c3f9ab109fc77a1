package dev.duplex.platform;

import java.nio.ByteBuffer;

/**
 * Joins the parts of one binary message, as a partial-message handler receives them, and refuses
 * to hold more than the limit. A message that arrives in a single part is passed through without a
 * copy and without touching the memory budget. The buffer a fragmented message is joined in is
 * reserved from the session's {@link MemoryBudget.Account} (its whole capacity, as it grows) and
 * released when the message is complete or dropped; a refused reservation drops the message with
 * {@link MessageTooBigException#overBudget()} (1013). One instance per session; not thread-safe (a
 * session delivers its messages one at a time).
 */
public final class BinaryAssembler {

    private final long limit;
    private final MemoryBudget.Account account;
    private ByteBuffer pending;

    /** An assembler outside any memory budget (tests, tools). */
    public BinaryAssembler(long limit) {
        this(limit, MemoryBudget.unlimited().account("binary", "local"));
    }

    /** An assembler whose buffer is reserved from {@code account} (see {@link Connections#budget}). */
    public BinaryAssembler(long limit, MemoryBudget.Account account) {
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
    public ByteBuffer add(ByteBuffer part, boolean last) throws MessageTooBigException {
        long size = (pending == null ? 0 : pending.position()) + (long) part.remaining();
        if (size > limit) {
            drop();
            throw new MessageTooBigException(limit);
        }
        if (pending == null && last) {
            return part;
        }
        if (pending == null) {
            pending = allocate((int) Math.min(limit, Math.max(part.remaining() * 2L, 8192)));
        } else if (pending.remaining() < part.remaining()) {
            long wanted = Math.min(limit, Math.max((long) pending.capacity() * 2, size));
            ByteBuffer grown = allocate((int) wanted);
            pending.flip();
            grown.put(pending);
            account.release(pending.capacity());
            pending = grown;
        }
        pending.put(part);
        if (!last) {
            return null;
        }
        ByteBuffer whole = pending.flip();
        account.release(whole.capacity());
        pending = null;
        return whole;
    }

    /** Whether a message is partly received. */
    public boolean inProgress() {
        return pending != null;
    }

    /** Drops a partly received message and gives its buffer back to the budget. */
    public void drop() {
        if (pending != null) {
            account.release(pending.capacity());
            pending = null;
        }
    }

    /** A buffer of {@code capacity} bytes, reserved first; on refusal what was held is dropped. */
    private ByteBuffer allocate(int capacity) throws MessageTooBigException {
        if (!account.tryReserve(capacity)) {
            drop();
            throw MessageTooBigException.overBudget();
        }
        return ByteBuffer.allocate(capacity);
    }
}
