package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void burstIsAllowedThenTheRateRefills() {
        TokenBucket bucket = new TokenBucket(10, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(bucket.tryTake(0), "burst token " + i);
        }
        assertFalse(bucket.tryTake(0), "burst used up");
        assertFalse(bucket.tryTake(SECOND / 20), "half a token after 50 ms");
        assertTrue(bucket.tryTake(SECOND / 10), "one token after 100 ms");
        assertFalse(bucket.tryTake(SECOND / 10));
    }

    @Test
    void refillNeverExceedsTheBurst() {
        TokenBucket bucket = new TokenBucket(1000, 3, 0);
        long later = 60 * SECOND;
        assertTrue(bucket.tryTake(later));
        assertTrue(bucket.tryTake(later));
        assertTrue(bucket.tryTake(later));
        assertFalse(bucket.tryTake(later));
    }

    @Test
    void zeroRateMeansUnlimited() {
        TokenBucket bucket = new TokenBucket(0, 0, 0);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(bucket.tryTake(0));
        }
    }
}
