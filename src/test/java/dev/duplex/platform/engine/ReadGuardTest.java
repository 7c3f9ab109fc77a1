package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.MemoryBudget;
import dev.duplex.platform.engine.Capability.State;
import jakarta.servlet.ServletInputStream;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read guard's capability is proven by behaviour: active only once the engine has read a frame
 * through the guard, inactive when the engine's input does not keep it, untested in between.
 */
class ReadGuardTest {

    /** A masked text frame "hi". */
    private static final byte[] FRAME = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};

    /** The engine's read side as an adapter gives it: a stream field that may or may not keep what it is given. */
    private static final class FakeInput implements EngineAdapter.FrameInput {
        private final boolean keeps;
        private ServletInputStream stream = new ReadGuardStreamTest.Source(FRAME, FRAME.length);
        int drops;

        FakeInput(boolean keeps) {
            this.keeps = keeps;
        }

        @Override
        public ServletInputStream stream() {
            return stream;
        }

        @Override
        public void replace(ServletInputStream replacement) {
            if (keeps) {
                stream = replacement;
            }
        }

        @Override
        public EngineAdapter.BufferRoom room() {
            return null;
        }

        @Override
        public void resize(int capacity) {
        }

        @Override
        public void trim(long largeFrame) {
        }

        @Override
        public void drop() {
            drops++;
        }
    }

    @BeforeEach
    @AfterEach
    void reset() {
        ReadGuard.reset();
        Engine.reset();
    }

    @Test
    void activeOnlyOnceTheEngineReadAFrameThroughTheGuard() throws Exception {
        FakeInput input = new FakeInput(true);
        ReadGuard.use(session -> input);
        Session session = session();
        assertTrue(install(session));
        assertEquals(State.UNTESTED, Engine.capabilities().get(Engine.READ_GUARD).state(), "installed, not yet seen working");

        // the engine reads its frames from the field, which now holds the guard
        byte[] read = new byte[64];
        int n = input.stream().read(read, 0, read.length);

        assertEquals("[-127, 2, 104, 105]", java.util.Arrays.toString(java.util.Arrays.copyOf(read, n)),
                "the frame passed, unmasked: 0x81, length 2, \"hi\"");
        assertEquals(State.ACTIVE, Engine.capabilities().get(Engine.READ_GUARD).state());
        ReadGuard.release(session);
        assertEquals(1, input.drops, "the engine's part of a frame is let go of when the session ends");
    }

    @Test
    void inactiveWhenTheEnginesInputDoesNotKeepTheGuard() {
        ReadGuard.use(session -> new FakeInput(false));

        assertFalse(install(session()));

        Capability.Status status = Engine.capabilities().get(Engine.READ_GUARD);
        assertEquals(State.INACTIVE, status.state());
        assertTrue(status.detail().contains("did not keep"), status.detail());
        assertFalse(install(session()), "not tried again: later sessions rely on the budget where messages are assembled");
    }

    @Test
    void inactiveWhenTheEngineHasNoInputToWrap() {
        ReadGuard.use(session -> {
            throw new NoSuchFieldException("is");
        });

        assertFalse(install(session()));

        assertEquals(State.INACTIVE, Engine.capabilities().get(Engine.READ_GUARD).state());
    }

    @Test
    void thePortableEngineHasNoInputAndSaysSo() {
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                PortableEngine.INSTANCE::frameInputs);
        assertTrue(refused.getMessage().contains("no hook"), refused.getMessage());
    }

    private static boolean install(Session session) {
        MemoryBudget.Account account = new MemoryBudget(1 << 20, 0, 0).account("echo", "a");
        return ReadGuard.install(session, 1024, account, (why, announced) -> { });
    }

    private static Session session() {
        Map<String, Object> properties = new HashMap<>();
        return (Session) Proxy.newProxyInstance(ReadGuardTest.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> "s-1";
                    case "getUserProperties" -> properties;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
