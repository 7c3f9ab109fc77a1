package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void allowsABurstThenTheSustainedRate() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(10, 5, now::get);
        assertEquals(10, IntStream.range(0, 50).filter(i -> bucket.tryTake()).count(), "the burst");
        now.addAndGet(1_000_000_000L);
        assertEquals(5, IntStream.range(0, 50).filter(i -> bucket.tryTake()).count(), "one second later");
        now.addAndGet(199_000_000L);
        assertEquals(0, IntStream.range(0, 5).filter(i -> bucket.tryTake()).count(), "not quite 1/5 s later");
        now.addAndGet(1_000_000L);
        assertEquals(1, IntStream.range(0, 5).filter(i -> bucket.tryTake()).count(), "1/5 s later");
        now.addAndGet(3_600_000_000_000L);
        assertEquals(10, IntStream.range(0, 50).filter(i -> bucket.tryTake()).count(), "never more than the burst");
    }
}
