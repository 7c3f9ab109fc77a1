package dev.duplex.game.control;

import dev.duplex.platform.DaemonThreads;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The game's {@link GameBus} on the cluster's Hazelcast ({@link dev.duplex.platform.DataGrid}):
 * the {@code IMap}s {@code duplex-game-rooms} (room → owner's member UUID),
 * {@code duplex-game-checkpoints} (room → {@link dev.duplex.game.entity.GameCheckpoint} bytes) and
 * {@code duplex-game-tokens} (token hex → room), {@code duplex-game-vacancies} (member UUID → the
 * free slots of its fullest matchmade room with one; removed at {@link #close}, and by the survivors
 * when the member leaves), and one {@code ITopic} per instance,
 * {@code duplex-game-relay-<member UUID>}, its mailbox. A claim is a {@code putIfAbsent}, or a
 * conditional {@code replace} of an entry whose owner is no longer a member. Relay messages go out
 * in batches ({@link RelayBatcher}: what piles up for one mailbox while its last batch is being
 * published goes out as one {@code ITopic} message), published by this bus's one thread
 * {@code duplex-game-relay}; the mailbox's listener unpacks each batch and hands its messages to the
 * game in order. On {@link #close} the relay thread publishes what was sent before and stops (a few
 * seconds at most), the mailbox's listener and the membership listener are removed and the mailbox
 * destroyed, this instance's vacancy entry removed; the lease is closed last.
 */
public final class HazelcastGameBus implements GameBus {

    static final String ROOMS = "duplex-game-rooms";
    static final String CHECKPOINTS = "duplex-game-checkpoints";
    static final String TOKENS = "duplex-game-tokens";
    static final String MAILBOX = "duplex-game-relay-";
    static final String VACANCIES = "duplex-game-vacancies";

    private static final System.Logger LOG = System.getLogger(HazelcastGameBus.class.getName());
    /** How long {@link #close} waits for the relay thread to publish what was sent before. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final HazelcastInstance hazelcast;
    private final AutoCloseable lease;
    private final String self;
    private final IMap<String, String> rooms;
    private final IMap<String, byte[]> checkpoints;
    private final IMap<String, String> tokens;
    /** Member UUID → the free slots of its fullest matchmade room with one (no entry: none). */
    private final IMap<String, Integer> vacancies;
    private final ITopic<byte[]> mailbox;
    /** Publishes the relay's batches; shut down by {@link #close}. */
    private final ExecutorService relayThread = Executors.newSingleThreadExecutor(DaemonThreads.named("duplex-game-relay"));
    private final RelayBatcher batcher;
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
        this.vacancies = hazelcast.getMap(VACANCIES);
        this.mailbox = hazelcast.getTopic(MAILBOX + self);
        this.batcher = new RelayBatcher(relayThread, (member, batch) -> hazelcast.<byte[]>getTopic(MAILBOX + member)
                .publishAsync(batch).whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.WARNING, "Game relay batch to {0} failed: {1}", member, failure.toString());
                    }
                }));
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
                unpack(message.getMessageObject(), listener);
            }
        });
        membershipListener = GridMembership.watch(hazelcast, "Game", () -> !closed, member -> {
            batcher.forget(member);
            vacancies.removeAsync(member);
            listener.memberLeft(member);
        });
    }

    /** Hands a batch's messages to the listener in order; a broken batch is logged and dropped from the bad point on. */
    static void unpack(byte[] batch, Listener listener) {
        try {
            RelayBatcher.unpack(batch, message -> {
                try {
                    listener.relay(message);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "Game relay message failed", e);
                }
            });
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Game relay batch dropped: {0}", e.getMessage());
        }
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
        batcher.offer(member, message);
    }

    /** Ignored once the bus is closed, so that a publish racing the undeploy leaves no entry behind. */
    @Override
    public synchronized void vacancy(int freeSlots) {
        if (closed) {
            return;
        }
        if (freeSlots > 0) {
            vacancies.set(self, freeSlots);
        } else {
            vacancies.delete(self);
        }
    }

    @Override
    public Map<String, Integer> vacancies() {
        return new java.util.HashMap<>(vacancies);
    }

    @Override
    public boolean live(String member) {
        return alive().contains(member);
    }

    @Override
    public long relayBatches() {
        return batcher.batches();
    }

    @Override
    public long relayMessages() {
        return batcher.messages();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        relayThread.shutdown();
        try {
            if (!relayThread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "Game relay: batches still unpublished after {0} s; dropped", CLOSE_WAIT_SECONDS);
                relayThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            relayThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        GridMembership.unwatch(hazelcast, membershipListener, "game");
        try {
            vacancies.delete(self);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not remove this instance''s game vacancy from the grid: {0}", e.toString());
        }
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
