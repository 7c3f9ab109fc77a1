package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.engine.Capability.State;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The platform's side of the engine's HTTP hooks (header-read timeout, unparsable requests, worker
 * queue, framing), on fake listeners: each capability turns active only when its hook is seen
 * working, and inactive with a reason when it is not.
 */
class HttpHooksTest {

    @BeforeEach
    @AfterEach
    void reset() {
        Engine.reset();
    }

    // ---- unparsable requests and engine-error-framing ----

    /** A parsed request as an engine gives it. */
    private static final class Request implements EngineAdapter.ParsedRequest {
        String method;
        String target;
        final Map<String, String> headers = new HashMap<>();
        Object connection;

        Request(String method, String target) {
            this.method = method;
            this.target = target;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public void reroute(String newMethod, String path) {
            method = newMethod;
            target = path;
        }

        @Override
        public void setHeader(String name, String value) {
            headers.put(name, value);
        }

        @Override
        public void removeHeader(String name) {
            headers.remove(name);
        }

        @Override
        public String header(String name) {
            return headers.get(name);
        }

        @Override
        public Object connection() {
            return connection;
        }
    }

    @Test
    void requestsTheEngineWouldAnswerItselfAreSentToTheApplicationMarked() throws Exception {
        UnparsableRequests check = new UnparsableRequests("/app/", Engine.capability(Engine.ENGINE_ERROR_FRAMING, "x"));
        Request bad = new Request("GET", "/%zz");
        Request trace = new Request("TRACE", "/index.html");
        Request forged = new Request("GET", "/index.html");
        forged.headers.put(Engine.REFUSED_REQUEST_HEADER, "400 forged");

        check.check(bad);
        check.check(trace);
        check.check(forged);

        assertEquals("/app/", bad.target);
        assertEquals("400 Malformed URI", bad.headers.get(Engine.REFUSED_REQUEST_HEADER));
        assertEquals("GET", trace.method);
        assertEquals("405 Method Not Allowed", trace.headers.get(Engine.REFUSED_REQUEST_HEADER));
        assertEquals("/index.html", forged.target);
        assertNull(forged.headers.get(Engine.REFUSED_REQUEST_HEADER), "a client cannot set the engine's refusal header");
    }

    @Test
    void framingIsActiveOnlyOnceTheCodecsProbeSawARequest() throws Exception {
        EngineAdapter.RequestCheck[] installed = new EngineAdapter.RequestCheck[1];
        Listener listener = new Listener("DENY") {
            @Override
            public Runnable onHeadersParsed(EngineAdapter.RequestCheck check) {
                installed[0] = check;
                return () -> { };
            }
        };
        new HeaderReadTimeout().install(engine(List.of(listener)), 0, 0, "", () -> { });
        assertEquals(State.UNTESTED, state(Engine.ENGINE_ERROR_FRAMING), "DENY read back, but no request seen yet");

        installed[0].check(new Request("GET", "/"));

        assertEquals(State.ACTIVE, state(Engine.ENGINE_ERROR_FRAMING));
    }

    @Test
    void framingIsInactiveWhenTheCodecDoesNotKeepDeny() {
        new HeaderReadTimeout().install(engine(List.of(new Listener("SAMEORIGIN"))), 0, 0, "", () -> { });

        assertEquals(State.INACTIVE, state(Engine.ENGINE_ERROR_FRAMING));
        assertEquals(State.INACTIVE, state(Engine.HEADER_TIMEOUT), "switched off here");
    }

    @Test
    void onThePortableEngineBothAreInactiveAndSaySo() {
        new HeaderReadTimeout().install(PortableEngine.INSTANCE, 10, 10_000, "", () -> { });

        assertEquals(State.INACTIVE, state(Engine.ENGINE_ERROR_FRAMING));
        assertEquals(State.INACTIVE, state(Engine.HANDSHAKE_WAIT));
        Capability.Status timeout = Engine.capabilities().get(Engine.HEADER_TIMEOUT);
        assertEquals(State.INACTIVE, timeout.state());
        assertTrue(timeout.detail().contains("portable"), timeout.detail());
    }

    // ---- header-read timeout ----

    /** An engine's connections: each has a request in parsing or not, and closes when told. */
    private static final class Connections implements EngineAdapter.HeaderWatch {
        final Map<Object, Object> parsing = new HashMap<>();
        final Map<Object, Boolean> open = new HashMap<>();
        boolean closeWorks = true;
        boolean readable = true;

        @Override
        public Object requestInParsing(Object connection) throws ReflectiveOperationException {
            if (!readable) {
                throw new NoSuchFieldException("httpRequestInProcessAttr");
            }
            return parsing.get(connection);
        }

        @Override
        public boolean isOpen(Object connection) {
            return open.getOrDefault(connection, false);
        }

        @Override
        public void close(Object connection) {
            if (closeWorks) {
                open.put(connection, false);
            }
        }

        @Override
        public void uninstall() {
        }
    }

