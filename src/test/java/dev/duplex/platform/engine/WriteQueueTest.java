package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The write queue room against a stand-in of Grizzly 5's rule: a write is refused when what waits
 * plus the write exceeds {@code multiplier} × the connection's limit in force.
 */
class WriteQueueTest {

    private static final int BOUND = 256 * 1024;

    /** Grizzly's queue for one connection, with the hard limit of Grizzly 5 (multiplier 4) or none (0). */
    private static final class Grizzly {
        final int multiplier;
        int limit = BOUND;
        final AtomicLong waiting = new AtomicLong();
        final List<Integer> limits = new ArrayList<>();

        Grizzly(int multiplier) {
            this.multiplier = multiplier;
        }

        /** Writes {@code frame} as Grizzly would; the refusal is what Grizzly 5 answers (and drops the connection). */
        IOException write(long frame) {
            if (multiplier > 0 && waiting.get() + frame > (long) limit * multiplier) {
                return new IOException("Asynchronous write queue limit exceeded for connection");
            }
            waiting.addAndGet(frame);
            return null;
        }
    }

    private static final class Seen implements WriteQueue.Room.Verdict {
        final List<Long> proven = new ArrayList<>();
        final List<String> broken = new ArrayList<>();

        @Override
        public void proven(long frameBytes) {
            proven.add(frameBytes);
        }

        @Override
        public void broken(String why) {
            broken.add(why);
        }
    }

    private static WriteQueue.Room room(Grizzly grizzly, Seen seen) {
        return new WriteQueue.Room(BOUND, grizzly.multiplier, grizzly.waiting::get, bytes -> {
            grizzly.limit = bytes;
            grizzly.limits.add(bytes);
        }, seen);
    }

    @Test
    void messagesFarLargerThanGrizzly5sHardLimitGoOutWholeAndTheBoundComesBack() {
        for (long frame : new long[] {1_048_590, 4 * 1_048_576 + 14, 16 * 1_048_576 + 14, 32 * 1_048_576 + 14}) {
            Grizzly grizzly = new Grizzly(4);
            grizzly.waiting.set(BOUND - 1); // the worst start: the queue just below its bound
            Seen seen = new Seen();
            WriteQueue.Room room = room(grizzly, seen);
            room.sending(frame);
            IOException refused = grizzly.write(frame);
            assertNull(refused, frame + " bytes refused at a limit of " + grizzly.limit);
            grizzly.waiting.addAndGet(-frame); // the socket took it
            room.sent(frame, null);
            assertEquals(BOUND, grizzly.limit, "the bound holds again between messages");
            assertEquals(List.of(frame), seen.proven);
            assertTrue(seen.broken.isEmpty(), String.valueOf(seen.broken));
        }
    }

    @Test
    void withoutTheRoomGrizzly5RefusesAMessageOfAMebibyte() {
        // the bug this guards against: the bound alone cuts every message over 4 x 256 KiB
        assertTrue(new Grizzly(4).write(1_048_590) instanceof IOException);
    }

    @Test
    void smallMessagesAndGrizzly4NeverChangeTheLimit() {
        Grizzly hard = new Grizzly(4);
        WriteQueue.Room room = room(hard, new Seen());
        room.sending(500_000);
        room.sent(500_000, null);
        Grizzly four = new Grizzly(0);
        WriteQueue.Room old = room(four, new Seen());
        old.sending(16 * 1_048_576);
        assertNull(four.write(16 * 1_048_576));
        assertTrue(hard.limits.isEmpty() && four.limits.isEmpty(), hard.limits + " " + four.limits);
    }

    @Test
    void aRefusalOrAQueueBeyondTheBoundMarksTheCapabilityBroken() {
        Grizzly grizzly = new Grizzly(4);
        Seen seen = new Seen();
        WriteQueue.Room room = room(grizzly, seen);
        room.sending(100);
        room.sent(100, new IOException("Asynchronous write queue limit exceeded for connection"));
        assertEquals(1, seen.broken.size(), String.valueOf(seen.broken));
        grizzly.waiting.set(10L * BOUND); // the engine did not stop taking writes at the bound
        room.sending(100);
        room.sent(100, null);
        assertEquals(2, seen.broken.size(), String.valueOf(seen.broken));
        assertTrue(seen.proven.isEmpty());
    }

    @Test
    void overlappingLargeSendsKeepTheLargestRaiseUntilTheLastEnds() {
        Grizzly grizzly = new Grizzly(4);
        WriteQueue.Room room = room(grizzly, new Seen());
        room.sending(8_000_000);
        int raised = grizzly.limit;
        room.sending(2_000_000);
        assertEquals(raised, grizzly.limit);
        room.sent(2_000_000, null);
        assertEquals(raised, grizzly.limit, "still writing the larger one");
        room.sent(8_000_000, null);
        assertEquals(BOUND, grizzly.limit);
    }
}
