package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void acceptsLoopbackTargets() {
        Target ws = Target.parse("ws://127.0.0.1:8480/echo", false);
        assertEquals(8480, ws.port());
        assertEquals("/echo", ws.pathAndQuery());
        assertEquals("localhost", Target.parse("ws://localhost:1/echo", false).host());
        assertTrue(Target.parse("tcp://127.0.0.5:9", false).raw());
        assertTrue(Target.parse("wss://[::1]:8481/echo", false).tls());
        assertEquals(80, Target.parse("ws://127.0.0.1/echo", false).port());
    }

    @Test
    void refusesOtherHostsUnlessAllowed() {
        UsageException refused = assertThrows(UsageException.class, () -> Target.parse("ws://10.1.2.3:8080/echo", false));
        assertTrue(refused.getMessage().contains("--allow-remote"), refused.getMessage());
        assertThrows(UsageException.class, () -> Target.parse("ws://192.168.0.7:8080/echo", false));
        assertEquals("10.1.2.3", Target.parse("ws://10.1.2.3:8080/echo", true).host());
    }

    @Test
    void refusesUrlsItCannotDrive() {
        assertThrows(UsageException.class, () -> Target.parse("http://127.0.0.1:8080/", false));
        assertThrows(UsageException.class, () -> Target.parse("tcp://127.0.0.1", false));
        assertThrows(UsageException.class, () -> Target.parse("not a url", false));
    }

    @Test
    void replacesTheQuery() {
        Target image = Target.parse("ws://127.0.0.1:8480/image?op=echo", false).withQuery("op=grayscale&radius=3");
        assertEquals("/image?op=grayscale&radius=3", image.pathAndQuery());
    }
}
