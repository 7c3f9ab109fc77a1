package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.JsonFeedCodec;
import dev.duplex.feed.entity.Update;
import dev.duplex.testing.Conditions;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.SlowConsumers;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acknowledged flow control on a real Payara Micro with the market at its default rate (issue 19,
 * docs/FEED.md "Flow control"): a reader that acknowledges never has more than the window
 * unacknowledged whatever the buffers between hold, gets every item's latest value with the merged
 * changes counted, and is not closed while it reads slowly; a reader that stops acknowledging is
 * closed with 1008 and finds the close frame before the connection ends; a client that never
 * acknowledges keeps the old pacing. Each case is bounded (seconds, a few hundred messages).
 */
class FeedFlowControlIT {

    private static final int WINDOW = 8192;
    /** More than any update of the market takes as JSON (seven fields). */
    private static final int ONE_UPDATE = 512;
    private static final int KEEPALIVE_SECONDS = 10;

    private static PayaraMicroServer server;

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("feed-flow", Map.of(
                "duplex.feed.flow-window-bytes", String.valueOf(WINDOW),
                "duplex.feed.keepalive-seconds", String.valueOf(KEEPALIVE_SECONDS),
                "duplex.feed.market.enabled", "true", "duplex.feed.weather.enabled", "false",
                "duplex.limits.max-sessions-per-address", "0"), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One feed.json connection read frame by frame; text messages are counted as the server sends them. */
    private static final class Reader implements AutoCloseable {
        final RawWebSocket ws;
        long messages;
        final Map<String, Long> seqs = new HashMap<>();
        long updates;
        long conflated;

        Reader() throws Exception {
            ws = RawWebSocket.open(server.ws("feed"), Map.of("Sec-WebSocket-Protocol", "feed.json"));
            ws.setReadTimeout(Duration.ofSeconds(20));
        }

        void send(String json) throws Exception {
            ws.send(true, false, RawWebSocket.TEXT, json.getBytes(StandardCharsets.UTF_8));
        }

        /** The next data message; a close frame fails the test. */
        FeedMessage next() throws Exception {
            while (true) {
                RawWebSocket.Frame frame = ws.read();
                assertNotEquals(RawWebSocket.CLOSE, frame.opcode(),
                        () -> "closed: " + frame.closeCode() + " " + frame.closeReason());
                if (frame.opcode() == RawWebSocket.TEXT) {
                    messages++;
                    lastBytes = frame.payload().length;
                    FeedMessage message = JsonFeedCodec.decodeMessage(frame.text());
                    if (message instanceof FeedMessage.Snapshot snapshot) {
                        snapshot.items().forEach(item -> seqs.put(item.item(), item.seq()));
                    } else if (message instanceof FeedMessage.Updates batch) {
                        for (Update update : batch.updates()) {
                            Long before = seqs.get(update.item());
                            assertEquals(before + 1 + update.conflated(), update.seq(), "nothing lost: " + update);
                            seqs.put(update.item(), update.seq());
                            updates++;
                            conflated += update.conflated();
                        }
                    }
                    return message;
                }
            }
        }

        int lastBytes;

        void ack() throws Exception {
            send("{\"type\":\"ack\",\"messages\":" + messages + "}");
        }

        /** Hello, the first ack when acknowledging, a subscription to every stock and its snapshot. */
        void subscribe(boolean acknowledging) throws Exception {
            assertInstanceOf(FeedMessage.Hello.class, next());
            if (acknowledging) {
                ack();
            }
            send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"stocks\"}");
            FeedMessage answer = next();
            assertInstanceOf(FeedMessage.Snapshot.class, answer, answer::toString);
            if (acknowledging) {
                ack();
            }
        }

        /** Reads whatever arrives for {@code millis} without acknowledging; the bytes read. */
        long drain(long millis) throws Exception {
            ws.setReadTimeout(Duration.ofMillis(500));
            long bytes = 0;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                while (System.nanoTime() - end < 0) {
                    try {
                        next();
                        bytes += lastBytes;
                    } catch (SocketTimeoutException e) {
                        // nothing more came within half a second: the server holds back
                    }
                }
            } finally {
                ws.setReadTimeout(Duration.ofSeconds(20));
            }
            return bytes;
        }

        @Override
        public void close() throws Exception {
            ws.close();
        }
    }

    @Test
    void anAcknowledgingReaderHasAtMostTheWindowInFlightGetsTheLatestValuesAndIsNotClosed() throws Exception {
        try (Reader reader = new Reader(); Reader old = new Reader()) {
            reader.subscribe(true);

            // a slow reader (about 20 KB/s) that acknowledges every message: 60 messages
            for (int i = 0; i < 60; i++) {
                reader.next();
                reader.ack();
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(reader.lastBytes * 50L));
            }
            assertTrue(reader.conflated > 0, "the server conflated for the slow reader: it knew it was behind");

            // it stops acknowledging but reads on: what comes is what was unacknowledged, at most the
            // window and one update past it (the server's batch stops once its estimate reaches the window)
            long inFlight = reader.drain(2500);
            assertTrue(inFlight <= WINDOW + ONE_UPDATE, "at most the window unacknowledged: " + inFlight + " bytes");
            // a client that never acknowledges is paced by the socket alone: far more than the window comes
            old.subscribe(false);
            long oldBytes = old.drain(2500);
            assertTrue(oldBytes > 4 * WINDOW, "a client without acknowledgements keeps the old pacing: " + oldBytes + " bytes");

            // acknowledging again, it gets each item's latest value, the changes meanwhile counted as conflated
            long conflatedBefore = reader.conflated;
            reader.ack();
            for (int i = 0; i < 20; i++) {
                reader.next();
                reader.ack();
            }
            assertTrue(reader.conflated > conflatedBefore, "the changes of the pause came conflated");
            assertFalse(reader.seqs.isEmpty());
        }
    }

    @Test
    void aReaderWhoseAcknowledgementsStopIsClosedWith1008AndItsCloseFrameArrivesFirst() throws Exception {
        URI base = server.http("");
        long closesBefore = SlowConsumers.closes(base);
        // the server's log is the class's: only what this test's reader caused counts below
        int logBefore = server.output().length();
        try (Reader silent = new Reader()) {
            silent.subscribe(true);
            // from now on it reads nothing and acknowledges nothing
            Conditions.await(() -> {
                try {
                    return SlowConsumers.closes(base) > closesBefore;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 60, "the silent reader is closed as a slow consumer");
            RawWebSocket.Frame close = silent.ws.readUntilClose();
            assertEquals(1008, close.closeCode(), "the close frame reached the client before the connection ended");
            assertEquals("Slow consumer", close.closeReason());
        }
        String log = server.output().substring(logBefore);
        assertFalse(log.contains("CancellationException"), "no stack trace of cancelled writes in the server's log");
        assertEquals(1, count(log, "no acknowledgement for " + KEEPALIVE_SECONDS + " s, closing it as a slow consumer"),
                "one log line for the slow consumer's close");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
