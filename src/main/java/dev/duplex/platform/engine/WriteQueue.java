package dev.duplex.platform.engine;

/**
 * Bounds what Grizzly accepts for writing to one connection beyond what the socket took, so that
 * a client that stops reading makes Duplex's own accounting see its writes wait.
 *
 * <p>Tyrus on Payara reports a send complete as soon as Grizzly has taken its bytes, and Grizzly
 * takes them while its async write queue for the connection holds less than the connection's
 * {@code maxAsyncWriteQueueSize} (the servlet output stream is "ready" until then). Grizzly sizes
 * that limit at four times the socket's send buffer: on Linux loopback 10 to 16 MB per connection,
 * none of it in Duplex's {@code Outbox} or memory budget, because every send looked complete. With
 * the limit set low at session open, a silent client's writes stop completing after that many
 * bytes wait in Grizzly; from there Duplex's outbox (and its slow-consumer limit and the memory
 * budget), the feed's keepalive and the chat's backlog see the client as slow. A single write
 * larger than the limit is still taken whole (Grizzly checks the limit only before a write), so no
 * message is refused by it.
 *
 * <p>Grizzly 5 (Payara Micro 7) added a hard limit: a write that would make the queue hold more
 * than {@code pendingBytesHardLimitMultiplier} (4) times the connection's limit is refused and the
 * connection dropped without a close frame (logged at FINEST only), so with the limit at 256 KiB
 * every message over 1 MiB was lost. {@link EngineAdapter#writeQueueHardLimitMultiplier} reads that multiplier (0 where
 * Grizzly has none), and {@link Room} raises the connection's limit for the duration of each send
 * that would exceed it, back to the bound when the send completes: the bound holds between
 * messages, and every message goes out whole.
 *
 * <p>Grizzly's {@code Connection.setMaxAsyncWriteQueueSize(int)} and
 * {@code getMaxAsyncWriteQueueSize()} are public API of the connection Duplex already reaches for
 * {@link ConnectionAbort}; the engine adapter calls them ({@link EngineAdapter#limitWriteQueue},
 * {@link EngineAdapter#writeQueued}); this class keeps the engine-neutral arithmetic and {@link Room}.
 */
final class WriteQueue {

    private WriteQueue() {
    }

    /**
     * The connection limit a send of {@code frameBytes} needs so that Grizzly's hard limit of
     * {@code multiplier} × the limit takes it whole: whatever waits when the send starts (less than
     * the limit in force, or the write would have waited) plus the frame must fit, so
     * {@code limit' × (multiplier - 1) >= frameBytes}, and never below {@code bound}.
     */
    static long limitFor(long bound, long frameBytes, int multiplier) {
        if (multiplier <= 0) {
            return bound;
        }
        if (multiplier == 1) {
            return Long.MAX_VALUE;
        }
        long needed = (bound + frameBytes + multiplier - 2) / (multiplier - 1);
        return Math.max(bound, needed);
    }

    /**
     * One connection's bounded write queue: its backlog, the raise around each send larger than
     * Grizzly's hard limit allows, and the behaviour checks of the capability (a message larger than
     * the bound went out whole; the queue never held much more than the bound plus one message).
     */
    static final class Room implements WriteBacklog {

        /** Pings, close frames and pre-encoded chat frames that may join a message in the queue. */
        static final long SLACK = 64 * 1024;

        /** How a room sets the limit of its connection (Grizzly's setter, or a test's). */
        interface Limit {
            void set(int bytes) throws ReflectiveOperationException;
        }

        /** What a room learns about the capability: proven, or broken with why. */
        interface Verdict {
            void proven(long frameBytes);

            void broken(String why);
        }

        private final int bound;
        private final int multiplier;
        private final java.util.function.LongSupplier queued;
        private final Limit limit;
        private final Verdict verdict;
        private int raisedSends;
        private long raisedTo;

        Room(int bound, int multiplier, java.util.function.LongSupplier queued, Limit limit, Verdict verdict) {
            this.bound = bound;
            this.multiplier = multiplier;
            this.queued = queued;
            this.limit = limit;
            this.verdict = verdict;
        }

        @Override
        public long getAsLong() {
            return queued.getAsLong();
        }

        @Override
        public void sending(long frameBytes) {
            long needed = limitFor(bound, frameBytes, multiplier);
            if (needed <= bound) {
                return;
            }
            synchronized (this) {
                raisedSends++;
                if (needed > raisedTo) {
                    raisedTo = Math.min(needed, Integer.MAX_VALUE);
                    apply((int) raisedTo);
                }
            }
        }

        @Override
        public void sent(long frameBytes, Throwable failure) {
            long limitDuring;
            synchronized (this) {
                limitDuring = Math.max(bound, raisedTo);
                if (limitFor(bound, frameBytes, multiplier) > bound && raisedSends > 0 && --raisedSends == 0) {
                    raisedTo = 0;
                    apply(bound);
                }
            }
            if (failure != null) {
                String text = String.valueOf(failure.getMessage()) + " " + failure.getCause();
                if (text.contains("write queue") && text.contains("limit")) {
                    verdict.broken("Grizzly refused a " + frameBytes + "-byte write at a limit of " + limitDuring
                            + " bytes (" + failure + ")");
                }
                return;
            }
            long held = queued.getAsLong();
            if (held > limitDuring + frameBytes + SLACK) {
                verdict.broken("Grizzly held " + held + " bytes for a connection limited to " + limitDuring
                        + " bytes plus a " + frameBytes + "-byte message");
            } else if (frameBytes > bound) {
                verdict.proven(frameBytes);
            }
        }

        private void apply(int bytes) {
            try {
                limit.set(bytes);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                verdict.broken("the write queue limit of a connection could not be changed: " + e);
            }
        }
    }
}
