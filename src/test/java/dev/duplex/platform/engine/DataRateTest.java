package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.MemoryBudget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The minimum data rate's verdicts, on a clock the test moves by hand. */
class DataRateTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int BINARY = 0x2, TEXT = 0x1, CONTINUATION = 0x0, PING = 0x9;

    /** A filter with a rate of 1 000 bytes/s over 5 s windows, on a hand-moved clock. */
    private static final class Wire {
        long now = 1_000 * SECOND;
        final DataRate rate = new DataRate(1000, 5 * SECOND);
        final List<ReadGuardFilter.Refusal> refusals = new ArrayList<>();
        final ReadGuardFilter filter = new ReadGuardFilter(16 << 20, MemoryBudget.unlimited().account("echo", "a"), rate,
                () -> now, (refusal, bytes) -> refusals.add(refusal));

        void send(byte[] bytes) {
            byte[] copy = bytes.clone();
            filter.filter(copy, 0, copy.length, copy, 0);
            filter.settle();
        }

        /** One sweep a second from now until {@code seconds} later, each after {@code perSecond} bytes of {@code frame} from {@code at}. */
        int trickle(byte[] frame, int at, int perSecond, int seconds) {
            for (int s = 0; s < seconds; s++) {
                int n = Math.min(perSecond, frame.length - at);
                send(java.util.Arrays.copyOfRange(frame, at, at + n));
                at += n;
                now += SECOND;
                if (rate.tooSlow(now)) {
                    return -(s + 1);
                }
            }
            return at;
        }
    }

    @Test
    void aSteadyClientAboveTheRatePassesWindowAfterWindow() {
        Wire wire = new Wire();
        byte[] frame = ReadGuardFilterTest.frame(true, false, BINARY, 60_000);
        int at = wire.trickle(frame, 0, 1100, 50);
        assertTrue(at > 0, "never too slow; the verdict came after " + -at + " s");
        assertTrue(wire.rate.receiving(), "still receiving after 50 s");
        wire.trickle(frame, at, 20_000, 5);
        assertFalse(wire.rate.receiving(), "the message is complete: nothing is being received");
        wire.now += 60 * SECOND;
        assertFalse(wire.rate.tooSlow(wire.now), "no verdict without a message being received");
    }

    @Test
    void aTrickleUnderTheRateIsTooSlowWhenItsFirstWindowEndsNotBefore() {
        Wire wire = new Wire();
        byte[] frame = ReadGuardFilterTest.header64(BINARY, 16L << 20);
        wire.send(frame);
        long start = wire.now;
        for (int s = 1; s < 5; s++) {
            wire.now = start + s * SECOND;
            wire.send(new byte[] {1});
            assertFalse(wire.rate.tooSlow(wire.now), "within the grace, at " + s + " s");
        }
        wire.now = start + 5 * SECOND;
        assertTrue(wire.rate.tooSlow(wire.now), "4 bytes in 5 s is under 1 000 bytes/s");
        assertFalse(wire.rate.tooSlow(wire.now + SECOND), "the verdict is given once");
        assertEquals(List.of(), wire.refusals, "the filter itself refuses nothing: the sweep closes the session");
    }

    @Test
    void aBurstThenAStallIsTooSlowAtTheEndOfTheWindowAfterTheBurst() {
        Wire wire = new Wire();
        byte[] frame = ReadGuardFilterTest.frame(true, false, BINARY, 1 << 20);
        wire.send(java.util.Arrays.copyOf(frame, 500_000)); // half a MiB at once, then nothing
        int at = wire.trickle(frame, 500_000, 0, 20);
        assertEquals(-10, at, "the first window is paid for by the burst; the second brings nothing");
    }

    @Test
    void pingsDoNotKeepAStalledMessageAlive() {
        Wire wire = new Wire();
        wire.send(ReadGuardFilterTest.header64(BINARY, 1 << 20));
        for (int s = 1; s <= 5; s++) {
            wire.send(ReadGuardFilterTest.frame(true, false, PING, 125));
            wire.now += SECOND;
        }
        assertTrue(wire.rate.tooSlow(wire.now));
    }

    @Test
    void wholeFramesStartNothingButAFragmentedMessageIsMeasuredUntilItsLastFrame() {
        Wire wire = new Wire();
        for (int i = 0; i < 20; i++) {
            wire.send(ReadGuardFilterTest.frame(true, false, TEXT, 100));
            wire.now += SECOND;
            assertFalse(wire.rate.receiving());
            assertFalse(wire.rate.tooSlow(wire.now), "one small message a second is no slow message");
        }
        wire.send(ReadGuardFilterTest.frame(false, false, TEXT, 10));
        assertTrue(wire.rate.receiving(), "a fragmented message has begun");
        wire.now += 3 * SECOND;
        wire.send(ReadGuardFilterTest.frame(true, false, CONTINUATION, 10));
        assertFalse(wire.rate.receiving(), "its last frame ends it");
        wire.now += 30 * SECOND;
        assertFalse(wire.rate.tooSlow(wire.now));

        wire.send(ReadGuardFilterTest.frame(false, false, TEXT, 10));
        for (int s = 0; s < 5; s++) {
            wire.send(ReadGuardFilterTest.frame(false, false, CONTINUATION, 10));
            wire.now += SECOND;
        }
        assertTrue(wire.rate.tooSlow(wire.now), "fragments of 10 bytes a second are too slow");
    }

    @Test
    void aRateOfZeroChecksNothing() {
        DataRate off = DataRate.off();
        off.started(0);
        assertFalse(off.enabled());
        assertFalse(off.tooSlow(Long.MAX_VALUE / 2));
        ReadGuardFilter filter = new ReadGuardFilter(1 << 20, MemoryBudget.unlimited().account("echo", "a"), off, () -> {
            throw new AssertionError("no clock is read without a rate");
        }, (r, n) -> { });
        byte[] header = ReadGuardFilterTest.header64(BINARY, 100_000);
        filter.filter(header, 0, header.length, header, 0);
        assertFalse(off.receiving());
    }
}
