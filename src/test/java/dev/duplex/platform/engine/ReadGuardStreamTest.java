package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.MemoryBudget;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadGuardStreamTest {

    /** The container's stream: serves its bytes at most {@code step} at a time. */
    static final class Source extends ServletInputStream {
        private final byte[] bytes;
        private final int step;
        private int at;

        Source(byte[] bytes, int step) {
            this.bytes = bytes;
            this.step = step;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, step), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public int read() {
            return at == bytes.length ? -1 : bytes[at++] & 0xFF;
        }

        @Override
        public int available() {
            return Math.min(step, bytes.length - at);
        }

        @Override
        public boolean isFinished() {
            return at == bytes.length;
        }

        @Override
        public boolean isReady() {
            return at < bytes.length;
        }

        @Override
        public void setReadListener(ReadListener listener) {
        }
    }

    /** Reads as Tyrus' upgrade handler does: an array of {@code available()} bytes (or a fixed size), then {@code isReady()}. */
    private static byte[] readAll(ReadGuardStream stream, int fixedSize) throws IOException {
        return readAll(stream, fixedSize, null, null);
    }

    /** As above, handing each read to {@code engine} (with the filter's view of the frame) and checking {@code each} after it. */
    private static byte[] readAll(ReadGuardStream stream, int fixedSize, FakeTyrus engine, Runnable each) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (stream.isReady()) {
            int size = fixedSize > 0 ? fixedSize : Math.max(1, stream.available());
            byte[] chunk = new byte[size];
            int n = stream.read(chunk);
            if (n < 0) {
                break;
            }
            out.write(chunk, 0, n);
            if (engine != null) {
                engine.took(n);
            }
            if (each != null) {
                each.run();
            }
        }
        return out.toByteArray();
    }

    private static final byte[] TRAFFIC = ReadGuardFilterTest.concat(
            ReadGuardFilterTest.frame(true, false, 0x2, 200_000),
            ReadGuardFilterTest.frame(true, false, 0x1, 10),
            ReadGuardFilterTest.frame(true, false, 0x9, 0));

    @Test
    void everythingPassesWhateverSizeTheCallerAsksFor() throws IOException {
        for (int step : new int[] {1, 3, 13, 14, 15, 1000, 16384}) {
            for (int fixed : new int[] {0, 1, 2, 7, 100}) {
                MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
                List<String> engine = new ArrayList<>();
                ReadGuardFilter filter = new ReadGuardFilter(1 << 20, budget.account("echo", "a"), (r, n) -> engine.add("refused " + r));
                FakeTyrus tyrus = new FakeTyrus(engine, filter);
                ReadGuardStream stream = new ReadGuardStream(new Source(TRAFFIC, step), filter, tyrus);
                assertArrayEquals(ReadGuardFilterTest.unmasked(TRAFFIC), readAll(stream, fixed, tyrus, null),
                        "step " + step + ", array " + fixed);
                stream.isReady();
                assertEquals(0, budget.used(), "step " + step + ", array " + fixed);
                assertTrue(engine.contains("trim"), engine.toString());
                if (fixed == 0) {
                    // Tyrus asks available() before each read, so the guard grows its buffer: Tyrus never copies it
                    assertTrue(tyrus.copies <= 1, "Tyrus grew its buffer itself " + tyrus.copies + " times, step " + step);
                    assertTrue(engine.stream().filter(e -> e.startsWith("resize")).count() <= 20, "geometric growth: " + engine);
                }
                assertTrue(engine.stream().noneMatch(e -> e.startsWith("refused")), engine.toString());
            }
        }
    }

    @Test
    void theEngineBufferGrowsGeometricallyWithWhatArrivesAndWhatItHoldsIsCharged() throws IOException {
        for (int step : new int[] {16384, 1000, 65536}) {
            List<String> engine = new ArrayList<>();
            MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
            MemoryBudget.Account account = budget.account("echo", "a");
            ReadGuardFilter filter = new ReadGuardFilter(1 << 20, account, (r, n) -> { });
            FakeTyrus tyrus = new FakeTyrus(engine, filter);
            ReadGuardStream stream = new ReadGuardStream(new Source(TRAFFIC, step), filter, tyrus);
            long[] most = new long[2];
            readAll(stream, 0, tyrus, () -> {
                if (filter.charging()) {
                    assertTrue(account.held() >= tyrus.limit, "what the engine holds is charged, step " + step);
                    assertTrue(account.held() >= tyrus.capacity || tyrus.capacity <= FakeTyrus.rounded(tyrus.limit),
                            "room the guard made ahead is charged: " + account.held() + " < " + tyrus.capacity);
                    assertTrue(tyrus.capacity <= 2L * tyrus.limit + step + 1 + 256, "never much more than arrived: "
                            + tyrus.capacity + " for " + tyrus.limit + ", step " + step);
                    most[0] = Math.max(most[0], account.held());
                    most[1] = Math.max(most[1], tyrus.capacity);
                }
            });
            long resizes = engine.stream().filter(e -> e.startsWith("resize")).count();
            assertTrue(resizes <= 10, "about log2(200 000 / step) resizes, not one per read: " + engine);
            assertTrue(tyrus.copies <= 1, "Tyrus never grows the buffer itself once the frame is under way: " + tyrus.copies);
            assertTrue(most[1] >= 200_000 && most[0] >= 200_000, "the whole frame was held and charged at the end");
            assertEquals(0, budget.used(), "all given back");
            assertTrue(engine.contains("trim"), engine.toString());
        }
    }

    @Test
    void aTrickleAfterA16MiBHeaderGetsASmallBufferAndASmallCharge() throws IOException {
        byte[] header = ReadGuardFilterTest.header64(0x2, 16L << 20);
        byte[] traffic = ReadGuardFilterTest.concat(header, new byte[5000]);
        List<String> engine = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(64 << 20, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "a");
        ReadGuardFilter filter = new ReadGuardFilter(32 << 20, account, (r, n) -> engine.add("refused " + r));
        FakeTyrus tyrus = new FakeTyrus(engine, filter);
        ReadGuardStream stream = new ReadGuardStream(new Source(traffic, 1), filter, tyrus);
        readAll(stream, 0, tyrus, () -> {
            assertTrue(account.held() <= 2 * filter.arrived() + 2, account.held() + " charged for " + filter.arrived() + " bytes");
            assertTrue(account.held() >= filter.arrived());
        });
        assertEquals(5000, filter.arrived());
        assertTrue(tyrus.capacity <= 2 * 5000 + 2, "buffer of " + tyrus.capacity + " bytes for 5 000 that arrived, not 16 MiB");
        assertTrue(account.held() >= tyrus.capacity, "and it is charged: " + account.held());
        assertTrue(engine.stream().noneMatch(e -> e.startsWith("refused")), engine.toString());
    }

    @Test
    void aFrameTheBudgetCutsPartWayIsDroppedFromTheEngineAndItsChargeGivenBack() throws IOException {
        byte[] close = ReadGuardFilterTest.frame(true, false, 0x8, 2);
        byte[] traffic = ReadGuardFilterTest.concat(ReadGuardFilterTest.frame(true, false, 0x2, 300_000),
                ReadGuardFilterTest.frame(true, false, 0x1, 10), close);
        List<String> engine = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(100_000, 0, 0);
        ReadGuardFilter filter = new ReadGuardFilter(1 << 20, budget.account("echo", "a"), (r, n) -> engine.add("refused " + r + " " + n));
        FakeTyrus tyrus = new FakeTyrus(engine, filter);
        ReadGuardStream stream = new ReadGuardStream(new Source(traffic, 16384), filter, tyrus);
        byte[] passed = readAll(stream, 0, tyrus, null);
        assertTrue(engine.contains("refused OVER_BUDGET 300000"), engine.toString());
        assertTrue(engine.contains("drop"), "the engine's part of the cut frame is let go: " + engine);
        byte[] closePassed = ReadGuardFilterTest.unmasked(close);
        assertArrayEquals(closePassed, java.util.Arrays.copyOfRange(passed, passed.length - closePassed.length, passed.length));
        assertTrue(passed.length < 100_000 + closePassed.length, "no more than the budget passed: " + passed.length);
        assertEquals(0, budget.used());
    }

    @Test
    void aMessageUnderTheMinimumRateIsDroppedAtTheSweepsVerdict() throws IOException {
        long second = 1_000_000_000L;
        long[] now = {0};
        DataRate rate = new DataRate(1000, 5 * second);
        byte[] close = ReadGuardFilterTest.frame(true, false, 0x8, 2);
        byte[] frame = ReadGuardFilterTest.frame(true, false, 0x2, 100_000);
        List<String> engine = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        ReadGuardFilter filter = new ReadGuardFilter(1 << 20, budget.account("echo", "a"), rate, () -> now[0], (r, n) -> engine.add("refused " + r));
        Feed feed = new Feed();
        ReadGuardStream stream = new ReadGuardStream(feed, filter, new FakeTyrus(engine, filter));
        feed.add(java.util.Arrays.copyOf(frame, 3000));
        assertEquals(3000 - 4, readAll(stream, 0).length, "all but the masking key");
        now[0] = 4 * second;
        assertFalse(stream.tooSlow(now[0]), "within the grace");
        now[0] = 5 * second;
        assertTrue(stream.tooSlow(now[0]), "2 986 bytes in 5 s is under 1 000 bytes/s");
        assertTrue(budget.used() > 0, "until the read thread acts on it");
        feed.add(java.util.Arrays.copyOfRange(frame, 3000, frame.length)); // the client goes on with the frame, then closes
        feed.add(close);
        assertArrayEquals(ReadGuardFilterTest.unmasked(close), readAll(stream, 0),
                "the rest of the slow frame is dropped; the close frame passes");
        assertTrue(engine.contains("drop"), engine.toString());
        assertEquals(0, budget.used());
        assertFalse(stream.tooSlow(now[0] + 10 * second), "once");
    }

    @Test
    void afterARefusalTheRestIsDrainedAndOnlyControlFramesPass() throws IOException {
        byte[] close = ReadGuardFilterTest.frame(true, false, 0x8, 2);
        byte[] traffic = ReadGuardFilterTest.concat(ReadGuardFilterTest.frame(true, false, 0x2, 300_000),
                ReadGuardFilterTest.frame(true, false, 0x1, 10), close);
        for (int step : new int[] {1, 7, 16384}) {
            List<String> refusals = new ArrayList<>();
            MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
            Source source = new Source(traffic, step);
            ReadGuardStream stream = new ReadGuardStream(source,
                    new ReadGuardFilter(100_000, budget.account("echo", "a"), (r, n) -> refusals.add(r + " " + n)),
                    new FakeTyrus(new ArrayList<>(), null));
            assertArrayEquals(ReadGuardFilterTest.unmasked(close), readAll(stream, 0), "step " + step);
            assertEquals(List.of("TOO_BIG 300000"), refusals);
            assertTrue(source.isFinished());
            assertEquals(0, budget.used());
        }
    }

    @Test
    void aSessionEndedPartWayThroughALargeFrameDropsItAndLetsOnlyControlFramesThrough() throws IOException {
        byte[] close = ReadGuardFilterTest.frame(true, false, 0x8, 2);
        byte[] traffic = ReadGuardFilterTest.concat(ReadGuardFilterTest.frame(true, false, 0x2, 300_000),
                ReadGuardFilterTest.frame(true, false, 0x1, 10), close);
        List<String> engine = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        ReadGuardStream stream = new ReadGuardStream(new Source(traffic, 16384),
                new ReadGuardFilter(1 << 20, budget.account("echo", "a"), (r, n) -> engine.add("refused " + r)),
                new FakeTyrus(engine, null));
        byte[] first = new byte[16384];
        int n = stream.read(first, 0, first.length);
        assertEquals(16384 - 4, n, "the frame's first part passes, without its masking key");
        assertEquals(16384 - 14, budget.used(), "what arrived of the frame is charged");

        stream.end(); // the session closed, e.g. refused by the budget where its reply was queued
        byte[] rest = readAll(stream, 0);
        assertArrayEquals(ReadGuardFilterTest.unmasked(close), rest, "only the peer's close frame reaches the engine after the end");
        assertTrue(engine.contains("drop"), "the engine's part of the cut frame is let go: " + engine);
        assertEquals(0, budget.used(), "the cut frame's reservation is given back");
        assertTrue(engine.stream().noneMatch(e -> e.startsWith("refused")), "ending is not a refusal: " + engine);
    }

    @Test
    void aSessionEndedBetweenFramesTrimsTheEngineBuffer() throws IOException {
        List<String> engine = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        ReadGuardStream stream = new ReadGuardStream(new Source(TRAFFIC, 1 << 20),
                new ReadGuardFilter(1 << 20, budget.account("echo", "a"), (r, n) -> { }), new FakeTyrus(engine, null));
        readAll(stream, 0);
        engine.clear();
        stream.end();
        stream.isReady();
        assertEquals(List.of("trim"), engine);
    }

    /** A container stream that serves what the test added, as far as it was added. */
    static final class Feed extends ServletInputStream {
        private final ByteArrayOutputStream added = new ByteArrayOutputStream();
        private int at;

        void add(byte[] bytes) {
            added.writeBytes(bytes);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            byte[] all = added.toByteArray();
            int n = Math.min(len, all.length - at);
            System.arraycopy(all, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int available() {
            return added.size() - at;
        }

        @Override
        public boolean isFinished() {
            return false;
        }

        @Override
        public boolean isReady() {
            return available() > 0;
        }

        @Override
        public void setReadListener(ReadListener listener) {
        }
    }

    /**
     * Tyrus' read handler's buffer as the guard sees it: after each read it holds what arrived of a
     * partly received frame (its header is parsed away), growing itself by exactly what it lacks,
     * rounded up to 256 bytes, when that does not fit; a complete frame empties it. Records what the
     * stream asks of it.
     */
    static final class FakeTyrus implements ReadGuardStream.EngineBuffer {
        final List<String> calls;
        final ReadGuardFilter filter;
        int limit;
        int capacity;
        int copies;

        FakeTyrus(List<String> calls, ReadGuardFilter filter) {
            this.calls = calls;
            this.filter = filter;
        }

        static int rounded(long bytes) {
            return (int) ((bytes + 255) / 256 * 256);
        }

        void took(int n) {
            if (!filter.charging()) {
                limit = 0;
                return;
            }
            int held = (int) filter.arrived();
            if (held >= capacity) {
                capacity = rounded(held + 1);
                copies++;
            }
            limit = held;
        }

        @Override
        public ReadGuardStream.Room room() {
            return capacity == 0 && limit == 0 ? null : new ReadGuardStream.Room(limit, capacity);
        }

        @Override
        public void resize(int size) {
            calls.add("resize " + size);
            capacity = size;
        }

        @Override
        public void trim() {
            calls.add("trim");
            if (limit < capacity / 4) {
                capacity = limit;
            }
        }

        @Override
        public void drop() {
            calls.add("drop");
            limit = 0;
            capacity = 0;
        }
    }
}
