package dev.duplex.bench.echo;

import io.netty.buffer.ByteBuf;

/**
 * The in-order, byte-for-byte check of one connection's echoes. Messages are numbered as they are
 * sent; an echo must be exactly the oldest unanswered message. An echo that equals a later one
 * means the ones before it were lost or reordered ({@link Outcome#OUT_OF_ORDER}; they are counted
 * in {@link #skipped()}); one that equals none is a {@link Outcome#MISMATCH} and stands for the
 * oldest. Used by one thread at a time (the connection's event loop); the counts may be read from
 * any thread.
 */
public final class EchoCheck {

    /** What a received message turned out to be. */
    public enum Outcome { MATCH, OUT_OF_ORDER, MISMATCH, UNEXPECTED }

    /** How far past the oldest unanswered message a reordered echo is searched for. */
    static final int SEARCH = 64;

    private final int conn;
    private final int size;
    private long[] sentAt = new long[16];
    private volatile long next;
    private volatile long head;
    private volatile long skipped;
    private long lastSentAt;

    public EchoCheck(int conn, int size) {
        this.conn = conn;
        this.size = size;
    }

    /** Numbers the next message, remembers when it was sent (or due), and returns its number. */
    public long sent(long at) {
        long seq = next;
        if (seq - head == sentAt.length) {
            grow();
        }
        sentAt[(int) (seq & (sentAt.length - 1))] = at;
        next = seq + 1;
        return seq;
    }

    /** Checks a received echo against the oldest unanswered message. */
    public Outcome received(ByteBuf data) {
        long oldest = head;
        if (oldest == next) {
            return Outcome.UNEXPECTED;
        }
        if (Payloads.matches(data, conn, oldest, size)) {
            lastSentAt = sentAt(oldest);
            head = oldest + 1;
            return Outcome.MATCH;
        }
        long last = Math.min(next - 1, oldest + SEARCH);
        for (long seq = oldest + 1; seq <= last; seq++) {
            if (Payloads.matches(data, conn, seq, size)) {
                lastSentAt = sentAt(seq);
                skipped += seq - oldest;
                head = seq + 1;
                return Outcome.OUT_OF_ORDER;
            }
        }
        lastSentAt = sentAt(oldest);
        head = oldest + 1;
        return Outcome.MISMATCH;
    }

    /** When the message the last {@link #received} call matched was sent (or due). */
    public long lastSentAt() {
        return lastSentAt;
    }

    /** Messages sent and not answered yet. */
    public long inFlight() {
        return next - head;
    }

    /** Messages passed over because a later one came back first. */
    public long skipped() {
        return skipped;
    }

    public long sentCount() {
        return next;
    }

    private long sentAt(long seq) {
        return sentAt[(int) (seq & (sentAt.length - 1))];
    }

    private void grow() {
        long[] bigger = new long[sentAt.length * 2];
        for (long seq = head; seq < next; seq++) {
            bigger[(int) (seq & (bigger.length - 1))] = sentAt(seq);
        }
        sentAt = bigger;
    }
}
