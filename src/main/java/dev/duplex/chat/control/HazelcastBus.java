package dev.duplex.chat.control;

import dev.duplex.platform.GridMembership;
import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.DataGrid;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.topic.ITopic;
import dev.duplex.chat.entity.ChatMessage;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The bus of a cluster of instances, on Payara Micro's embedded Hazelcast (JNDI
 * {@code payara/Hazelcast}). Per room:
 * <ul>
 * <li>a {@code Ringbuffer} {@code duplex-chat-log-<room>} is the room's log: appending gives the
 * message its sequence, and id = sequence + 1, the same on every instance; the last items are the
 * history; and every instance with members in the room tails it with {@code readManyAsync}, so
 * each instance sees every message exactly once and in the same order (a total order per room, of
 * which per-sender order is a part);</li>
 * <li>an {@code IMap} {@code duplex-chat-members-<room>} maps nickname keys to {@link Holder}s;
 * {@code putIfAbsent} makes nicknames unique cluster-wide.</li>
 * </ul>
 * Presence notices go through the {@code ITopic} {@code duplex-chat-presence}. When an instance
 * leaves the cluster (it died or was stopped), every survivor removes the roster entries held by
 * instances that are no longer members, each with a conditional remove so that exactly one of
 * them announces each "left"; the same sweep runs at start-up.
 *
 * <p>Empty rooms are freed: when a release leaves a room's roster empty the time is noted in the
 * {@code IMap} {@code duplex-chat-emptied} (room → epoch milliseconds). Each instance's
 * {@link #discardEmptyRooms} looks at the notes it owns (its partitions, so exactly one instance
 * handles each note, and a dead instance's notes move to the survivors); under the note's lock it
 * checks again that the roster is still empty and destroys the room's {@code Ringbuffer} and roster
 * {@code IMap}. A claim takes the same lock and removes the note, so a room someone joins on any
 * instance is kept.
 *
 * <p>The ring buffers hold {@code max(historySize, 1024)} items so that a reader that is briefly
 * late loses nothing; a reader that falls further behind tells its feed how much it lost.
 */
public final class HazelcastBus extends RosterBus {

    static final String LOG_PREFIX = "duplex-chat-log-";
    static final String MEMBERS_PREFIX = "duplex-chat-members-";
    static final String PRESENCE_TOPIC = "duplex-chat-presence";
    static final String EMPTIED_MAP = "duplex-chat-emptied";
    static final int MIN_LOG_CAPACITY = 1024;
    private static final int READ_BATCH = 100;
    private static final System.Logger LOG = System.getLogger(HazelcastBus.class.getName());

    private final HazelcastInstance hazelcast;
    private final AutoCloseable lease;
    private final String instance;
    private final ExecutorService fanout;
    private final ExecutorService events;
    private final LongSupplier clock;
    private final ITopic<String> topic;
    private final IMap<String, Long> emptiedAt;
    private final UUID topicListener;
    private final UUID membershipListener;
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A bus on a running Hazelcast instance. */
    public static ChatBus on(HazelcastInstance hazelcast, int historySize, Consumer<PresenceNotice> presence,
            LongSupplier clock) {
        return new HazelcastBus(hazelcast, historySize, presence, clock, () -> {
        });
    }

    /**
     * A bus on a running Hazelcast instance that {@code lease} lends ({@link DataGrid#lease}); the
     * lease is closed at the end of {@link #close}, after the bus removed its listeners.
     */
    public static ChatBus on(HazelcastInstance hazelcast, int historySize, Consumer<PresenceNotice> presence,
            LongSupplier clock, AutoCloseable lease) {
        return new HazelcastBus(hazelcast, historySize, presence, clock, lease);
    }

    private HazelcastBus(HazelcastInstance hazelcast, int historySize, Consumer<PresenceNotice> presence, LongSupplier clock,
            AutoCloseable lease) {
        super(room -> roster(hazelcast, room));
        this.hazelcast = hazelcast;
        this.lease = lease;
        this.instance = hazelcast.getCluster().getLocalMember().getUuid().toString();
        // Deliveries: any thread will do, each room's reader is sequential. Presence notices and
        // sweeps: one thread, which keeps them in the order the topic delivers them.
        this.fanout = Executors.newFixedThreadPool(2, DaemonThreads.named("duplex-chat-fanout"));
        this.events = Executors.newSingleThreadExecutor(DaemonThreads.named("duplex-chat-events"));
        this.clock = clock;
        this.emptiedAt = hazelcast.getMap(EMPTIED_MAP);
        configureLogs(Math.max(historySize, MIN_LOG_CAPACITY));
        this.topic = hazelcast.getTopic(PRESENCE_TOPIC);
        this.topicListener = topic.addMessageListener(m -> {
            String json = m.getMessageObject();
            onEvents(() -> presence.accept(GridCodec.notice(json)));
        });
        this.membershipListener = GridMembership.watch(hazelcast, "Chat", () -> !closed, departed -> onEvents(this::sweep));
        onEvents(this::sweep);
    }

    /** Runs a delivery task, unless the bus is closed (a read parked before the close may still complete). */
    private void onFanout(Runnable task) {
        if (!closed) {
            try {
                fanout.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.DEBUG, "The chat bus is closing: a delivery is dropped");
            }
        }
    }

    /** Runs on the events thread, one task at a time; a failing task is logged, the next one runs. */
    private void onEvents(Runnable task) {
        if (closed) {
            return;
        }
        try {
            events.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "A chat presence event failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "The chat bus is closing: a presence event is dropped");
        }
    }

    private void configureLogs(int capacity) {
        try {
            hazelcast.getConfig().addRingBufferConfig(new RingbufferConfig(LOG_PREFIX + "*").setCapacity(capacity));
        } catch (RuntimeException e) {
            // Another instance configured it differently first: its capacity applies cluster-wide.
            LOG.log(Level.WARNING, "Chat history ring buffers keep the cluster''s existing configuration: {0}", e.toString());
        }
    }

    @Override
    public String mode() {
        return "hazelcast";
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public int instances() {
        return hazelcast.getCluster().getMembers().size();
    }

    @Override
    public ChatMessage append(String room, String from, String text) {
        long ts = clock.getAsLong();
        long sequence = DataGrid.await(log(room).addAsync(GridCodec.logItem(from, text, ts), OverflowPolicy.OVERWRITE), DataGrid.TIMEOUT_SECONDS);
        return new ChatMessage(sequence + 1, room, from, text, ts);
    }

    @Override
    public History history(String room, OptionalLong since, int limit) {
        Ringbuffer<String> log = log(room);
        long lastId = log.tailSequence() + 1;
        long oldestId = log.headSequence() + 1;
        History.Window window = History.Window.of(oldestId, lastId, since, limit);
        int count = (int) window.count();
        if (count == 0) {
            return new History(List.of(), lastId, window.truncated());
        }
        ReadResultSet<String> items = DataGrid.await(log.readManyAsync(window.fromId() - 1, count, count, null), DataGrid.TIMEOUT_SECONDS);
        List<ChatMessage> messages = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            messages.add(GridCodec.message(room, items.getSequence(i) + 1, items.get(i)));
        }
        // The log moved on between the two reads so far that the oldest wanted items are gone.
        boolean overwritten = !messages.isEmpty() && messages.get(0).id() > window.fromId();
        return new History(messages, lastId, window.truncated() || (overwritten && since.isPresent()));
    }

    @Override
    public void follow(String room, RoomFeed feed) {
        Reader reader = new Reader(room, log(room), feed);
        Reader previous = readers.put(room, reader);
        if (previous != null) {
            previous.stopped = true;
        }
        reader.start();
    }

    @Override
    public void unfollow(String room) {
        Reader reader = readers.remove(room);
        if (reader != null) {
            reader.stopped = true;
        }
    }

    @Override
    public int discardEmptyRooms(long graceMillis) {
        if (closed) {
            return 0;
        }
        long now = clock.getAsLong();
        int discarded = 0;
        for (String room : emptiedAt.localKeySet()) {
            Long since = emptiedAt.get(room);
            if (since == null || now - since < graceMillis || !emptiedAt.tryLock(room)) {
                continue;
            }
            try {
                since = emptiedAt.get(room);
                if (since == null || now - since < graceMillis) {
                    continue;
                }
                emptiedAt.delete(room);
                if (rosterEmpty(room)) {
                    log(room).destroy();
                    roster(hazelcast, room).destroy();
                    discarded++;
                }
            } finally {
                emptiedAt.unlock(room);
            }
        }
        if (discarded > 0) {
            LOG.log(Level.DEBUG, "Discarded {0} empty chat rooms", discarded);
        }
        return discarded;
    }

    @Override
    public int keptRooms() {
        Set<String> kept = new java.util.HashSet<>();
        for (DistributedObject object : hazelcast.getDistributedObjects()) {
            String name = object.getName();
            if (object instanceof Ringbuffer<?> && name.startsWith(LOG_PREFIX)) {
                kept.add(name.substring(LOG_PREFIX.length()));
            } else if (object instanceof IMap<?, ?> && name.startsWith(MEMBERS_PREFIX)) {
                kept.add(name.substring(MEMBERS_PREFIX.length()));
            }
        }
        return kept.size();
    }

    @Override
    <T> T exclusive(String room, java.util.function.Supplier<T> action) {
        emptiedAt.lock(room);
        try {
            return action.get();
        } finally {
            emptiedAt.unlock(room);
        }
    }

    @Override
    void occupied(String room) {
        emptiedAt.delete(room);
    }

    @Override
    void emptied(String room) {
        emptiedAt.set(room, clock.getAsLong());
    }

    @Override
    public void announce(PresenceNotice notice) {
        topic.publishAsync(GridCodec.notice(notice));
    }

    /**
     * Removes the roster entries of instances that are no longer in the cluster and announces each
     * as "left". Every instance runs it; the conditional remove lets exactly one announce each entry.
     */
    void sweep() {
        if (closed) {
            return;
        }
        try {
            Set<String> alive = hazelcast.getCluster().getMembers().stream()
                    .map(Member::getUuid).map(UUID::toString).collect(Collectors.toSet());
            for (DistributedObject object : hazelcast.getDistributedObjects()) {
                if (object instanceof IMap<?, ?> && object.getName().startsWith(MEMBERS_PREFIX)) {
                    String room = object.getName().substring(MEMBERS_PREFIX.length());
                    IMap<String, String> map = roster(hazelcast, room);
                    boolean removed = false;
                    for (Map.Entry<String, String> entry : map.entrySet()) {
                        Holder holder = Holder.decode(entry.getValue());
                        if (!alive.contains(holder.instance()) && map.remove(entry.getKey(), entry.getValue())) {
                            removed = true;
                            LOG.log(Level.INFO, "{0} left room {1}: its server instance is gone", holder.nick(), room);
                            announce(new PresenceNotice(PresenceNotice.Kind.LEFT, room, holder));
                        }
                    }
                    if (removed && map.isEmpty()) {
                        emptied(room);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not sweep the chat rosters of departed instances", e);
        }
    }

    /**
     * Removes this bus's listeners from the grid (which may be the server's, shared with the next
     * deployment), stops its readers and threads, then closes its lease. Each step runs whatever
     * the one before it did: on Payara the application's class loader may already refuse new
     * classes when CDI destroys the beans, so the listeners go first and this path starts no
     * lambda it has not run before.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            topic.removeMessageListener(topicListener);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not remove the chat presence listener: {0}", e.toString());
        }
        GridMembership.unwatch(hazelcast, membershipListener, "chat");
        for (Reader reader : readers.values()) {
            reader.stopped = true;
        }
        readers.clear();
        fanout.shutdownNow();
        events.shutdownNow();
        GridMembership.giveBack(lease, "chat's");
    }

    private Ringbuffer<String> log(String room) {
        return hazelcast.getRingbuffer(LOG_PREFIX + room);
    }

    private static IMap<String, String> roster(HazelcastInstance hazelcast, String room) {
        return hazelcast.getMap(MEMBERS_PREFIX + room);
    }

    /**
     * Tails one room's log on this instance: a long-polling {@code readManyAsync} at a time, each
     * batch delivered in sequence order before the next read starts.
     */
    private final class Reader {
        private final String room;
        private final Ringbuffer<String> log;
        private final RoomFeed feed;
        private volatile boolean stopped;
        private long next;

        Reader(String room, Ringbuffer<String> log, RoomFeed feed) {
            this.room = room;
            this.log = log;
            this.feed = feed;
        }

        void start() {
            next = log.tailSequence() + 1;
            read();
        }

        private void read() {
            if (stopped || closed) {
                return;
            }
            log.readManyAsync(next, 1, READ_BATCH, null).whenCompleteAsync(this::received, HazelcastBus.this::onFanout);
        }

        private void received(ReadResultSet<String> items, Throwable failure) {
            if (stopped || closed) {
                return;
            }
            if (failure != null) {
                if (!hazelcast.getLifecycleService().isRunning()) {
                    return;
                }
                LOG.log(Level.WARNING, "Reading the log of chat room " + room + " failed; retrying in 1 s", failure);
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, HazelcastBus.this::onFanout).execute(this::read);
                return;
            }
            if (items.size() > 0 && items.getSequence(0) > next) {
                long lost = items.getSequence(0) - next;
                LOG.log(Level.WARNING, "This instance fell {0} messages behind in chat room {1}", lost, room);
                feed.fellBehind(lost);
            }
            for (int i = 0; i < items.size() && !stopped; i++) {
                try {
                    feed.deliver(GridCodec.message(room, items.getSequence(i) + 1, items.get(i)));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Could not deliver a message of chat room " + room, e);
                }
            }
            next = items.getNextSequenceToReadFrom();
            read();
        }
    }
}
