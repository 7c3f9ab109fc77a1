package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplySequenceTest {

    private static Reply reply(long seq, byte[] image) {
        return new Reply(new ImageReply.Failure(seq, ErrorCode.INTERNAL, "reply " + seq, List.of()), image);
    }

    private static long seqOf(Object message) {
        return ((ImageReply.Failure) message).seq();
    }

    @Test
    void repliesGoOutInTheOrderAppendedWhateverOrderTheyAreReadyIn() throws Exception {
        FakeReplySink outbox = new FakeReplySink(true);
        ReplySequence sequence = new ReplySequence("s1", outbox);
        CompletableFuture<Reply> first = new CompletableFuture<>();
        CompletableFuture<Reply> second = new CompletableFuture<>();
        CompletableFuture<Reply> third = new CompletableFuture<>();
        AtomicInteger afterSent = new AtomicInteger();
        sequence.append(first, afterSent::incrementAndGet);
        sequence.append(second, afterSent::incrementAndGet);
        sequence.append(third, afterSent::incrementAndGet);
        third.complete(reply(3, null));
        second.complete(reply(2, new byte[] {2}));
        assertTrue(outbox.sent.isEmpty(), "nothing before the first reply is ready (all of this runs on this thread)");
        assertEquals(3, sequence.owed());
        first.complete(reply(1, new byte[] {1}));
        assertEquals(1, seqOf(outbox.next()));
        assertArrayEquals(new byte[] {1}, outbox.next(byte[].class));
        assertEquals(2, seqOf(outbox.next()));
        assertArrayEquals(new byte[] {2}, outbox.next(byte[].class));
        assertEquals(3, seqOf(outbox.next()));
        assertEquals(0, sequence.owed());
        assertEquals(3, afterSent.get());
    }

    @Test
    void eachSendWaitsForThePreviousOne() throws Exception {
        FakeReplySink outbox = new FakeReplySink(false);
        ReplySequence sequence = new ReplySequence("s2", outbox);
        sequence.append(reply(1, new byte[] {1}));
        sequence.append(reply(2, null));
        assertEquals(1, seqOf(outbox.next()));
        assertTrue(outbox.sent.isEmpty(), "the image waits for the text to be written");
        assertTrue(outbox.finishOne());
        assertArrayEquals(new byte[] {1}, outbox.next(byte[].class));
        assertTrue(outbox.finishOne());
        assertEquals(2, seqOf(outbox.next()));
        assertTrue(outbox.finishOne());
        assertEquals(1, outbox.maxInFlight.get(), "never two sends at once");
        assertEquals(0, sequence.owed());
    }

    @Test
    void repliesAreQueuedWithoutWaitingForTheNetworkAndOwedUntilWritten() throws Exception {
        FakeReplySink outbox = new FakeReplySink(false);
        ReplySequence sequence = new ReplySequence("s4", outbox);
        AtomicInteger afterSent = new AtomicInteger();
        for (int i = 1; i <= 3; i++) {
            sequence.append(CompletableFuture.completedFuture(reply(i, new byte[] {(byte) i})), afterSent::incrementAndGet);
        }
        assertEquals(1, seqOf(outbox.next()), "the first text is being written");
        assertEquals(5, outbox.outbox.queuedMessages(), "the rest is handed to the outbox at once, in order");
        assertEquals(3, sequence.owed(), "owed until written");
        assertTrue(outbox.finishOne());
        assertTrue(outbox.finishOne());
        assertEquals(2, sequence.owed(), "the first reply is written: text and image");
        assertEquals(1, afterSent.get());
        while (outbox.finishOne()) {
            Thread.onSpinWait();
        }
        assertEquals(0, sequence.owed());
        assertEquals(3, afterSent.get());
    }

    @Test
    void aFailedSendClosesWith1011AndLaterRepliesAreSkipped() throws Exception {
        FakeReplySink outbox = new FakeReplySink(true);
        ReplySequence sequence = new ReplySequence("s3", outbox);
        outbox.failSends(new IllegalStateException("peer gone"));
        sequence.append(reply(1, new byte[] {1}));
        assertEquals(1, seqOf(outbox.next()));
        assertEquals(new FakeReplySink.Closed(1011, "A reply could not be sent"), outbox.closed.get(30, TimeUnit.SECONDS));
        sequence.append(reply(2, null));
        assertTrue(outbox.sent.isEmpty(), "nothing is sent on a closed connection");
        assertEquals(0, sequence.owed());
    }
}
