package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.platform.BodyReader.Limits;
import dev.duplex.platform.BodyReader.State;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every verdict of one body read, with the clock in the test's hand. */
class BodyReaderTest {

    private static final long START = 5_000_000_000L;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Limits LIMITS = new Limits(100, 10 * SECOND, 20);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aBodyWithALengthIsCompleteWithItsLastByte() {
        BodyReader reader = new BodyReader(LIMITS, 11, START);
        assertEquals(State.READING, reader.arrived(bytes("hello "), 0, 6, START + 1));
        assertEquals(State.COMPLETE, reader.arrived(bytes("xxworldxx"), 2, 5, START + 2));
        assertArrayEquals(bytes("hello world"), reader.body());
        assertEquals(State.COMPLETE, reader.check(START + 60 * SECOND), "a complete body has no deadline");
    }

    @Test
    void aBodyWithoutALengthIsCompleteAtItsEnd() {
        BodyReader reader = new BodyReader(LIMITS, -1, START);
        assertEquals(State.READING, reader.arrived(bytes("{}"), 0, 2, START));
        assertThrows(IllegalStateException.class, reader::body);
        assertEquals(State.COMPLETE, reader.ended(START + 1));
        assertArrayEquals(bytes("{}"), reader.body());
        assertEquals(State.COMPLETE, new BodyReader(LIMITS, 0, START).state(), "an empty body is complete at once");
        assertArrayEquals(new byte[0], new BodyReader(LIMITS, 0, START).body());
    }

    @Test
    void aLengthOverTheLimitIsRefusedBeforeAnyByteAndALongerBodyAtTheChunkThatPassesIt() {
        assertEquals(State.TOO_LARGE, new BodyReader(LIMITS, 101, START).state());
        BodyReader exact = new BodyReader(LIMITS, -1, START);
        assertEquals(State.READING, exact.arrived(new byte[100], 0, 100, START));
        assertEquals(State.COMPLETE, exact.ended(START));
        assertEquals(100, exact.body().length);

        BodyReader chunked = new BodyReader(LIMITS, -1, START);
        assertEquals(State.READING, chunked.arrived(new byte[60], 0, 60, START));
        assertEquals(State.TOO_LARGE, chunked.arrived(new byte[41], 0, 41, START));
        assertEquals(60, chunked.received(), "the chunk past the limit is not kept");
        assertEquals(State.TOO_LARGE, chunked.ended(START), "final");
        assertThrows(IllegalStateException.class, chunked::body);
    }

    @Test
    void theDeadlineEndsABodyThatKeepsTheRateButNeverEnds() {
        // 10 bytes/s against a rule of 5 bytes/s
        BodyReader reader = new BodyReader(new Limits(100, 10 * SECOND, 5), -1, START);
        long now = START;
        for (int second = 0; second < 9; second++) {
            assertEquals(State.READING, reader.arrived(new byte[10], 0, 10, now), "second " + second);
            now += SECOND;
            assertEquals(State.READING, reader.check(now - 1));
        }
        assertEquals(State.TIMED_OUT, reader.check(START + 10 * SECOND), "10 s after the start, not a moment later");
        assertEquals(State.TIMED_OUT, reader.arrived(new byte[1], 0, 1, START + 10 * SECOND), "final");
        assertEquals(State.TIMED_OUT, reader.ended(START + 10 * SECOND));
    }

    @Test
    void bytesThatComeAfterTheDeadlineDoNotRescueTheRead() {
        BodyReader reader = new BodyReader(LIMITS, 5, START);
        assertEquals(State.TIMED_OUT, reader.arrived(bytes("12345"), 0, 5, START + 10 * SECOND));
    }

    @Test
    void theRateRuleStartsAfterTheGraceSecondAndAsksForTheAverageSinceThen() {
        BodyReader silent = new BodyReader(LIMITS, -1, START);
        assertEquals(State.READING, silent.check(START + SECOND), "nothing is asked within the grace second");
        assertEquals(State.TOO_SLOW, silent.check(START + SECOND + 1), "one byte is due just after it");

        // 20 bytes/s: after 2 s (1 s past the grace) 20 bytes are due, after 3 s 40
        BodyReader trickle = new BodyReader(LIMITS, -1, START);
        trickle.arrived(new byte[20], 0, 20, START);
        assertEquals(State.READING, trickle.check(START + 2 * SECOND));
        assertEquals(State.TOO_SLOW, trickle.check(START + 2 * SECOND + 100_000_000L), "22 due, 20 came");

        // 25 bytes/s from the start keeps ahead of 20 bytes/s from the grace second on
        BodyReader steady = new BodyReader(LIMITS, -1, START);
        for (int byteNo = 0; byteNo < 100; byteNo++) {
            long now = START + byteNo * SECOND / 25;
            assertEquals(State.READING, steady.check(now), "byte " + byteNo);
            assertEquals(State.READING, steady.arrived(new byte[1], 0, 1, now), "byte " + byteNo);
        }
        assertEquals(State.COMPLETE, steady.ended(START + 4 * SECOND));
    }

    @Test
    void aShortAnnouncedBodyIsDueWholeNotAtTheFullRate() {
        // a 5-byte body at 20 bytes/s: after 2 s its 5 bytes are due, not 20
        BodyReader reader = new BodyReader(LIMITS, 5, START);
        reader.arrived(bytes("1234"), 0, 4, START);
        assertEquals(State.READING, reader.check(START + SECOND + SECOND / 5), "4 due");
        assertEquals(State.TOO_SLOW, reader.check(START + 2 * SECOND), "5 due, 4 came");
    }

    @Test
    void zeroSwitchesTheDeadlineAndTheRateOff() {
        BodyReader reader = new BodyReader(new Limits(100, 0, 0), -1, START);
        assertEquals(State.READING, reader.check(START + 3600 * SECOND));
        assertEquals(State.READING, reader.arrived(new byte[1], 0, 1, START + 7200 * SECOND));
        assertThrows(IllegalArgumentException.class, () -> new Limits(-1, 0, 0));
    }

    @Test
    void theBufferGrowsWithTheBytesNotWithTheAnnouncedLength() {
        BodyReader reader = new BodyReader(new Limits(1 << 20, 0, 0), 1 << 20, START);
        reader.arrived(new byte[10], 0, 10, START);
        assertEquals(10, reader.received());
        assertEquals(256, reader.capacity(), "1 MiB announced, 10 bytes came: 256 bytes held");
        byte[] all = new byte[(1 << 20) - 10];
        all[all.length - 1] = 7;
        assertEquals(State.COMPLETE, reader.arrived(all, 0, all.length, START));
        assertEquals(1 << 20, reader.body().length);
        assertEquals(7, reader.body()[(1 << 20) - 1]);
    }
}
