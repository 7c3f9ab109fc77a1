package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.websocket.Session;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

/** How the engine adapter is chosen, and what the portable one answers. */
class EngineAdapterTest {

    @Test
    void theFirstAvailableAdapterIsChosenAndOnesThatCannotLoadAreSkipped() {
        EngineAdapter absent = adapter("absent", false);
        EngineAdapter present = adapter("present", true);
        Iterable<EngineAdapter> candidates = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < 3;
            }

            @Override
            public EngineAdapter next() {
                return switch (next++) {
                    case 0 -> throw new ServiceConfigurationError("engine classes absent", new NoClassDefFoundError("x"));
                    case 1 -> absent;
                    case 2 -> present;
                    default -> throw new NoSuchElementException();
                };
            }
        };
        assertSame(present, Engine.choose(candidates));
    }

    @Test
    void withoutAnAvailableEngineTheStandardApisAreUsedAndEveryHookRefuses() {
        EngineAdapter chosen = Engine.choose(List.of(adapter("absent", false)));
        assertSame(PortableEngine.INSTANCE, chosen);
        assertEquals(Optional.empty(), chosen.cancelledWriteLogger());
        assertThrows(UnsupportedOperationException.class, () -> chosen.rewriteCloseFrames(null, (code, reason) -> reason));
        assertThrows(UnsupportedOperationException.class, () -> chosen.rawFrames(null));
        assertThrows(UnsupportedOperationException.class, () -> chosen.sessionScheduler(Object.class));
        assertEquals(Optional.empty(), chosen.version(Object.class));
    }

    @Test
    void withTyrusOnTheClassPathItsAdapterIsFoundThroughTheServiceEntry() {
        // tyrus-core is on the test class path, as on Payara; the WAR's META-INF/services names the adapter
        assertEquals("Tyrus", Engine.adapter().name());
        assertEquals("dev.duplex.engine.tyrus.TyrusEngine", Engine.adapter().getClass().getName());
    }

    private static EngineAdapter adapter(String name, boolean available) {
        return new EngineAdapter() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean available() {
                return available;
            }

            @Override
            public void rewriteCloseFrames(Session session, CloseFrameReasons.Rewrite rewrite) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<String> version(Class<?> containerType) {
                return Optional.empty();
            }

            @Override
            public SessionScheduler sessionScheduler(Class<?> containerType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public RawFrames rawFrames(Session session) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<String> cancelledWriteLogger() {
                return Optional.empty();
            }
        };
    }
}
