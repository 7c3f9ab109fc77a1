package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PongLagTest {

    private static final long S = 1_000_000_000L;

    @Test
    void theLongestRecentRoundTripIsTheAllowanceUpToTheCap() {
        PongLag lag = new PongLag(30 * S, 60 * S);
        assertEquals(0, lag.allowance(1 * S));
        lag.observed(2 * S, 1 * S);
        lag.observed(25 * S, 5 * S);
        lag.observed(3 * S, 6 * S);
        assertEquals(25 * S, lag.allowance(7 * S));
        lag.observed(200 * S, 8 * S);
        assertEquals(60 * S, lag.allowance(8 * S), "capped");
    }

    @Test
    void anObservationCountsForOneToTwoWindowsThenTheLagFollowsTheServerDown() {
        PongLag lag = new PongLag(30 * S, 60 * S);
        lag.observed(20 * S, 10 * S);
        assertEquals(20 * S, lag.allowance(35 * S), "the previous window still counts");
        lag.observed(1 * S, 40 * S);
        assertEquals(20 * S, lag.allowance(59 * S));
        assertEquals(1 * S, lag.allowance(61 * S), "the 20 s lag is two windows old");
        assertEquals(0, lag.allowance(200 * S), "nothing observed lately");
    }
}
