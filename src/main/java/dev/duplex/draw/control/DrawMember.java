package dev.duplex.draw.control;

import dev.duplex.platform.TokenBucket;

/**
 * One {@code /draw} connection: its peer, the board it joined (none before its JOIN), its id there,
 * its sample rate and its count of protocol violations. Used under its board's lock or by the
 * session's own thread (the engine delivers one session's messages one at a time).
 */
public final class DrawMember {

    final DrawPeer peer;
    final TokenBucket samples;
    /** The board it is on when this instance owns it; null before the join and on another instance's board. */
    volatile Board board;
    /** This instance's copy of the board another instance owns, when it is on one (or joining one). */
    volatile BoardReplica replica;
    /** A proxy's instance (its connection is there); null for a connection of this instance. */
    final String instance;
    /** A connection's number on its instance (the grid's messages name members by it). */
    final long key;
    volatile int id;
    String name;
    /** The begin of the stroke in progress was refused (limits, a clear): its samples are dropped quietly. */
    boolean strokeRefused;
    /** The last sample was refused for the rate: one error per run of refusals, not one per message. */
    boolean rateRefused;
    int violations;

    DrawMember(DrawPeer peer, DrawLimits limits, long now) {
        this(peer, limits, now, null, 0);
    }

    DrawMember(DrawPeer peer, DrawLimits limits, long now, String instance, long key) {
        this.peer = peer;
        this.samples = new TokenBucket(limits.samplesPerSecond(), limits.samplesBurst(), now);
        this.instance = instance;
        this.key = key;
    }

    public DrawPeer peer() {
        return peer;
    }

    /** The member's id on its board; 0 before it joined. */
    public int id() {
        return id;
    }
}
