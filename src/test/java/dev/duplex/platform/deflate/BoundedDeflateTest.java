package dev.duplex.platform.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Extension;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

/** How the bounded permessage-deflate picks its engine implementation. */
class BoundedDeflateTest {

    @Test
    void theFirstAvailableEngineIsChosenAndOnesThatCannotLoadAreSkipped() {
        DeflateEngine absent = engine(false);
        DeflateEngine present = engine(true);
        Iterable<DeflateEngine> candidates = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < 3;
            }

            @Override
            public DeflateEngine next() {
                return switch (next++) {
                    case 0 -> throw new ServiceConfigurationError("engine classes absent", new NoClassDefFoundError("x"));
                    case 1 -> absent;
                    case 2 -> present;
                    default -> throw new NoSuchElementException();
                };
            }
        };
        assertSame(present, BoundedDeflate.find(candidates));
    }

    @Test
    void withoutAnAvailableEngineNothingIsChosen() {
        assertNull(BoundedDeflate.find(List.of(engine(false))));
        assertNull(BoundedDeflate.find(List.of()));
    }

    @Test
    void onTheClassPathWithTyrusTheTyrusExtensionIsFound() {
        // the WAR's META-INF/services entry; Tyrus' SPI is on the test class path as on Payara
        assertTrue(BoundedDeflate.active(), BoundedDeflate.reason());
        assertEquals("dev.duplex.engine.tyrus.TyrusDeflateExtension",
                BoundedDeflate.negotiate(List.of(offer())).orElseThrow().getClass().getName());
        BoundedDeflate.handshakeDone("/ws/echo", new java.util.HashMap<>(), false);
    }

    private static Extension offer() {
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

    private static DeflateEngine engine(boolean available) {
        return new DeflateEngine() {
            @Override
            public boolean available() {
                return available;
            }

            @Override
            public String describe() {
                return available ? "present" : "absent";
            }

            @Override
            public Extension extension(DeflateSession session) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Frame incoming(Extension extension, int opcode, boolean rsv1, byte[] payload) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
