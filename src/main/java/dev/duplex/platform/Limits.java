package dev.duplex.platform;

import java.time.Duration;

/**
 * The limits every endpoint shares (the README's "Security and limits" table lists their keys and
 * defaults). A value of 0 switches a limit off.
 *
 * @param maxSessions            open sessions over all endpoints; more are closed with 1013
 * @param maxSessionsPerAddress  open sessions from one client address; more are closed with 1013
 * @param messageRate            messages per second one session may send, sustained; more close it with 1008
 * @param messageBurst           messages one session may send at once
 * @param maxQueuedBytes         bytes waiting to be sent to one session behind the message being
 *                               sent; a session that lets more pile up is closed with 1008
 * @param idleTimeout            a session that sends no message for this long is closed with 1001
 * @param pingInterval           a session silent for this long is pinged
 * @param pongTimeout            a pinged session that does not answer within this is closed with 1001
 * @param closeTimeout           after the server closes a session, how long the peer has to answer
 *                               the close frame before the connection is dropped
 */
public record Limits(int maxSessions, int maxSessionsPerAddress, double messageRate, double messageBurst,
        long maxQueuedBytes, Duration idleTimeout, Duration pingInterval, Duration pongTimeout, Duration closeTimeout) {

    /** No limits at all, for tests of other behaviour. */
    public static Limits none() {
        return new Limits(0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
