package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
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
        assertThrows(UnsupportedOperationException.class, () -> chosen.connectionOf((jakarta.websocket.Session) null));
        assertThrows(UnsupportedOperationException.class, () -> chosen.abort(new Object()));
        assertThrows(UnsupportedOperationException.class, () -> chosen.limitWriteQueue(new Object(), 1));
    }

    @Test
    void withTyrusOnTheClassPathItsAdapterIsFoundThroughTheServiceEntry() {
        // tyrus-core is on the test class path, as on Payara; the WAR's META-INF/services names the adapter
        assertEquals("Tyrus", Engine.adapter().name());
        assertEquals("dev.duplex.engine.tyrus.TyrusEngine", Engine.adapter().getClass().getName());
    }

    /** An adapter that answers its name and availability; every engine hook refuses. */
    private static EngineAdapter adapter(String name, boolean available) {
        return (EngineAdapter) Proxy.newProxyInstance(EngineAdapterTest.class.getClassLoader(), new Class<?>[] {EngineAdapter.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name", "toString" -> name;
                    case "available" -> available;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
