package dev.duplex.platform;

import static dev.duplex.platform.Liveness.Action.CLOSE_IDLE;
import static dev.duplex.platform.Liveness.Action.CLOSE_UNRESPONSIVE;
import static dev.duplex.platform.Liveness.Action.NONE;
import static dev.duplex.platform.Liveness.Action.PING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private static final long S = 1_000_000_000L;

    private final Liveness liveness = new Liveness(new Limits(0, 0, 0, 0, 0,
            Duration.ofSeconds(300), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5)));

    @Test
    void aSessionSilentForThePingIntervalIsPinged() {
        assertEquals(NONE, liveness.decide(29 * S, 0, 0, 0));
        assertEquals(PING, liveness.decide(30 * S, 0, 0, 0));
        assertEquals(NONE, liveness.decide(40 * S, 0, 20 * S, 0), "heard from 20 s ago");
    }

    @Test
    void anUnansweredPingClosesTheSessionAfterThePongTimeout() {
        long pinged = 30 * S;
        assertEquals(NONE, liveness.decide(39 * S, 0, 0, pinged), "still waiting for the pong");
        assertEquals(CLOSE_UNRESPONSIVE, liveness.decide(40 * S, 0, 0, pinged));
    }

    @Test
    void whileTheServerMayBeBehindInReadingPongsAPingedSessionGetsFourMorePongTimeouts() {
        long pinged = 30 * S;
        assertEquals(CLOSE_UNRESPONSIVE, liveness.decide(40 * S, 0, 0, pinged, false));
        assertEquals(NONE, liveness.decide(40 * S, 0, 0, pinged, true), "the server may hold the pong in its own queue");
        assertEquals(NONE, liveness.decide(79 * S, 0, 0, pinged, true));
        assertEquals(CLOSE_UNRESPONSIVE, liveness.decide(80 * S, 0, 0, pinged, true), "5 pong timeouts at most");
    }

    @Test
    void theServerMayBeBehindOnlyWhenManyPongsAreLateAndNoneToALaterPingWasRead() {
        long pinged = 30 * S;
        long timeout = 10 * S;
        assertEquals(true, Liveness.serverBehind(Liveness.MASS_UNANSWERED, 0, pinged, timeout), "no pong read since start");
        assertEquals(true, Liveness.serverBehind(500, 39 * S, pinged, timeout), "pongs read so far answered earlier pings");
        assertEquals(false, Liveness.serverBehind(500, 40 * S, pinged, timeout), "read a pong to a ping sent 10 s later");
        assertEquals(false, Liveness.serverBehind(Liveness.MASS_UNANSWERED - 1, 0, pinged, timeout), "a few dead clients");
    }

    @Test
    void anAnsweredPingLeadsToTheNextPingOneIntervalLater() {
        long pinged = 30 * S;
        long pong = 31 * S;
        assertEquals(NONE, liveness.decide(45 * S, 0, pong, pinged));
        assertEquals(PING, liveness.decide(61 * S, 0, pong, pinged));
    }

    @Test
    void noMessageForTheIdleTimeoutClosesEvenAnAnsweringSession() {
        assertEquals(CLOSE_IDLE, liveness.decide(300 * S, 0, 299 * S, 0));
        assertEquals(NONE, liveness.decide(300 * S, 1 * S, 299 * S, 0));
    }

    @Test
    void zeroSwitchesTheTimersOff() {
        Liveness off = new Liveness(Limits.none());
        assertEquals(NONE, off.decide(1_000_000 * S, 0, 0, 0));
        Liveness noPongTimeout = new Liveness(new Limits(0, 0, 0, 0, 0, Duration.ZERO, Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO));
        assertEquals(NONE, noPongTimeout.decide(1_000 * S, 0, 0, 30 * S));
    }
}
