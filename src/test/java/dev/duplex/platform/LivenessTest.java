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
    void theServersOwnLagInReadingPongsExtendsThePongTimeout() {
        long pinged = 30 * S;
        assertEquals(NONE, liveness.decide(40 * S, 0, 0, pinged, 25 * S), "others' pongs took 25 s to be read");
        assertEquals(NONE, liveness.decide(64 * S, 0, 0, pinged, 25 * S));
        assertEquals(CLOSE_UNRESPONSIVE, liveness.decide(65 * S, 0, 0, pinged, 25 * S));
        assertEquals(CLOSE_UNRESPONSIVE, liveness.decide(40 * S, 0, 0, pinged, 0));
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
