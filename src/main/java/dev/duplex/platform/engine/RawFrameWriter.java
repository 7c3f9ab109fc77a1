package dev.duplex.platform.engine;

import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Writes frames that are already encoded ({@link dev.duplex.platform.TextFrames}) straight to a session's
 * connection through the engine adapter ({@link EngineAdapter#rawFrames}; on Tyrus, the way Tyrus
 * writes its own frames: under the session's protocol lock, on its connection writer, with a
 * completion callback). Jakarta WebSocket has no API for this (a send
 * always takes a message and frames it; Tyrus' {@code setBatchingAllowed} is a no-op), and in a
 * broadcast that framing is most of the cost: Tyrus creates a UTF-8 charset and encodes the text
 * once per recipient, and writes every message with its own system call. With pre-encoded frames
 * a broadcast encodes each message once and a recipient that fell behind gets what waits for it
 * in one write.
 *
 * <p>Only for sessions without negotiated extensions (a permessage-deflate session's frames go
 * through its compressor, so they go through Tyrus). On other engines, or if the engine's internals
 * are not as its adapter expects, {@link #of} answers null and callers send through the standard API; either
 * way the outcome is the {@value Engine#RAW_FRAMES} capability.
 */
public final class RawFrameWriter {

    /** Set once a session was given a raw writer (the engine adapter reached its connection writer). */
    private static volatile boolean reached;
    /** Set once a pre-encoded write completed without error (the capability's proof). */
    private static volatile boolean proven;
    private static volatile boolean unavailable;

    private final EngineAdapter.RawFrames frames;

    RawFrameWriter(EngineAdapter.RawFrames frames) {
        this.frames = frames;
    }

    /** Whether a session has been given a raw writer (the engine is as its adapter expects). */
    public static boolean isActive() {
        return reached && !unavailable;
    }

    /** A writer for {@code session}, or null when its frames must go through the engine's API. */
    public static RawFrameWriter of(Session session) {
        if (unavailable || !session.getNegotiatedExtensions().isEmpty()) {
            return null;
        }
        try {
            RawFrameWriter writer = new RawFrameWriter(Engine.adapter().rawFrames(session));
            if (!reached) {
                reached = true;
                Capability capability = Engine.capability(Engine.RAW_FRAMES);
                if (capability != null && capability.status().state() == Capability.State.UNTESTED) {
                    capability.untested(Engine.adapter().name() + "'s connection writer reached; proven when the first pre-encoded"
                            + " write completes");
                }
            }
            return writer;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            giveUp(e.toString());
            return null;
        }
    }

    /**
     * Writes {@code frames} (whole frames, back to back) after whatever the session is writing;
     * {@code done} gets null or the failure, possibly on this thread.
     */
    public void write(ByteBuffer frames, Consumer<Throwable> done) {
        try {
            this.frames.write(frames, proven ? done : error -> {
                if (error == null && !proven && !unavailable) {
                    proven = true;
                    Engine.rawFrames(true, "broadcast frames are encoded once and written straight to " + Engine.adapter().name()
                            + " connections (seen: a pre-encoded write completed)");
                }
                done.accept(error);
            });
        } catch (RuntimeException | LinkageError e) {
            // a LinkageError here means the engine changed under us: say so once and send no more raw frames
            if (e instanceof LinkageError) {
                giveUp(e.toString());
            }
            done.accept(e);
        }
    }

    /** Forgets what was found, for tests. */
    static synchronized void forget() {
        reached = false;
        proven = false;
        unavailable = false;
    }

    private static synchronized void giveUp(String why) {
        if (!unavailable) {
            unavailable = true;
            Engine.rawFrames(false, why);
        }
    }
}