    private static HeaderReadTimeout.Watch watch(Connections engine, Runnable onTimeout) {
        HeaderReadTimeout.Watch watch = new HeaderReadTimeout.Watch("http-listener", TimeUnit.SECONDS.toNanos(10), onTimeout,
                Engine.capability(Engine.HEADER_TIMEOUT, "x"));
        watch.hook = engine;
        Engine.capability(Engine.HEADER_TIMEOUT).untested("installed");
        return watch;
    }

    @Test
    void theTimeoutIsActiveOnlyOnceItReadAConnectionsStateAndClosesASlowRequest() {
        Connections engine = new Connections();
        AtomicInteger timeouts = new AtomicInteger();
        HeaderReadTimeout.Watch watch = watch(engine, timeouts::incrementAndGet);
        watch.sweep(0);
        assertEquals(State.UNTESTED, state(Engine.HEADER_TIMEOUT), "no connection seen yet");

        Object slow = new Object();
        Object request = new Object();
        engine.open.put(slow, true);
        engine.parsing.put(slow, request);
        watch.seen(slow);
        watch.sweep(0);
        assertEquals(State.ACTIVE, state(Engine.HEADER_TIMEOUT));
        watch.sweep(TimeUnit.SECONDS.toNanos(5));
        assertTrue(engine.isOpen(slow), "within the timeout");

        watch.sweep(TimeUnit.SECONDS.toNanos(11));

        assertFalse(engine.isOpen(slow), "closed after the timeout");
        assertEquals(1, timeouts.get());
        assertEquals(State.ACTIVE, state(Engine.HEADER_TIMEOUT));
    }

    @Test
    void aConnectionThatStaysOpenAfterItsTimeoutTurnsTheCapabilityInactive() {
        Connections engine = new Connections();
        engine.closeWorks = false;
        HeaderReadTimeout.Watch watch = watch(engine, () -> { });
        Object slow = new Object();
        engine.open.put(slow, true);
        engine.parsing.put(slow, new Object());
        watch.seen(slow);
        watch.sweep(0);

        watch.sweep(TimeUnit.SECONDS.toNanos(11));

        Capability.Status status = Engine.capabilities().get(Engine.HEADER_TIMEOUT);
        assertEquals(State.INACTIVE, status.state());
        assertTrue(status.detail().contains("stayed open"), status.detail());
    }

    @Test
    void aConnectionWhoseRequestCannotBeReadTurnsTheCapabilityInactive() {
        Connections engine = new Connections();
        engine.readable = false;
        HeaderReadTimeout.Watch watch = watch(engine, () -> { });
        Object connection = new Object();
        engine.open.put(connection, true);
        watch.seen(connection);

        watch.sweep(0);

        assertEquals(State.INACTIVE, state(Engine.HEADER_TIMEOUT));
    }

    // ---- handshake wait ----

    private static Request handshake(Object connection) {
        Request request = new Request("GET", "/echo");
        request.headers.put("Upgrade", "websocket");
        request.connection = connection;
        return request;
    }

    @Test
    void aHandshakeThatWaitedLongerThanTheLimitForAWorkerIsMarked503AndNothingElseIs() {
        Map<Object, Long> waits = new HashMap<>();
        HandshakeWait check = new HandshakeWait(TimeUnit.SECONDS.toNanos(10), (connection, now) -> waits.getOrDefault(connection, -1L),
                () -> 0L, Engine.capability(Engine.HANDSHAKE_WAIT, "x"));
        Engine.capability(Engine.HANDSHAKE_WAIT).untested("installed");
        Request unseen = handshake(new Object());
        check.check(unseen);
        assertNull(unseen.headers.get(Engine.REFUSED_REQUEST_HEADER), "no ready read seen: no wait to judge");
        assertEquals(State.UNTESTED, state(Engine.HANDSHAKE_WAIT));

        Request prompt = handshake(new Object());
        waits.put(prompt.connection, TimeUnit.SECONDS.toNanos(10));
        check.check(prompt);
        assertNull(prompt.headers.get(Engine.REFUSED_REQUEST_HEADER), "a wait of exactly the limit is served");
        assertEquals(State.ACTIVE, state(Engine.HANDSHAKE_WAIT), "proven by the first measured handshake");

        Request late = handshake(new Object());
        waits.put(late.connection, TimeUnit.MILLISECONDS.toNanos(12_345));
        check.check(late);
        assertEquals("503 Server busy: this handshake waited 12.3 s for a worker thread (the limit is 10.0 s), try again later",
                late.headers.get(Engine.REFUSED_REQUEST_HEADER));

        Request page = new Request("GET", "/index.html");
        page.connection = new Object();
        waits.put(page.connection, TimeUnit.SECONDS.toNanos(60));
        check.check(page);
        assertNull(page.headers.get(Engine.REFUSED_REQUEST_HEADER), "requests other than handshakes are served whatever they waited");

        Request malformed = handshake(new Object());
        malformed.headers.put(Engine.REFUSED_REQUEST_HEADER, "400 Malformed URI");
        waits.put(malformed.connection, TimeUnit.SECONDS.toNanos(60));
        check.check(malformed);
        assertEquals("400 Malformed URI", malformed.headers.get(Engine.REFUSED_REQUEST_HEADER), "an earlier refusal stands");
    }

