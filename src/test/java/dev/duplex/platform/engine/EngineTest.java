package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.engine.Capability.State;
import dev.duplex.platform.engine.Capability.Status;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter without a server: what it reports before any session, and its fallbacks on an
 * engine that is not Tyrus (a session of another implementation).
 */
class EngineTest {

    private static final List<String> OWN = List.of(Engine.SESSION_TIMERS, Engine.CONNECTION_ABORT,
            Engine.RAW_FRAMES, Engine.REMOTE_ADDRESS, Engine.UPGRADE_REAPER, Engine.WRITE_QUEUE, Engine.READ_GUARD,
            Engine.CLOSE_REASONS, Engine.BOUNDED_DEFLATE);

    @BeforeEach
    @AfterEach
    void reset() {
        Engine.reset();
    }

    @Test
    void everyCapabilityIsUntestedBeforeTheFirstSession() {
        Map<String, Status> capabilities = Engine.capabilities();
        assertEquals(OWN, List.copyOf(capabilities.keySet()));
        capabilities.forEach((name, status) -> {
            if (!name.equals(Engine.BOUNDED_DEFLATE) && !name.equals(Engine.READ_GUARD)) {
                assertEquals(State.UNTESTED, status.state(), name);
            }
        });
    }

    @Test
    void theReadGuardIsInactiveWithoutTyrusServletContainer() {
        // the unit tests' class path has tyrus-core but not Payara's Tyrus servlet container
        Status guard = Engine.capabilities().get(Engine.READ_GUARD);
        assertEquals(State.INACTIVE, guard.state());
        assertTrue(guard.detail().contains("TyrusHttpUpgradeHandler"), guard.detail());
    }

    @Test
    void boundedDeflateIsKnownAtStartFromTheExtensionSpi() {
        // tyrus-core (provided) is on the test class path, so the bounded extension can be offered
        assertEquals(State.ACTIVE, Engine.capabilities().get(Engine.BOUNDED_DEFLATE).state());
    }

    @Test
    void aSessionOfAnotherEngineGetsTheFallbacksAndTheyAreReportedInactive() {
        Session foreign = foreignSession();
        ConnectionAbort.Abort abort = Engine.attach(foreign, 262_144);
        abort.run(); // a no-op, never a failure
        assertEquals(RemoteAddress.UNKNOWN, Engine.remoteAddress(foreign));
        assertNull(Engine.rawFrames(foreign));

        Map<String, Status> capabilities = Engine.capabilities();
        for (String name : List.of(Engine.CONNECTION_ABORT, Engine.REMOTE_ADDRESS, Engine.RAW_FRAMES, Engine.UPGRADE_REAPER,
                Engine.WRITE_QUEUE)) {
            assertEquals(State.INACTIVE, capabilities.get(name).state(), name);
            assertTrue(!capabilities.get(name).detail().isBlank(), name + " says why");
        }
        assertEquals(State.UNTESTED, capabilities.get(Engine.SESSION_TIMERS).state(), "never started, so never tried");
    }

    @Test
    void aHandshakeWhoseConnectionCannotBeReachedDecidesTheAddressProofInactiveAtOnce() {
        // GlassFish 8: the request facade has no field the adapter reads, so no handshake can ever be
        // matched with its session; the proof must say so rather than stay untested forever
        jakarta.servlet.ServletRequest handshake = (jakarta.servlet.ServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.servlet.ServletRequest.class},
                (proxy, method, args) -> method.getName().equals("getRemoteAddr") ? "127.0.0.1" : null);
        Engine.upgrading(handshake, "127.0.0.1");

        Status address = Engine.capabilities().get(Engine.REMOTE_ADDRESS);
        assertEquals(State.INACTIVE, address.state(), address.detail());
        assertTrue(address.detail().contains("cannot be reached") && address.detail().contains("recorded at the handshake"),
                address.detail());
        assertEquals(State.INACTIVE, Engine.capabilities().get(Engine.UPGRADE_REAPER).state());
        assertEquals(RemoteAddress.UNKNOWN, Engine.remoteAddress(foreignSession()), "the engine's answer is no longer asked");
    }

    @Test
    void unclaimedUpgradesAreReapedBeforeAnySessionButNotOnceTheReaperIsKnownNotToWork() {
        Object failed = new Object();
        Engine.upgrades().register(failed, "127.0.0.1", 0);
        Engine.upgrades().answered(failed, 101, 0);
        Engine.upgrades().engineDone(failed, 0);
        assertEquals(1, Engine.reapUpgrades(5_000_000_000L, 5_000_000_000L), "no session yet: nothing to mistake");

        Engine.attach(foreignSession(), 262_144); // the session's connection cannot be found: matching is impossible
        Object another = new Object();
        Engine.upgrades().register(another, "127.0.0.1", 0);
        Engine.upgrades().engineDone(another, 0);
        assertEquals(0, Engine.reapUpgrades(600_000_000_000L, 5_000_000_000L), "never closes what might be a session");
        assertEquals(State.INACTIVE, Engine.capabilities().get(Engine.UPGRADE_REAPER).state());
    }

    @Test
    void otherPartsRegisterCapabilitiesWithOneLine() {
        Engine.capability("example-guard", "messages are read whole").active("reads are bounded");
        Engine.probe("example-extension", "Tyrus inflates whole frames", () -> {
            throw new IllegalStateException("extension missing");
        });

        Map<String, Status> capabilities = Engine.capabilities();
        assertEquals(Status.active("reads are bounded"), capabilities.get("example-guard"));
        assertEquals(State.INACTIVE, capabilities.get("example-extension").state());
        assertTrue(capabilities.get("example-extension").detail().contains("extension missing"));
    }

    @Test
    void aProbeIsAskedEachTimeTheStateIsRead() {
        AtomicInteger calls = new AtomicInteger();
        Engine.probe("counted", "nothing", () -> Status.active("call " + calls.incrementAndGet()));
        assertEquals("call 1", Engine.capabilities().get("counted").detail());
        assertEquals("call 2", Engine.capabilities().get("counted").detail());
    }

    @Test
    void statusJsonNamesTheEngineAndEveryCapability() {
        Engine.capability("example-guard", "messages are read whole").inactive("not installed");
        JsonObject status = Engine.status(Json.createBuilderFactory(Map.of()));
        assertEquals("unknown", status.getString("name"));
        JsonObject capabilities = status.getJsonObject("capabilities");
        assertEquals("untested", capabilities.getJsonObject(Engine.SESSION_TIMERS).getString("state"));
        assertEquals("inactive", capabilities.getJsonObject("example-guard").getString("state"));
        assertEquals("not installed", capabilities.getJsonObject("example-guard").getString("detail"));
        assertEquals(0, status.getJsonObject("upgrades").getInt("pending"));
    }

    /** A session of some other WebSocket implementation: answers only what the adapter may ask. */
    private static Session foreignSession() {
        return (Session) Proxy.newProxyInstance(EngineTest.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> "foreign-1";
                    case "getNegotiatedExtensions" -> List.of();
                    case "getAsyncRemote" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "foreign session";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
