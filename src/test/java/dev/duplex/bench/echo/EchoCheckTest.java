package dev.duplex.bench.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class EchoCheckTest {

    private static final int CONN = 3;
    private static final int SIZE = 32;

    private static ByteBuf echo(long seq) {
        return Unpooled.wrappedBuffer(Payloads.bytes(CONN, seq, SIZE));
    }

    @Test
    void inOrderEchoesMatchAndReportTheirSendTimes() {
        EchoCheck check = new EchoCheck(CONN, SIZE);
        check.sent(100);
        check.sent(200);
        assertEquals(2, check.inFlight());
        assertEquals(EchoCheck.Outcome.MATCH, check.received(echo(0)));
        assertEquals(100, check.lastSentAt());
        assertEquals(EchoCheck.Outcome.MATCH, check.received(echo(1)));
        assertEquals(200, check.lastSentAt());
        assertEquals(0, check.inFlight());
        assertEquals(0, check.skipped());
    }

    @Test
    void aLaterEchoFirstIsOutOfOrderAndSkipsTheEarlierOnes() {
        EchoCheck check = new EchoCheck(CONN, SIZE);
        for (int i = 0; i < 4; i++) {
            check.sent(i);
        }
        assertEquals(EchoCheck.Outcome.OUT_OF_ORDER, check.received(echo(2)));
        assertEquals(2, check.lastSentAt());
        assertEquals(2, check.skipped());
        assertEquals(1, check.inFlight());
        // The skipped ones arriving late no longer match what is expected.
        assertEquals(EchoCheck.Outcome.MISMATCH, check.received(echo(0)));
        assertEquals(0, check.inFlight());
    }

    @Test
    void corruptedEchoesAreMismatchesAndStrayOnesAreUnexpected() {
        EchoCheck check = new EchoCheck(CONN, SIZE);
        check.sent(1);
        ByteBuf corrupted = echo(0);
        corrupted.setByte(5, corrupted.getByte(5) ^ 1);
        assertEquals(EchoCheck.Outcome.MISMATCH, check.received(corrupted));
        assertEquals(0, check.inFlight());
        assertEquals(EchoCheck.Outcome.UNEXPECTED, check.received(echo(1)));
        check.sent(2);
        assertEquals(EchoCheck.Outcome.MISMATCH, check.received(Unpooled.wrappedBuffer(new byte[SIZE - 1])));
    }

    @Test
    void manyMessagesInFlightKeepTheirSendTimes() {
        EchoCheck check = new EchoCheck(CONN, SIZE);
        for (int i = 0; i < 1000; i++) {
            check.sent(10_000 + i);
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(EchoCheck.Outcome.MATCH, check.received(echo(i)));
            assertEquals(10_000 + i, check.lastSentAt());
        }
        assertEquals(1000, check.sentCount());
    }
}