    @Test
    void aConnectionsWaitRunsFromItsFirstReadyReadToItsParsedHeadersAndStartsAfreshForTheNextRequest() {
        HeaderClock clock = new HeaderClock();
        assertEquals(-1, clock.parsed(5), "never ready: unknown");
        clock.ready(() -> 100);
        clock.ready(() -> 400);
        assertEquals(900, clock.parsed(1_000), "from the first ready read");
        assertEquals(-1, clock.parsed(2_000), "the next request has not been ready yet");
        clock.ready(() -> 3_000);
        assertEquals(50, clock.parsed(3_050));
    }

    @Test
    void theHandshakeWaitIsInstalledWithTheWatchAndProvenByAMeasuredHandshake() throws Exception {
        EngineAdapter.RequestCheck[] installed = new EngineAdapter.RequestCheck[1];
        EngineAdapter.ConnectionEvents[] events = new EngineAdapter.ConnectionEvents[1];
        Listener listener = new Listener("DENY") {
            @Override
            public EngineAdapter.HeaderWatch watchHeaders(EngineAdapter.ConnectionEvents watch) {
                events[0] = watch;
                return new Connections();
            }

            @Override
            public Runnable onHeadersParsed(EngineAdapter.RequestCheck check) {
                installed[0] = check;
                return () -> { };
            }
        };
        new HeaderReadTimeout().install(engine(List.of(listener)), 0, TimeUnit.HOURS.toMillis(1), "", () -> { });
        assertEquals(State.UNTESTED, state(Engine.HANDSHAKE_WAIT), "installed, no handshake measured yet");
        assertEquals(State.INACTIVE, state(Engine.HEADER_TIMEOUT), "the header timeout is off, the watch is there for the wait");

        Request handshake = handshake(new Object());
        events[0].ready(handshake.connection);
        installed[0].check(handshake);

        assertEquals(State.ACTIVE, state(Engine.HANDSHAKE_WAIT));
        assertNull(handshake.headers.get(Engine.REFUSED_REQUEST_HEADER), "served: it waited far less than the hour allowed here, however slow the machine");

        new HeaderReadTimeout().install(engine(List.of(new Listener("DENY"))), 10, 0, "", () -> { });
        assertEquals(State.INACTIVE, state(Engine.HANDSHAKE_WAIT), "switched off");
    }

    // ---- worker queue ----

    @Test
    void theWorkerQueueIsActiveOnlyWhenEveryPoolIsUnboundedOrLargeEnough() {
        WorkerQueue.check(engine(List.of(new Listener("DENY", OptionalInt.of(-1)), new Listener("DENY", OptionalInt.empty()))), 1024);
        assertEquals(State.ACTIVE, state(Engine.WORKER_QUEUE));

        WorkerQueue.check(engine(List.of(new Listener("DENY", OptionalInt.of(4096)))), 65_536);
        Capability.Status bounded = Engine.capabilities().get(Engine.WORKER_QUEUE);
        assertEquals(State.INACTIVE, bounded.state());
        assertTrue(bounded.detail().contains("max-queue-size=-1"), "says the fix: " + bounded.detail());

        WorkerQueue.check(PortableEngine.INSTANCE, 1024);
        assertEquals(State.INACTIVE, state(Engine.WORKER_QUEUE));
    }

    // ---- fakes ----

    private static State state(String capability) {
        return Engine.capabilities().get(capability).state();
    }

    private static class Listener implements EngineAdapter.HttpListener {
        private final String framing;
        private final OptionalInt queue;

        Listener(String framing) {
            this(framing, OptionalInt.of(-1));
        }

        Listener(String framing, OptionalInt queue) {
            this.framing = framing;
            this.queue = queue;
        }

        @Override
        public String name() {
            return "http-listener";
        }

        @Override
        public boolean parsesHttp() {
            return true;
        }

        @Override
        public String denyFraming() {
            return framing;
        }

        @Override
        public OptionalInt workerQueueLimit() {
            return queue;
        }

        @Override
        public EngineAdapter.HeaderWatch watchHeaders(EngineAdapter.ConnectionEvents events) {
            return new Connections();
        }

        @Override
        public Runnable onHeadersParsed(EngineAdapter.RequestCheck check) {
            return () -> { };
        }
    }

    private static EngineAdapter engine(List<EngineAdapter.HttpListener> listeners) {
        return (EngineAdapter) Proxy.newProxyInstance(HttpHooksTest.class.getClassLoader(), new Class<?>[] {EngineAdapter.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "fake";
                    case "httpListeners" -> listeners;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
