package dev.duplex.game.control;

import dev.duplex.platform.GridMembership;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The game's {@link GameBus} on the cluster's Hazelcast ({@link dev.duplex.platform.DataGrid}):
 * the {@code IMap}s {@code duplex-game-rooms} (room → owner's member UUID),
 * {@code duplex-game-checkpoints} (room → {@link dev.duplex.game.entity.GameCheckpoint} bytes) and
 * {@code duplex-game-tokens} (token hex → room), and one {@code ITopic} per instance,
 * {@code duplex-game-relay-<member UUID>}, its mailbox. A claim is a {@code putIfAbsent}, or a
 * conditional {@code replace} of an entry whose owner is no longer a member. On {@link #close} the
 * mailbox's listener and the membership listener are removed and the mailbox destroyed; the
 * lease is closed last.
 */
public final class HazelcastGameBus implements GameBus {

    static final String ROOMS = "duplex-game-rooms";
    static final String CHECKPOINTS = "duplex-game-checkpoints";
    static final String TOKENS = "duplex-game-tokens";
    static final String MAILBOX = "duplex-game-relay-";

    private static final System.Logger LOG = System.getLogger(HazelcastGameBus.class.getName());

    private final HazelcastInstance hazelcast;
    private final AutoCloseable lease;
    private final String self;
    private final IMap<String, String> rooms;
    private final IMap<String, byte[]> checkpoints;
    private final IMap<String, String> tokens;
    private final ITopic<byte[]> mailbox;
    private UUID mailboxListener;
    private UUID membershipListener;
    private volatile boolean closed;

    public HazelcastGameBus(HazelcastInstance hazelcast, AutoCloseable lease) {
        this.hazelcast = hazelcast;
        this.lease = lease;
        this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
        this.rooms = hazelcast.getMap(ROOMS);
        this.checkpoints = hazelcast.getMap(CHECKPOINTS);
        this.tokens = hazelcast.getMap(TOKENS);
        this.mailbox = hazelcast.getTopic(MAILBOX + self);
    }

    @Override
    public String mode() {
        return "hazelcast";
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public int instances() {
        return hazelcast.getCluster().getMembers().size();
    }

    @Override
    public synchronized void listen(Listener listener) {
        mailboxListener = mailbox.addMessageListener(message -> {
            if (!closed) {
                listener.relay(message.getMessageObject());
            }
        });
        membershipListener = GridMembership.watch(hazelcast, "Game", () -> !closed, listener::memberLeft);
    }

    private Set<String> alive() {
        return hazelcast.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).collect(Collectors.toSet());
    }

    @Override
    public String claim(String room) {
        for (int attempt = 0; attempt < 5; attempt++) {
            String holder = rooms.putIfAbsent(room, self);
            if (holder == null || holder.equals(self)) {
                return self;
            }
            if (alive().contains(holder)) {
                return holder;
            }
            if (rooms.replace(room, holder, self)) {
                LOG.log(Level.INFO, "This instance takes game room {0} over from departed instance {1}", room, holder);
                return self;
            }
        }
        throw new IllegalStateException("game room " + room + " changed owner five times during one claim");
    }

    @Override
    public List<String> orphans() {
        Set<String> alive = alive();
        List<String> orphans = new ArrayList<>();
        Set<String> held = new java.util.HashSet<>();
        for (Map.Entry<String, String> entry : rooms.entrySet()) {
            held.add(entry.getKey());
            if (!alive.contains(entry.getValue())) {
                orphans.add(entry.getKey());
            }
        }
        for (String room : checkpoints.keySet()) {
            if (!held.contains(room)) {
                orphans.add(room);
            }
        }
        return orphans;
    }

    @Override
    public void save(String room, byte[] checkpoint) {
        checkpoints.set(room, checkpoint);
    }

    @Override
    public Optional<byte[]> checkpoint(String room) {
        return Optional.ofNullable(checkpoints.get(room));
    }

    @Override
    public void closed(String room) {
        checkpoints.delete(room);
        rooms.remove(room, self);
    }

    @Override
    public void handOver(String room) {
        rooms.remove(room, self);
    }

    @Override
    public void token(byte[] token, String room) {
        tokens.setAsync(HexFormat.of().formatHex(token), room);
    }

    @Override
    public void forget(byte[] token) {
        tokens.removeAsync(HexFormat.of().formatHex(token));
    }

    @Override
    public Optional<String> roomOf(byte[] token) {
        return Optional.ofNullable(tokens.get(HexFormat.of().formatHex(token)));
    }

    @Override
    public void send(String member, byte[] message) {
        hazelcast.<byte[]>getTopic(MAILBOX + member).publishAsync(message);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        GridMembership.unwatch(hazelcast, membershipListener, "game");
        try {
            if (mailboxListener != null) {
                mailbox.removeMessageListener(mailboxListener);
            }
            mailbox.destroy();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not remove the game''s listeners from the grid: {0}", e.toString());
        }
        GridMembership.giveBack(lease, "game's");
    }
}
