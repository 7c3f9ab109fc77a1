package dev.duplex.chat.control;

import dev.duplex.platform.Outbox;
import dev.duplex.platform.TokenBucket;

import java.util.ArrayList;
import java.util.List;

/**
 * One chat session on this instance: its outbox, its rate limit and patience, and where it is in
 * its life (not in a room, joining, in a room). Commands arrive one at a time on the session's
 * thread; deliveries arrive on the bus's threads, so the state is guarded by this object.
 *
 * <p>While a join is under way the session receives the room's live traffic into a buffer; once
 * the welcome (with the history up to {@code lastId}) is sent, buffered messages with a higher id
 * follow it and the rest are dropped, so the session sees every message exactly once.
 */
public final class ChatMember {

    enum State { OUTSIDE, JOINING, JOINED, CLOSED }

    private record Pending(long id, String json) {
    }

    /** The room a session was in and the nickname it held there. */
    record Membership(String room, Holder holder) {
    }

    private final String id;
    private static final String PRESENCE = "presence";
    /** Messages waiting for a member from which on an unsent presence notice is replaced by a newer one. */
    static final int COALESCE_BACKLOG = 16;

    private final Outbox outbox;
    private final Peer peer;
    private final TokenBucket rate;
    private final TokenBucket patience;
    private final java.util.function.LongSupplier clock;

    private volatile boolean closing;
    private volatile boolean expelled;
    private State state = State.OUTSIDE;
    private Holder holder;
    private String room;
    private long lastId;
    private List<Pending> pending;

    ChatMember(Peer peer, ChatLimits limits, java.util.function.LongSupplier nanoClock,
            java.util.concurrent.Executor sender) {
        this.id = peer.id();
        this.peer = peer;
        this.outbox = peer.outbox(limits.maxBacklog(), sender);
        this.clock = nanoClock;
        this.rate = new TokenBucket(limits.ratePerSecond(), limits.rateBurst(), nanoClock.getAsLong());
        this.patience = new TokenBucket(limits.maxViolations() / 60.0, limits.maxViolations(), nanoClock.getAsLong());
    }

    public String id() {
        return id;
    }

    boolean admit() {
        return rate.tryTake(clock.getAsLong());
    }

    /** Counts a violation; false when the session has run out of patience. */
    boolean forgive() {
        return patience.tryTake(clock.getAsLong());
    }

    synchronized State state() {
        return state;
    }

    synchronized Holder holder() {
        return holder;
    }

    synchronized String room() {
        return room;
    }

    synchronized boolean beginJoin(String room, Holder holder) {
        if (state != State.OUTSIDE) {
            return false;
        }
        this.state = State.JOINING;
        this.room = room;
        this.holder = holder;
        this.pending = new ArrayList<>();
        return true;
    }

    /** Sends the welcome, then what arrived meanwhile that is newer than the history. */
    synchronized void completeJoin(String welcome, long lastId) {
        if (state != State.JOINING) {
            return;
        }
        offer(welcome);
        this.lastId = lastId;
        for (Pending p : pending) {
            if (p.id() < 0) {
                offer(p.json());
            } else if (p.id() > this.lastId) {
                this.lastId = p.id();
                offer(p.json());
            }
        }
        pending = null;
        state = State.JOINED;
    }

    /** Leaves the room (or abandons a join); returns what to release, or null when not in a room. */
    synchronized Membership leave() {
        if (state != State.JOINING && state != State.JOINED) {
            return null;
        }
        Membership left = new Membership(room, holder);
        state = State.OUTSIDE;
        holder = null;
        room = null;
        pending = null;
        return left;
    }

    /** The session is gone; returns what to release, or null. */
    synchronized Membership closed() {
        Membership left = leave();
        state = State.CLOSED;
        outbox.close();
        return left;
    }

    /** A message of the room, in id order. */
    synchronized void deliver(long messageId, String json) {
        if (state == State.JOINING) {
            pending.add(new Pending(messageId, json));
        } else if (state == State.JOINED && messageId > lastId) {
            lastId = messageId;
            offer(json);
        }
    }

    /** A presence change in the room. */
    synchronized void deliverPresence(String json) {
        if (state == State.JOINING) {
            pending.add(new Pending(-1, json));
        } else if (state == State.JOINED) {
            // A member that has fallen behind (a join storm) gets the newest member list in place
            // of an older one still waiting, instead of every intermediate list (which grows with
            // the square of the room's size). A member that keeps up gets every notice: each
            // carries its event (who joined or left), which the list alone does not say.
            outbox.offer(json, json.length(), outbox.queuedMessages() >= COALESCE_BACKLOG ? PRESENCE : null);
        }
    }

    /** Sends a reply to this session alone (errors, acknowledgements). */
    void send(String json) {
        offer(json);
    }

    /** Queues {@code json}, counted by its length in chars (its UTF-8 size for ASCII, the usual case). */
    private void offer(String json) {
        outbox.offer(json, json.length());
    }

    /**
     * Closes the session once what waits for it (such as the errors that explain the close) is
     * sent; what it sends from now on is ignored.
     */
    void close(int code, String reason) {
        closing = true;
        if (code == ChatRooms.POLICY_VIOLATION || code == ChatRooms.UNSUPPORTED_DATA) {
            expelled = true;
        }
        outbox.closeAfterSending(() -> peer.close(code, reason));
    }

    /**
     * Whether the server closed this session for what it did (1008: too many refused messages, a
     * slow consumer; 1003: binary data): such a member departs at once, without a rejoin grace.
     */
    boolean expelled() {
        return expelled;
    }

    /**
     * The session ended with {@code code}: a close the server made for what the session did (a
     * protocol error, unsupported or invalid data, a policy such as a slow consumer, a message too
     * big, the memory budget) marks the member {@link #expelled}.
     */
    void closedWith(int code) {
        if (code == 1002 || code == ChatRooms.UNSUPPORTED_DATA || code == 1007 || code == ChatRooms.POLICY_VIOLATION || code == 1009
                || code == 1013) {
            expelled = true;
        }
    }

    /** Whether the server closed (or is closing) this session. */
    boolean isClosing() {
        return closing;
    }

    int backlog() {
        return outbox.queuedMessages();
    }
}
