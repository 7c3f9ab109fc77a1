package dev.duplex.platform.deflate;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Extension;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * bounded-deflate is active only after its self-test at start: a compressed message inflates
 * through the engine's extension, and one inflating past the limit is refused with 1009. An engine
 * whose extension does not inflate, or inflates without bound, fails it (and then nothing is negotiated).
 */
class DeflateSelfTestTest {

    @Test
    void theTyrusExtensionPassesOnThisTyrus() {
        // tyrus-core (provided) is on the unit tests' class path
        DeflateEngine tyrus = BoundedDeflate.find(java.util.ServiceLoader.load(DeflateEngine.class));
        assertNotNull(tyrus);
        assertNull(BoundedDeflate.selfTest(tyrus));
        assertTrue(BoundedDeflate.active(), BoundedDeflate.reason());
        assertTrue(BoundedDeflate.reason().contains("self-test"), BoundedDeflate.reason());
    }

    @Test
    void anExtensionThatDoesNotInflateFailsIt() {
        String why = BoundedDeflate.selfTest(new Fake() {
            @Override
            public Frame incoming(Extension extension, int opcode, boolean rsv1, byte[] payload) {
                return new Frame(opcode, payload);
            }
        });
        assertNotNull(why);
        assertTrue(why.contains("compressed text message"), why);
    }

    @Test
    void anExtensionThatInflatesWithoutBoundFailsIt() {
        String why = BoundedDeflate.selfTest(new Fake() {
            @Override
            public Frame incoming(Extension extension, int opcode, boolean rsv1, byte[] payload) {
                return new Frame(opcode, inflate(payload));
            }
        });
        assertNotNull(why);
        assertTrue(why.contains("not refused with 1009"), why);
    }

    @Test
    void anExtensionThatThrowsFailsIt() {
        String why = BoundedDeflate.selfTest(new Fake() {
            @Override
            public Frame incoming(Extension extension, int opcode, boolean rsv1, byte[] payload) {
                throw new NoSuchMethodError("processIncoming");
            }
        });
        assertNotNull(why);
        assertTrue(why.contains("NoSuchMethodError"), why);
    }

    private abstract static class Fake implements DeflateEngine {
        @Override
        public boolean available() {
            return true;
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public Extension extension(DeflateSession session) {
            return new Extension() {
                @Override
                public String getName() {
                    return BoundedDeflate.NAME;
                }

                @Override
                public List<Parameter> getParameters() {
                    return List.of();
                }
            };
        }
    }

    private static byte[] inflate(byte[] payload) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(payload);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException(e);
        } finally {
            inflater.end();
        }
    }
}
