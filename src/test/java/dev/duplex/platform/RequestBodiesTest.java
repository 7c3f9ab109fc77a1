package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.RequestBodies.Outcome;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The Servlet async I/O around {@link BodyReader}, against a fake container: what the caller's
 * answer gets, the {@code Connection: close} on every refusal, the request ended exactly once,
 * and the slot given back on every path (complete, refused, timed out by the sweep, client gone).
 */
class RequestBodiesTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final BodyReader.Limits LIMITS = new BodyReader.Limits(100, 10 * SECOND, 20);

    private final AtomicLong nanos = new AtomicLong(1_000 * SECOND);
    private final BodyReads reads = new BodyReads(new BodyReads.Bounds(3, 2), nanos::get);
    private final List<String> refusals = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final Map<String, String> headersAtAnswer = new HashMap<>();

    /** The fake container's view of one request. */
    private final class Exchange {
        final long contentLength;
        final Map<String, String> headers = new HashMap<>();
        final Queue<byte[]> arrived = new ArrayDeque<>();
        boolean asyncStarted;
        boolean refuseReadListener;
        int completed;
        long asyncTimeout = -1;
        ReadListener readListener;
        AsyncListener asyncListener;

        Exchange(long contentLength) {
            this.contentLength = contentLength;
        }

        HttpServletResponse response() {
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                        case "toString" -> "response";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        HttpServletRequest request() {
            AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AsyncContext.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "setTimeout" -> asyncTimeout = (Long) args[0];
                            case "addListener" -> asyncListener = (AsyncListener) args[0];
                            case "complete" -> completed++;
                            default -> throw new UnsupportedOperationException(method.getName());
                        }
                        return null;
                    });
            ServletInputStream in = new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return false;
                }

                @Override
                public boolean isReady() {
                    return !arrived.isEmpty();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    if (refuseReadListener) {
                        throw new IllegalStateException("not async");
                    }
                    readListener = listener;
                }

                @Override
                public int read() {
                    throw new UnsupportedOperationException("byte by byte");
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    byte[] next = arrived.remove();
                    if (next.length > len) {
                        throw new AssertionError("the fake delivers chunks of at most " + len + " bytes");
                    }
                    System.arraycopy(next, 0, b, off, next.length);
                    return next.length;
                }
            };
            return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getContentLengthLong" -> contentLength;
                        case "startAsync" -> {
                            asyncStarted = true;
                            yield async;
                        }
                        case "getInputStream" -> in;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        /** Bytes come in and the container says so. */
        void arrive(String text) throws IOException {
            arrived.add(text.getBytes(StandardCharsets.US_ASCII));
            readListener.onDataAvailable();
        }
    }

    private Exchange start(String client, long contentLength) throws IOException {
        Exchange exchange = new Exchange(contentLength);
        RequestBodies.start(exchange.request(), exchange.response(), client, LIMITS, (outcome, response) -> {
            outcomes.add(outcome);
            headersAtAnswer.clear();
            headersAtAnswer.putAll(exchange.headers);
        }, reads, refusals::add);
        return exchange;
    }

    @Test
    void aBodyThatArrivesIsHandedOverAndTheRequestEndsOnce() throws IOException {
        Exchange exchange = start("10.0.0.1", 11);
        assertTrue(exchange.asyncStarted);
        assertEquals(15_000, exchange.asyncTimeout, "the container's own timeout is a backstop 5 s after the deadline");
        assertEquals(1, reads.inFlight());
        assertEquals(1, reads.watched());
        exchange.arrive("hello ");
        assertEquals(List.of(), outcomes);
        exchange.arrive("world");
        assertEquals(1, outcomes.size());
        assertArrayEquals("hello world".getBytes(StandardCharsets.US_ASCII), ((Outcome.Body) outcomes.get(0)).bytes());
        assertNull(headersAtAnswer.get("Connection"), "a body read whole leaves the connection open");
        exchange.readListener.onAllDataRead();
        exchange.asyncListener.onComplete(null);
        assertEquals(1, outcomes.size());
        assertEquals(1, exchange.completed);
        assertEquals(0, reads.inFlight());
        assertEquals(0, reads.watched());
        assertEquals(List.of(), refusals);
    }

    @Test
    void aBodyWithoutALengthEndsWithTheStream() throws IOException {
        Exchange exchange = start("10.0.0.1", -1);
        exchange.arrive("{}");
        exchange.readListener.onAllDataRead();
        assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII), ((Outcome.Body) outcomes.get(0)).bytes());
        assertEquals(1, exchange.completed);
        assertEquals(0, reads.inFlight());
    }

    @Test
    void theSweepAnswers408AndClosesWhenNoMoreBytesCome() throws IOException {
        Exchange exchange = start("10.0.0.1", 50);
        exchange.arrive("{\"upd");
        nanos.addAndGet(SECOND);
        assertEquals(0, reads.sweep(), "within the grace second");
        nanos.addAndGet(SECOND / 2);
        assertEquals(1, reads.sweep(), "10 bytes due, 5 came");
        Outcome.Refused refused = (Outcome.Refused) outcomes.get(0);
        assertEquals(List.of(408, "request-timeout", "The body arrived slower than 20 bytes per second"),
                List.of(refused.status(), refused.error(), refused.message()));
        assertEquals("close", headersAtAnswer.get("Connection"), "set before the answer is written");
        assertEquals(1, exchange.completed);
        assertEquals(0, reads.inFlight());
        assertEquals(List.of("body timeout"), refusals);

        exchange.arrive("ates\"");
        exchange.asyncListener.onTimeout(null);
        exchange.asyncListener.onComplete(null);
        assertEquals(1, outcomes.size(), "nothing more after the end");
        assertEquals(1, exchange.completed);
    }

    @Test
    void theDeadlineFiresOnTheSweepEvenForABodyThatKeptItsRate() throws IOException {
        BodyReader.Limits noRate = new BodyReader.Limits(100, 10 * SECOND, 0);
        Exchange exchange = new Exchange(-1);
        RequestBodies.start(exchange.request(), exchange.response(), "10.0.0.1", noRate, (outcome, response) -> outcomes.add(outcome),
                reads, refusals::add);
        exchange.arrive("x");
        nanos.addAndGet(10 * SECOND - 1);
        assertEquals(0, reads.sweep());
        nanos.addAndGet(1);
        assertEquals(1, reads.sweep());
        Outcome.Refused refused = (Outcome.Refused) outcomes.get(0);
        assertEquals(List.of(408, "request-timeout", "The body did not arrive within 10 s"),
                List.of(refused.status(), refused.error(), refused.message()));
        assertEquals("close", exchange.headers.get("Connection"));
        assertEquals(0, reads.inFlight());
    }

    @Test
    void aLongerBodyThanTheLimitIs413AndClosesWhateverItAnnounced() throws IOException {
        Exchange announced = start("10.0.0.1", 101);
        assertNull(announced.readListener, "nothing is read");
        assertEquals(413, ((Outcome.Refused) outcomes.get(0)).status());
        assertEquals("The body is larger than 100 bytes", ((Outcome.Refused) outcomes.get(0)).message());
        assertEquals("close", announced.headers.get("Connection"));
        assertEquals(1, announced.completed);

        Exchange chunked = start("10.0.0.1", -1);
        chunked.arrive("x".repeat(60));
        chunked.arrive("x".repeat(41));
        assertEquals(413, ((Outcome.Refused) outcomes.get(1)).status());
        assertEquals("close", chunked.headers.get("Connection"));
        assertEquals(1, chunked.completed);
        assertEquals(0, reads.inFlight());
        assertEquals(List.of(), refusals, "a 413 is not a timeout");
    }

    @Test
    void tooManyBodiesAreRefusedBeforeReadingPerAddress429InAll503() throws IOException {
        Exchange first = start("10.0.0.1", 10);
        start("10.0.0.1", 10);
        Exchange third = start("10.0.0.1", 10);
        assertFalse(third.asyncStarted);
        Outcome.Refused perAddress = (Outcome.Refused) outcomes.get(0);
        assertEquals(List.of(429, "too-many-requests", Map.of("Retry-After", "1")),
                List.of(perAddress.status(), perAddress.error(), perAddress.headers()));
        assertEquals("close", third.headers.get("Connection"));
        start("10.0.0.2", 10);
        Exchange fifth = start("10.0.0.3", 10);
        assertFalse(fifth.asyncStarted);
        Outcome.Refused server = (Outcome.Refused) outcomes.get(1);
        assertEquals(List.of(503, "server-busy", Map.of("Retry-After", "1")),
                List.of(server.status(), server.error(), server.headers()));
        assertEquals(List.of("bodies in flight", "bodies in flight"), refusals);
        assertEquals(3, reads.inFlight());

        first.arrive("0123456789");
        assertEquals(2, reads.inFlight(), "the slot came back with the body");
        assertTrue(start("10.0.0.3", 10).asyncStarted);
    }

    @Test
    void aContainerThatRefusesTheReadListenerLeavesNoSlotTaken() {
        Exchange exchange = new Exchange(10);
        exchange.refuseReadListener = true;
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> RequestBodies.start(exchange.request(),
                exchange.response(), "10.0.0.1", LIMITS, (outcome, response) -> outcomes.add(outcome), reads, refusals::add));
        assertEquals(0, reads.inFlight());
        assertEquals(0, reads.watched());
        assertEquals(1, exchange.completed);
    }

    @Test
    void aClientThatGoesAwayGetsNothingAndGivesItsSlotBack() throws IOException {
        Exchange exchange = start("10.0.0.1", 10);
        exchange.arrive("0123");
        exchange.readListener.onError(new IOException("Connection reset by peer"));
        assertEquals(List.of(), outcomes);
        assertEquals(1, exchange.completed);
        assertEquals(0, reads.inFlight());
        assertEquals(0, reads.watched());
        exchange.asyncListener.onComplete(null);
        assertEquals(0, reads.inFlight());

        Exchange ended = start("10.0.0.1", 10);
        ended.asyncListener.onComplete(null);
        assertEquals(0, reads.inFlight(), "completed by the container (shutdown) before the body was done");
        assertEquals(List.of(), outcomes);
    }
}
