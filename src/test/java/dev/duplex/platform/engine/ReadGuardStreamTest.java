package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (stream.isReady()) {
            int size = fixedSize > 0 ? fixedSize : Math.max(1, stream.available());
            byte[] chunk = new byte[size];
            int n = stream.read(chunk);
            if (n < 0) {
                break;
            }
            out.write(chunk, 0, n);
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
                ReadGuardStream stream = new ReadGuardStream(new Source(TRAFFIC, step),
                        new ReadGuardFilter(1 << 20, budget.account("echo", "a"), (r, n) -> engine.add("refused " + r)),
                        new RecordingEngine(engine));
                assertArrayEquals(TRAFFIC, readAll(stream, fixed), "step " + step + ", array " + fixed);
                stream.isReady();
                assertEquals(0, budget.used(), "step " + step + ", array " + fixed);
                assertTrue(engine.contains("trim"), engine.toString());
                assertTrue(engine.stream().filter(e -> e.startsWith("room")).count() <= 1, "the engine's buffer is sized once: " + engine);
                assertTrue(engine.stream().noneMatch(e -> e.startsWith("refused")), engine.toString());
            }
        }
    }

    @Test
    void theEngineBufferIsSizedForTheRestOfALargeFrameOnce() throws IOException {
        List<String> engine = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        ReadGuardStream stream = new ReadGuardStream(new Source(TRAFFIC, 16384),
                new ReadGuardFilter(1 << 20, budget.account("echo", "a"), (r, n) -> { }),
                new RecordingEngine(engine));
        readAll(stream, 0);
        assertEquals(List.of("room " + (200_000 - (16384 - 14)), "trim"), engine);
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
                    new RecordingEngine(new ArrayList<>()));
            assertArrayEquals(close, readAll(stream, 0), "step " + step);
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
                new RecordingEngine(engine));
        byte[] first = new byte[16384];
        int n = stream.read(first, 0, first.length);
        assertEquals(16384, n, "the frame's first part passes");
        assertTrue(budget.used() > 0, "the rest of the frame is reserved");

        stream.end(); // the session closed, e.g. refused by the budget where its reply was queued
        byte[] rest = readAll(stream, 0);
        assertArrayEquals(close, rest, "only the peer's close frame reaches the engine after the end");
        assertTrue(engine.contains("drop"), "the engine's part of the cut frame is let go: " + engine);
        assertEquals(0, budget.used(), "the cut frame's reservation is given back");
        assertTrue(engine.stream().noneMatch(e -> e.startsWith("refused")), "ending is not a refusal: " + engine);
    }

    @Test
    void aSessionEndedBetweenFramesTrimsTheEngineBuffer() throws IOException {
        List<String> engine = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        ReadGuardStream stream = new ReadGuardStream(new Source(TRAFFIC, 1 << 20),
                new ReadGuardFilter(1 << 20, budget.account("echo", "a"), (r, n) -> { }), new RecordingEngine(engine));
        readAll(stream, 0);
        engine.clear();
        stream.end();
        stream.isReady();
        assertEquals(List.of("trim"), engine);
    }

    /** The engine's side of the buffer: records what the stream asks of it. */
    private record RecordingEngine(List<String> calls) implements ReadGuardStream.EngineBuffer {
        @Override
        public void makeRoom(long more) {
            calls.add("room " + more);
        }

        @Override
        public void trim() {
            calls.add("trim");
        }

        @Override
        public void drop() {
            calls.add("drop");
        }
    }
}
