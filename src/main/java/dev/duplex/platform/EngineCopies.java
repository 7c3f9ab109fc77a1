package dev.duplex.platform;

import dev.duplex.platform.deflate.DeflateSession;
import dev.duplex.platform.engine.WriteBacklog;
import java.nio.ByteBuffer;

/**
 * The copies of a session's outgoing messages that the engine makes and holds, charged to the
 * session's {@link MemoryBudget.Account} while they are held. The session's {@link Outbox} charges
 * one copy of each message from the moment it is offered until its send completes; while the engine
 * writes it, Tyrus holds more:
 * <ul>
 * <li>its own copy of the payload in the frame it writes (binary: {@code Utils.getRemainingArray};
 * text: the UTF-8 encoding, and the {@link String} itself in the frame): the outbox's charge covers
 * it, as the outbox lets go of the message once the engine has it; while the engine's send call
 * runs (which compresses the message), the message beside that copy, or for text the scratch
 * array Tyrus encodes into (three bytes per char), is charged too ({@link #scratchBytes});</li>
 * <li>the serialized frame (header and payload): charged here from the send until it completes,
 * unless permessage-deflate compresses the message, whose compressed output
 * {@link DeflateSession} charges itself until the send completes ({@link DeflateSession#sent});</li>
 * <li>for text, the {@link String} and its encoding are both held: one more copy, charged here;</li>
 * <li>after the send "completes" (Grizzly accepted the bytes), Grizzly's write queue still holds
 * what the socket has not taken: charged as the session's write backlog, measured when a send
 * completes and at every sweep ({@link #settleBacklog}).</li>
 * </ul>
 * A refused charge closes the session with 1013 "Server busy: memory budget", as everywhere else.
 * Thread-safe.
 */
final class EngineCopies {

    private final MemoryBudget.Account account;
    private final DeflateSession deflate;
    private final WriteBacklog backlog;
    private final Runnable overBudget;
    private long backlogCharged;

    /**
     * @param deflate    the session's permessage-deflate state, or null when it was not negotiated
     * @param backlog    the bytes the engine holds for writing beyond what it reported sent; told of
     *                   each send's start and end
     * @param overBudget closes the session with 1013 when a charge is refused
     */
    EngineCopies(MemoryBudget.Account account, DeflateSession deflate, WriteBacklog backlog, Runnable overBudget) {
        this.account = account;
        this.deflate = deflate;
        this.backlog = backlog;
        this.overBudget = overBudget;
    }

    /** {@code engine}, with the copies it makes of each message charged while it writes it. */
    Outbox.Transport charging(Outbox.Transport engine) {
        return new Outbox.Transport() {
            @Override
            public void send(Object message, java.util.function.Consumer<Throwable> done) {
                long copies = copyBytes(message);
                long scratch = scratchBytes(message);
                if (!account.tryReserve(copies + scratch)) {
                    overBudget.run();
                    done.accept(new IllegalStateException(Outbox.OVER_BUDGET));
                    return;
                }
                long frame = frameBytes(message);
                backlog.sending(frame);
                try {
                    engine.send(message, error -> {
                        backlog.sent(frame, error);
                        account.release(copies);
                        if (deflate != null) {
                            deflate.sent();
                        }
                        settleBacklog();
                        done.accept(error);
                    });
                } catch (RuntimeException e) {
                    backlog.sent(frame, e); // no completion will come: the engine's limit goes back
                    throw e;
                } finally {
                    account.release(scratch);
                }
            }

            @Override
            public boolean batches() {
                return engine.batches();
            }
        };
    }

    /**
     * {@code transport}, one an endpoint brings itself (chat's pre-encoded frames, the feed's own
     * sends), with the engine's write queue told of each send ({@link WriteBacklog#sending},
     * {@link WriteBacklog#sent}) as {@link #charging} tells it, so that the bound the engine keeps
     * on that queue never refuses one of its messages: Grizzly 5 (Payara Micro 7) drops the
     * connection, without a close frame, on a write larger than four times the connection's limit
     * unless the limit is raised for it (a chat welcome whose history holds 100 messages of 60 kB
     * was lost that way). Nothing is charged here: such a transport's copies are its own (chat's
     * frames are shared by every recipient); the engine's write queue is charged at every sweep
     * ({@link #settleBacklog}).
     */
    Outbox.Transport announcing(Outbox.Transport transport) {
        return new Outbox.Transport() {
            @Override
            public void send(Object message, java.util.function.Consumer<Throwable> done) {
                long frame = frameBytes(message);
                backlog.sending(frame);
                try {
                    transport.send(message, error -> {
                        backlog.sent(frame, error);
                        done.accept(error);
                    });
                } catch (RuntimeException e) {
                    backlog.sent(frame, e); // no completion will come: the engine's limit goes back
                    throw e;
                }
            }

            @Override
            public boolean batches() {
                return transport.batches();
            }
        };
    }

    /**
     * At most the bytes of the frame(s) the engine writes for {@code message}: its payload, a header,
     * and what permessage-deflate may add to an incompressible payload.
     */
    long frameBytes(Object message) {
        long payload;
        if (message instanceof String text) {
            payload = TextAssembler.utf8Length(text);
        } else if (message instanceof ByteBuffer bytes) {
            payload = bytes.remaining();
        } else if (message instanceof Outbox.Batch batch) {
            payload = 0;
            for (Object one : batch.messages()) {
                payload += frameBytes(one);
            }
            return payload;
        } else {
            return 0;
        }
        return deflate != null ? payload + payload / 64 + 64 : payload + 14;
    }

    /** The bytes the engine holds of {@code message} while writing it, beyond the one copy the outbox charges. */
    long copyBytes(Object message) {
        boolean compressed = deflate != null && deflate.negotiation().compressOutgoing();
        if (message instanceof String text) {
            long utf8 = TextAssembler.utf8Length(text);
            // the String and its UTF-8 encoding in Tyrus' frame, plus the serialized frame unless compressed
            return compressed ? utf8 : 2 * utf8;
        }
        if (message instanceof ByteBuffer bytes) {
            return compressed ? 0 : bytes.remaining();
        }
        return 0;
    }

    /**
     * The bytes held only while the engine's send call runs (compressing the message, for one):
     * binary, the message itself beside the copy Tyrus makes of it; text, the scratch array Tyrus
     * encodes it into (three bytes per char, trimmed to the UTF-8 length afterwards).
     */
    long scratchBytes(Object message) {
        if (message instanceof String text) {
            return 3L * text.length();
        }
        if (message instanceof ByteBuffer bytes) {
            return bytes.remaining();
        }
        return 0;
    }

    /** Charges what the engine's write queue holds now for the session (up or down); 1013 when refused. */
    void settleBacklog() {
        boolean refused = false;
        synchronized (this) {
            long queued = Math.max(0, backlog.getAsLong());
            long more = queued - backlogCharged;
            if (more > 0) {
                if (account.tryReserve(more)) {
                    backlogCharged = queued;
                } else {
                    refused = true;
                }
            } else if (more < 0) {
                account.release(-more);
                backlogCharged = queued;
            }
        }
        if (refused) {
            overBudget.run();
        }
    }

    /** Bytes of the engine's write queue charged now. */
    synchronized long backlogCharged() {
        return backlogCharged;
    }
}
