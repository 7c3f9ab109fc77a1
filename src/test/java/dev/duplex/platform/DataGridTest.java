package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which grid a part gets, and when the application's own member is shut down. */
class DataGridTest {

    private static final GridSettings MEMBERS = GridSettings.parse(Optional.of("127.0.0.1"), 5710, 10, "duplex", "127.0.0.1");
    private static final GridSettings NO_MEMBERS = GridSettings.parse(Optional.empty(), 5710, 10, "duplex", "127.0.0.1");

    private final AtomicInteger started = new AtomicInteger();
    private final FakeMember member = new FakeMember("own");

    private DataGrid grid(GridSettings settings, Optional<HazelcastInstance> server) {
        return new DataGrid(settings, () -> server, s -> {
            started.incrementAndGet();
            return member.instance;
        });
    }

    @Test
    void noServerGridAndNoMembersMeansNoGrid() {
        DataGrid grid = grid(NO_MEMBERS, Optional.empty());
        assertTrue(grid.lease("chat").isEmpty());
        assertEquals(0, started.get());
    }

    @Test
    void theServersGridIsUsedAndNeverShutDown() {
        FakeMember payara = new FakeMember("payara");
        DataGrid grid = grid(MEMBERS, Optional.of(payara.instance));
        DataGrid.Lease lease = grid.lease("chat").orElseThrow();
        assertSame(payara.instance, lease.hazelcast());
        assertEquals("server", lease.origin());
        lease.close();
        grid.stop();
        assertEquals(0, started.get());
        assertEquals(0, payara.shutdowns.get());
    }

    @Test
    void oneOwnMemberServesEveryPartAndGoesWhenTheApplicationStopsAfterTheLeases() {
        DataGrid grid = grid(MEMBERS, Optional.empty());
        DataGrid.Lease chat = grid.lease("chat").orElseThrow();
        DataGrid.Lease feed = grid.lease("feed").orElseThrow();
        assertSame(chat.hazelcast(), feed.hazelcast());
        assertEquals("member", chat.origin());
        assertEquals(1, started.get());
        chat.close();
        chat.close();
        feed.close();
        assertEquals(0, member.shutdowns.get(), "the application still runs: the member stays for the next part");
        grid.stop();
        assertEquals(1, member.shutdowns.get());
    }

    @Test
    void whenTheGridIsDestroyedFirstTheMemberStaysUntilTheLastLeaseIsClosed() {
        DataGrid grid = grid(MEMBERS, Optional.empty());
        DataGrid.Lease chat = grid.lease("chat").orElseThrow();
        DataGrid.Lease feed = grid.lease("feed").orElseThrow();
        grid.stop();
        chat.close();
        assertEquals(0, member.shutdowns.get(), "the feed still removes its listeners through the member");
        feed.close();
        feed.close();
        assertEquals(1, member.shutdowns.get());
        assertTrue(grid.lease("chat").isEmpty(), "a stopped application gets no grid");
        assertEquals(1, started.get());
    }

    @Test
    void aMemberThatCannotStartFailsTheDeploymentWithTheReason() {
        DataGrid grid = new DataGrid(MEMBERS, Optional::empty, s -> {
            throw new IllegalStateException("duplex.cluster: the Hazelcast member could not start: port taken");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> grid.lease("chat"));
        assertTrue(e.getMessage().startsWith("duplex.cluster"), e.getMessage());
    }

    /** A HazelcastInstance that only knows its name and counts its shutdowns. */
    private static final class FakeMember {
        final AtomicInteger shutdowns = new AtomicInteger();
        final HazelcastInstance instance;

        FakeMember(String name) {
            instance = (HazelcastInstance) Proxy.newProxyInstance(HazelcastInstance.class.getClassLoader(),
                    new Class<?>[] {HazelcastInstance.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getName", "toString" -> name;
                        case "shutdown" -> {
                            shutdowns.incrementAndGet();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}
