package dev.duplex.platform.engine;

import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Puts Duplex's reason into every close frame the server sends on a session, whoever wrote it.
 * Tyrus closes a session by itself on a protocol error (a reserved opcode, a one-byte close
 * payload, invalid UTF-8 ...) with its exception's message as the close reason, and answers a
 * client's close with the client's reason; Jakarta WebSocket offers no hook between Tyrus and the
 * wire. So the engine adapter wraps the session's connection writer
 * ({@link EngineAdapter#rewriteCloseFrames}; on Tyrus its {@code ProtocolHandler.writer}): each
 * outgoing close frame (unmasked, opcode 8, written whole) has its reason passed through a
 * {@link Rewrite} and is re-framed by {@link #rewrite} when the reason changes; every other write
 * passes untouched. The capability
 * {@value Engine#CLOSE_REASONS} says whether it works on this engine.
 */
public final class CloseFrameReasons {

    /** What the reason of an outgoing close frame becomes. */
    @FunctionalInterface
    public interface Rewrite {
        /** @return the reason to send for {@code code} instead of {@code reason} (empty for none) */
        String reason(int code, String reason);
    }

    private static final System.Logger LOG = System.getLogger(CloseFrameReasons.class.getName());
    private static final int MAX_REASON_BYTES = 123;

    private static volatile boolean unavailable;

    private CloseFrameReasons() {
    }

    /**
     * Wraps the writer of {@code session}'s connection so that its close frames carry the reasons
     * {@code rewrite} gives. Call once the session is open, after anything else that walks the
     * engine's objects from the writer. Never throws.
     *
     * @return whether the writer was wrapped
     */
    public static boolean install(Session session, Rewrite rewrite) {
        Capability capability = Engine.capability(Engine.CLOSE_REASONS, "close frames Tyrus writes itself carry its exception text");
        if (unavailable) {
            return false;
        }
        try {
            Engine.adapter().rewriteCloseFrames(session, proving(rewrite, capability, Engine.adapter().name()));
            if (capability.status().state() == Capability.State.UNTESTED) {
                capability.untested(Engine.adapter().name() + "'s connection writer is wrapped; proven when the first close frame"
                        + " the engine writes passes through it");
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unavailable = true;
            capability.inactive(Engine.adapter().name() + "'s connection writer cannot be wrapped: " + e);
            LOG.log(Level.WARNING, "Close frames the engine writes itself keep its own reasons ({0})", e.toString());
            return false;
        }
    }

    /**
     * {@code rewrite}, turning {@code capability} active the first time the engine's writer passes a
     * close frame through it: the proof that the wrapped writer is the one the engine writes with.
     */
    static Rewrite proving(Rewrite rewrite, Capability capability, String engine) {
        return (code, reason) -> {
            String answer = rewrite.reason(code, reason);
            if (capability.status().state() != Capability.State.ACTIVE) {
                capability.active("every close frame the server sends carries Duplex's own reason (seen: a close frame "
                        + engine + " wrote passed through its wrapped connection writer)");
            }
            return answer;
        };
    }

    /**
     * {@code frame} (one whole frame, as the engine writes it) with its close reason rewritten, or
     * {@code frame} itself when it is not an unmasked close frame or its reason stays. Plain Java.
     */
    public static ByteBuffer rewrite(ByteBuffer frame, Rewrite rewrite) {
        int p = frame.position();
        if (frame.remaining() < 4) {
            return frame;
        }
        int first = frame.get(p) & 0xFF;
        int second = frame.get(p + 1) & 0xFF;
        int length = second & 0x7F;
        if ((first & 0x0F) != 0x8 || (second & 0x80) != 0 || length > 125 || frame.remaining() != 2 + length) {
            return frame;
        }
        int code = (frame.get(p + 2) & 0xFF) << 8 | frame.get(p + 3) & 0xFF;
        byte[] bytes = new byte[length - 2];
        frame.duplicate().position(p + 4).get(bytes);
        String reason = new String(bytes, StandardCharsets.UTF_8);
        String wanted = rewrite.reason(code, reason);
        if (wanted == null) {
            wanted = "";
        }
        if (wanted.equals(reason)) {
            return frame;
        }
        byte[] text = utf8(wanted);
        ByteBuffer out = ByteBuffer.allocate(4 + text.length);
        out.put((byte) first).put((byte) (2 + text.length)).put((byte) (code >> 8)).put((byte) code).put(text).flip();
        return out;
    }

    /** {@code text} in UTF-8, cut to the 123 bytes a close reason may have, never inside a character. */
    private static byte[] utf8(String text) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(MAX_REASON_BYTES);
        encoder.encode(CharBuffer.wrap(text), out, true);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }
}
