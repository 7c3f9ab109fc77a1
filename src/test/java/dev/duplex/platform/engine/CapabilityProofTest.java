package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.engine.Capability.State;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour checks of remote-address and close-reasons, without a server. */
class CapabilityProofTest {

    @BeforeEach
    @AfterEach
    void reset() {
        Engine.reset();
    }

    @Test
    void theEnginesPeerAddressMustBeTheHandshakesOne() {
        assertEquals(State.ACTIVE, RemoteAddress.prove("Tyrus", "127.0.0.1", "127.0.0.1").state());
        assertEquals(State.ACTIVE, RemoteAddress.prove("Tyrus", "[::1]", "::1").state());

        Capability.Status other = RemoteAddress.prove("Tyrus", "10.0.0.7", "127.0.0.1");
        assertEquals(State.INACTIVE, other.state(), "an engine answering another connection's address is not trusted");
        assertTrue(other.detail().contains("10.0.0.7") && other.detail().contains("127.0.0.1"), other.detail());
        assertEquals(State.INACTIVE, RemoteAddress.prove("Tyrus", null, "127.0.0.1").state());
    }

    @Test
    void aSessionOnAnotherConnectionObjectThanItsOwnHandshakeDecidesTheAddressProofInactive() {
        // GlassFish 8: the session opened right after its handshake, on the same thread, under another
        // connection object; the proof could never match one, so it decides instead of staying untested
        Capability.Status differ = RemoteAddress.proveOnHandshakeThread("Tyrus", false, "handshake A, session B",
                "127.0.0.1", "127.0.0.1");
        assertEquals(State.INACTIVE, differ.state(), "even with matching addresses the objects cannot be matched");
        assertTrue(differ.detail().contains("another connection object") && differ.detail().contains("handshake A, session B"),
                differ.detail());

        // the same object: the addresses decide, as for any proof
        assertEquals(State.ACTIVE, RemoteAddress.proveOnHandshakeThread("Tyrus", true, "", "127.0.0.1", "127.0.0.1").state());
        assertEquals(State.INACTIVE, RemoteAddress.proveOnHandshakeThread("Tyrus", true, "", "10.0.0.7", "127.0.0.1").state());
        assertEquals(State.INACTIVE, RemoteAddress.proveOnHandshakeThread("Tyrus", true, "", null, "127.0.0.1").state());
    }

    @Test
    void closeReasonsTurnActiveOnlyWhenTheEnginesWriterPassesACloseFrameThroughTheHook() {
        Capability capability = Engine.capability(Engine.CLOSE_REASONS);
        CloseFrameReasons.Rewrite rewrite = CloseFrameReasons.proving((code, reason) -> "Duplex", capability, "Tyrus");
        assertEquals(State.UNTESTED, capability.status().state(), "wrapped, nothing written yet");

        // a data frame written through the wrapped writer proves nothing
        ByteBuffer text = ByteBuffer.wrap(new byte[] {(byte) 0x81, 2, 'h', 'i'});
        assertEquals(text, CloseFrameReasons.rewrite(text, rewrite));
        assertEquals(State.UNTESTED, capability.status().state());

        byte[] reason = "java.lang.IllegalStateException: oops".getBytes(StandardCharsets.UTF_8);
        ByteBuffer close = ByteBuffer.allocate(4 + reason.length);
        close.put((byte) 0x88).put((byte) (2 + reason.length)).put((byte) 0x03).put((byte) 0xF3).put(reason).flip();
        ByteBuffer out = CloseFrameReasons.rewrite(close, rewrite);

        assertEquals("Duplex", new String(out.array(), 4, out.remaining() - 4, StandardCharsets.UTF_8));
        assertEquals(State.ACTIVE, capability.status().state());
    }

    @Test
    void rawFramesTurnActiveOnlyWhenAPreEncodedWriteCompletes() {
        java.util.List<Throwable> results = new java.util.ArrayList<>();
        new RawFrameWriter((frames, done) -> done.accept(new java.io.IOException("closed"))).write(ByteBuffer.allocate(2), results::add);
        assertEquals(State.UNTESTED, Engine.capabilities().get(Engine.RAW_FRAMES).state(), "a failed write proves nothing");

        new RawFrameWriter((frames, done) -> done.accept(null)).write(ByteBuffer.allocate(2), results::add);

        assertEquals(State.ACTIVE, Engine.capabilities().get(Engine.RAW_FRAMES).state());
        assertEquals(2, results.size(), "every caller is told");
    }

    @Test
    void rawFramesThatTheEngineCannotLinkTurnInactive() {
        java.util.List<Throwable> results = new java.util.ArrayList<>();
        new RawFrameWriter((frames, done) -> {
            throw new NoSuchMethodError("write");
        }).write(ByteBuffer.allocate(2), results::add);

        assertEquals(State.INACTIVE, Engine.capabilities().get(Engine.RAW_FRAMES).state());
        assertEquals(1, results.size());
    }
}
