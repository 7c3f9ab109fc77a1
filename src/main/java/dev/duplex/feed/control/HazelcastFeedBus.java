package dev.duplex.feed.control;

import dev.duplex.platform.GridMembership;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.DataGrid;
import dev.duplex.platform.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The feed bus of a cluster of instances, on Payara Micro's embedded Hazelcast (JNDI
 * {@code payara/Hazelcast}).
 *
 * <p><b>Order.</b> One {@code Ringbuffer} {@code duplex-feed-log} is the log of every topic: each
 * {@link #publish} call is one item (a batch, encoded by {@link FeedGridCodec}), so its sequence
 * gives one total order over all topics, the same on every instance, of which each topic's order
 * is a part. Every started instance tails the log with {@code readManyAsync} and applies the
 * batches on one thread ({@code duplex-feed-apply}), its own batches included: a publisher sees its
 * changes in the same order as everyone else. {@link #publish} only queues the batch; one sender
 * thread appends the queued batches in order ({@code addAllAsync}, up to 200 at a time, waiting for
 * each append before the next), so the calls of one instance keep their order. The log holds
 * {@value #LOG_CAPACITY} batches (about 40 s of the market simulator at its default rate).
 *
 * <p><b>Late joiners.</b> The holder of the internal role {@value #CHECKPOINT_ROLE} (see below)
 * writes, every second and only when something changed, the {@link FeedState#capture captured}
 * state into the {@code IMap} {@code duplex-feed-checkpoints}: the topics changed since its last
 * write (topic → its items and the log sequence they include), then, under the key
 * {@value #COMPLETE_KEY}, that sequence: every topic's entry is complete through it. The capture
 * runs on the apply thread between two batches, so it is exactly the state after that sequence. A
 * starting instance reads the sequence, then the entries, restores them and tails the log from the
 * batch after the sequence, skipping a topic's batches its entry already includes (an entry of a
 * write still landing). Without a checkpoint, it replays the log from its first batch if the log
 * never overwrote one; if the checkpoint is older than the log's oldest batch, it waits up to
 * {@value #JOIN_WAIT_SECONDS} s for a newer one. An instance that falls so far behind that the log
 * overwrote batches it had not read re-synchronises the same way; when it is the checkpoint writer
 * (whose own checkpoints cannot continue the log) and not alone, it first hands the role to the
 * others, whose new writer writes a full checkpoint within a second, and does not claim it back
 * until it has caught up. Only when no usable checkpoint appears does it go on with what it has,
 * and logs how many batches it lost. {@link #start} returns
 * once this instance has applied the log up to where it ended when it started.
 *
 * <p><b>Roles.</b> The {@code IMap} {@code duplex-feed-leaders} maps each role to the instance (its
 * Hazelcast member UUID) holding it. An instance that wants a role claims it with
 * {@code putIfAbsent}, or with a conditional {@code replace} when the holder is no longer a member
 * of the cluster; only the winner runs {@code start}. Leadership is sticky: a holder keeps its role
 * until it closes ({@code stop} runs, then it removes its entry, and the others claim it at once
 * through an entry listener) or leaves the cluster (the others claim it when the membership
 * listener reports the member removed). A check every second covers lost events. How quickly a
 * killed instance counts as gone is Hazelcast's failure detection: on one host the dead member's
 * closed connections make the survivors suspect it within about a second; across hosts, where a
 * dead peer may just go silent, {@code hazelcast.max.no.heartbeat.seconds} (60 s by default)
 * governs it.
 *
 * <p>In a split brain (a network partition, not a crash) both halves claim the roles; Hazelcast's
 * merge after the partition heals keeps one holder and the other stops at its next check.
 */
public final class HazelcastFeedBus implements FeedBus {

    static final String LOG_NAME = "duplex-feed-log";
    static final String CHECKPOINTS_NAME = "duplex-feed-checkpoints";
    static final String LEADERS_NAME = "duplex-feed-leaders";
    /** The internal role of the instance that writes the checkpoints. */
    static final String CHECKPOINT_ROLE = "duplex-feed-checkpoint";
    /** The checkpoint's key for the sequence through which every topic's entry is complete (no topic name has a '#'). */
    static final String COMPLETE_KEY = "#complete";
    static final int LOG_CAPACITY = 8192;
    static final long JOIN_WAIT_SECONDS = 10;
    private static final long CHECK_INTERVAL_MILLIS = 1000;
    /** readManyAsync reads at most 1000 items. */
    private static final int READ_BATCH = 1000;
    private static final int SEND_BATCH = 200;
    /** Batches waiting for the sender; beyond it (a grid stalled for seconds) new batches are dropped. */
    private static final int MAX_PENDING = 20_000;
    /** How long a grid operation may take: longer than a fail-over, so that a failure is rare. */
    private static final System.Logger LOG = System.getLogger(HazelcastFeedBus.class.getName());
    private static final RateLimitedLog DROPS = new RateLimitedLog(LOG, Level.WARNING,
            TimeUnit.MINUTES.toNanos(1), System::nanoTime);

    private final HazelcastInstance hazelcast;
    private final String instance;
    private final Ringbuffer<byte[]> log;
    private final IMap<String, byte[]> checkpoints;
    private final IMap<String, String> leaders;
    /** Applies the log, captures and restores: everything that touches the state. */
    private final ExecutorService applier;
    /** Leadership checks, role starts and stops, checkpoint writes. */
    private final ScheduledExecutorService control;
    private final BlockingQueue<byte[]> pending = new LinkedBlockingQueue<>(MAX_PENDING);
    private final Thread sender;
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final AutoCloseable lease;
    private final UUID membershipListener;
    private final UUID leadersListener;
    private volatile FeedState state;
    private volatile boolean closed;

    // Written by the apply thread only.
    private volatile long next;
    private long lastApplied = -1;
    private Map<String, Long> floors = Map.of();
    private long maxFloor = -1;
    /** Counts the reads started; a read whose answer comes after a newer one started is ignored. */
    private long generation;
    private CompletableFuture<Void> caughtUp;
    private long catchUpTarget;
    /** Set when the log was lost: the next checkpoint must be written even though nothing was applied. */
    private volatile boolean rewriteCheckpoint;
    /**
     * Set on the apply thread while this instance re-synchronises after it gave up the checkpoint
     * role (it fell behind the log): it neither claims the role back nor writes a checkpoint then.
     */
    private volatile boolean steppedDown;
    /** The topics changed since the last checkpoint write. */
    private final Set<String> dirty = new HashSet<>();

    // Written by the control thread only.
    private volatile long lastCheckpointed = -1;

    /** A bus on a running Hazelcast instance. */
    public static FeedBus on(HazelcastInstance hazelcast) {
        return new HazelcastFeedBus(hazelcast, () -> {
        });
    }

    /**
     * A bus on a running Hazelcast instance that {@code lease} lends ({@link DataGrid#lease}); the
     * lease is closed at the end of {@link #close}, after the bus removed its listeners.
     */
    public static FeedBus on(HazelcastInstance hazelcast, AutoCloseable lease) {
        return new HazelcastFeedBus(hazelcast, lease);
    }

    private HazelcastFeedBus(HazelcastInstance hazelcast, AutoCloseable lease) {
        this.hazelcast = hazelcast;
        this.lease = lease;
        this.instance = hazelcast.getCluster().getLocalMember().getUuid().toString();
        try {
            hazelcast.getConfig().addRingBufferConfig(new RingbufferConfig(LOG_NAME).setCapacity(LOG_CAPACITY));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The feed log keeps the cluster''s existing configuration: {0}", e.toString());
        }
        this.log = hazelcast.getRingbuffer(LOG_NAME);
        this.checkpoints = hazelcast.getMap(CHECKPOINTS_NAME);
        this.leaders = hazelcast.getMap(LEADERS_NAME);
        this.applier = Executors.newSingleThreadExecutor(DaemonThreads.named("duplex-feed-apply"));
        this.control = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-feed-control"));
        this.sender = DaemonThreads.named("duplex-feed-send").newThread(this::send);
        this.membershipListener = GridMembership.watch(hazelcast, "Feed", () -> !closed, departed -> onControl(this::checkRoles));
        this.leadersListener = leaders.addEntryListener(
                (EntryRemovedListener<String, String>) event -> onControl(this::checkRoles), false);
        sender.start();
        control.scheduleWithFixedDelay(() -> {
            checkRoles();
            checkLog();
            writeCheckpoint();
        }, CHECK_INTERVAL_MILLIS, CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
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
    public void start(FeedState state) {
        if (this.state != null) {
            throw new IllegalStateException("The feed bus is already started");
        }
        this.state = state;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        DataGrid.await(CompletableFuture.runAsync(() -> {
            synchronize();
            catchUpTarget = log.tailSequence();
            if (next > catchUpTarget) {
                ready.complete(null);
            } else {
                caughtUp = ready;
            }
            read();
        }, applier), JOIN_WAIT_SECONDS + DataGrid.TIMEOUT_SECONDS);
        // Serve the cluster's state, not a partial one: wait until the log is applied up to where it
        // ended when this instance joined.
        try {
            DataGrid.await(ready, DataGrid.TIMEOUT_SECONDS);
        } catch (IllegalStateException e) {
            LOG.log(Level.WARNING, "The feed is still catching up with the cluster''s log: {0}", e.getMessage());
        }
        lead(CHECKPOINT_ROLE, () -> {
            rewriteCheckpoint = true;
            LOG.log(Level.INFO, "This instance writes the feed checkpoints");
        }, () -> {
        });
    }

    @Override
    public void publish(String topic, List<ItemChange> changes) {
        // An empty batch is a deletion: it goes through the log too, so that every instance
        // deletes the topic at the same point of the order.
        if (closed) {
            LOG.log(Level.DEBUG, "The feed bus is closed: a publication to {0} is dropped", topic);
            return;
        }
        if (!pending.offer(FeedGridCodec.logItem(topic, changes))) {
            DROPS.log("backlog", "The data grid does not keep up: feed changes are dropped (" + MAX_PENDING
                    + " batches wait)");
        }
    }

    /** The sender thread: appends the queued batches in order, several per round trip. */
    private void send() {
        List<byte[]> batches = new ArrayList<>(SEND_BATCH);
        while (!closed || !pending.isEmpty()) {
            try {
                byte[] first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batches.add(first);
                pending.drainTo(batches, SEND_BATCH - 1);
                DataGrid.await(log.addAllAsync(batches, OverflowPolicy.OVERWRITE), DataGrid.TIMEOUT_SECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!hazelcast.getLifecycleService().isRunning()) {
                    return;
                }
                DROPS.log("send", "Could not append " + batches.size() + " feed batches to the data grid: " + e);
            } finally {
                batches.clear();
            }
        }
    }

    // ---------------------------------------------------------------- the log, on the apply thread

    private void onApplier(Runnable task) {
        if (!closed) {
            try {
                applier.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.DEBUG, "The feed bus is closing: a read is dropped");
            }
        }
    }

    private void read() {
        if (closed) {
            return;
        }
        long current = ++generation;
        log.readManyAsync(next, 1, READ_BATCH, null).whenCompleteAsync((items, failure) -> {
            if (current == generation) {
                received(items, failure);
            }
        }, this::onApplier);
    }

    private void received(ReadResultSet<byte[]> items, Throwable failure) {
        if (closed) {
            return;
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (!hazelcast.getLifecycleService().isRunning()) {
                return;
            }
            if (cause instanceof StaleSequenceException) {
                LOG.log(Level.WARNING, "This instance fell behind the feed log (sequence {0} is gone): re-synchronising", next);
                synchronize();
                read();
                return;
            }
            LOG.log(Level.WARNING, "Reading the feed log failed; retrying in 1 s", cause);
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, this::onApplier).execute(this::read);
            return;
        }
        if (items.size() > 0 && items.getSequence(0) > next) {
            LOG.log(Level.WARNING, "This instance fell {0} batches behind the feed log: re-synchronising",
                    items.getSequence(0) - next);
            synchronize();
            read();
            return;
        }
        if (items.size() > 0 && items.getSequence(0) < next) {
            logLost(items.getSequence(0));
        }
        for (int i = 0; i < items.size() && !closed; i++) {
            apply(items.getSequence(i), items.get(i));
        }
        next = items.getNextSequenceToReadFrom();
        if (caughtUp != null && next > catchUpTarget) {
            caughtUp.complete(null);
            caughtUp = null;
        }
        read();
    }

    /**
     * Every second, on the control thread: a log whose end lies before this instance's read
     * position was lost by the grid (its partition's owner and backup died before the backup was
     * made) and started afresh; the read waiting for the old position would wait forever.
     */
    private void checkLog() {
        if (closed || state == null) {
            return;
        }
        try {
            long position = next;
            if (log.tailSequence() + 1 < position) {
                onApplier(() -> {
                    if (log.tailSequence() + 1 < next) {
                        logLost(log.headSequence());
                        read();
                    }
                });
            }
        } catch (RuntimeException e) {
            if (hazelcast.getLifecycleService().isRunning()) {
                LOG.log(Level.WARNING, "Could not check the feed log: {0}", e.toString());
            }
        }
    }

    /** On the apply thread: the log starts afresh at {@code from}; this instance's state goes on as it is. */
    private void logLost(long from) {
        LOG.log(Level.WARNING, "The data grid lost the feed log (members died before their backups were made): "
                + "going on from batch {0} of the new log with this instance''s state", from);
        generation++;
        next = from;
        lastApplied = from - 1;
        floors = Map.of();
        rewriteCheckpoint = true;
    }

    private void apply(long sequence, byte[] item) {
        lastApplied = sequence;
        FeedGridCodec.Batch batch;
        try {
            batch = FeedGridCodec.batch(item);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Skipping feed log item {0}: {1}", sequence, e.getMessage());
            return;
        }
        if (!floors.isEmpty()) {
            Long floor = floors.get(batch.topic());
            if (sequence > maxFloor) {
                floors = Map.of();
            } else if (floor != null && sequence <= floor) {
                return;
            }
        }
        dirty.add(batch.topic());
        try {
            state.apply(batch.topic(), batch.changes());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Applying a feed batch of topic " + batch.topic() + " failed", e);
        }
    }

    /**
     * Makes this instance's state the cluster's: restores the newest checkpoint the log still
     * continues, or replays the whole log, and sets where reading goes on.
     */
    private void synchronize() {
        boolean writer = instance.equals(leaders.get(CHECKPOINT_ROLE));
        if (writer && instances() > 1) {
            // The writer fell behind the log: its own checkpoints cannot continue it. It hands the role
            // to an instance that kept up (which writes a full checkpoint within a second of taking it)
            // and waits for that checkpoint like any other instance, instead of going on without the
            // batches the log overwrote.
            steppedDown = true;
            try {
                leaders.remove(CHECKPOINT_ROLE, instance);
                writer = false;
                LOG.log(Level.WARNING, "This instance fell behind the feed log while writing the checkpoints: "
                        + "it hands the role over and waits for the new writer's checkpoint");
            } catch (RuntimeException e) {
                steppedDown = false;
                LOG.log(Level.WARNING, "Could not hand the feed checkpoint role over: {0}", e.toString());
            }
        }
        try {
            synchronizeWith(writer);
        } finally {
            if (steppedDown) {
                steppedDown = false;
                onControl(this::checkRoles);
            }
        }
    }

    private void synchronizeWith(boolean writer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_WAIT_SECONDS);
        while (!closed) {
            long head = log.headSequence();
            Stored checkpoint = readCheckpoint();
            if (checkpoint == null && head == 0) {
                next = 0;
                LOG.log(Level.INFO, "The feed log starts at its first batch: replaying {0} batches", log.tailSequence() + 1);
                return;
            }
            if (checkpoint != null && checkpoint.complete() + 1 >= head) {
                restore(checkpoint);
                return;
            }
            if (writer || System.nanoTime() > deadline) {
                long from = checkpoint == null ? next : checkpoint.complete() + 1;
                if (checkpoint != null) {
                    restore(checkpoint);
                }
                next = head;
                LOG.log(Level.WARNING, "No feed checkpoint continues the log: going on from batch {0}, {1} batches lost",
                        head, Math.max(0, head - from));
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The checkpoint: the topics' entries and the sequence through which they are all complete,
     * or null when none was written. The sequence is read first: it is written after the entries
     * of its write, so the entries read afterwards are at least as new.
     */
    private Stored readCheckpoint() {
        byte[] complete = checkpoints.get(COMPLETE_KEY);
        if (complete == null || complete.length != Long.BYTES) {
            return null;
        }
        Map<String, FeedGridCodec.Checkpoint> topics = new HashMap<>();
        for (Map.Entry<String, byte[]> entry : checkpoints.entrySet()) {
            if (entry.getKey().equals(COMPLETE_KEY)) {
                continue;
            }
            try {
                topics.put(entry.getKey(), FeedGridCodec.checkpoint(entry.getValue()));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "Ignoring the feed checkpoint of topic {0}: {1}", entry.getKey(), e.getMessage());
            }
        }
        return new Stored(ByteBuffer.wrap(complete).getLong(), topics);
    }

    /** A checkpoint as read: every topic's entry is valid through {@code complete}, some beyond it. */
    private record Stored(long complete, Map<String, FeedGridCodec.Checkpoint> topics) {
    }

    private void restore(Stored checkpoint) {
        Map<String, List<ItemState>> restored = new HashMap<>();
        Map<String, Long> ahead = new HashMap<>();
        checkpoint.topics().forEach((topic, c) -> {
            restored.put(topic, c.items());
            if (c.sequence() > checkpoint.complete()) {
                ahead.put(topic, c.sequence());
            }
        });
        state.restore(restored);
        maxFloor = ahead.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        floors = ahead;
        next = checkpoint.complete() + 1;
        lastApplied = checkpoint.complete();
        LOG.log(Level.INFO, "Restored {0} feed topics from the cluster''s checkpoint of batch {1}", restored.size(),
                checkpoint.complete());
    }

    // ---------------------------------------------------------------- checkpoints and roles, on the control thread

    private void onControl(Runnable task) {
        if (!closed) {
            try {
                control.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.DEBUG, "The feed bus is closing: a leadership check is dropped");
            }
        }
    }

    /**
     * Writes the topics that changed since the last write (all of them after this instance took
     * the role or after a failed write), then the sequence through which the checkpoint is complete.
     */
    private void writeCheckpoint() {
        Role role = roles.get(CHECKPOINT_ROLE);
        if (closed || role == null || !role.running || steppedDown) {
            return;
        }
        try {
            Captured captured = DataGrid.await(CompletableFuture.supplyAsync(() -> {
                // Only a consistent cut: not while topics restored from a checkpoint are still ahead.
                if (!floors.isEmpty() || (lastApplied <= lastCheckpointed && !rewriteCheckpoint)) {
                    return null;
                }
                Map<String, List<ItemState>> all = state.capture();
                Map<String, List<ItemState>> changed = new HashMap<>();
                all.forEach((topic, items) -> {
                    if (rewriteCheckpoint || dirty.contains(topic)) {
                        changed.put(topic, items);
                    }
                });
                // Topics changed and now gone were deleted: their entries go, or a joiner would
                // restore them.
                Set<String> deleted = new HashSet<>(dirty);
                deleted.removeAll(all.keySet());
                boolean full = rewriteCheckpoint;
                dirty.clear();
                rewriteCheckpoint = false;
                return new Captured(lastApplied, changed, deleted, full);
            }, applier), DataGrid.TIMEOUT_SECONDS);
            if (captured == null) {
                return;
            }
            try {
                Map<String, byte[]> entries = new HashMap<>();
                captured.state().forEach((topic, items) -> entries.put(topic, FeedGridCodec.checkpoint(captured.sequence(), items)));
                checkpoints.putAll(entries);
                Set<String> gone = new HashSet<>(captured.deleted());
                if (captured.full()) {
                    // after a failed write the deletions since are not known one by one
                    for (String key : checkpoints.keySet()) {
                        if (!COMPLETE_KEY.equals(key) && !captured.state().containsKey(key)) {
                            gone.add(key);
                        }
                    }
                }
                for (String topic : gone) {
                    checkpoints.delete(topic);
                }
                checkpoints.set(COMPLETE_KEY, ByteBuffer.allocate(Long.BYTES).putLong(captured.sequence()).array());
                lastCheckpointed = captured.sequence();
            } catch (RuntimeException e) {
                rewriteCheckpoint = true;
                throw e;
            }
        } catch (RuntimeException e) {
            if (!closed && hazelcast.getLifecycleService().isRunning()) {
                DROPS.log("checkpoint", "Could not write the feed checkpoint: " + e);
            }
        }
    }

    /** A cut of the state: the topics to write, the topics deleted since the last write, and whether it is all of them. */
    private record Captured(long sequence, Map<String, List<ItemState>> state, Set<String> deleted, boolean full) {
    }

    @Override
    public void lead(String role, Runnable start, Runnable stop) {
        if (roles.putIfAbsent(role, new Role(role, start, stop)) != null) {
            throw new IllegalStateException("The role " + role + " is already registered");
        }
        onControl(this::checkRoles);
    }

    /** Claims the roles whose holder is gone, starts and stops this instance's roles accordingly. */
    private void checkRoles() {
        if (closed || roles.isEmpty()) {
            return;
        }
        try {
            Set<String> alive = alive();
            for (Role role : roles.values()) {
                String holder = leaders.get(role.name);
                boolean mine = instance.equals(holder);
                if (!mine && steppedDown && CHECKPOINT_ROLE.equals(role.name)) {
                    // handed over while behind the log: not claimed back before the catch-up ends
                    if (role.running) {
                        role.running = false;
                        run(role.stop, "stop", role.name);
                    }
                    continue;
                }
                if (!mine && (holder == null ? leaders.putIfAbsent(role.name, instance) == null
                        : !alive.contains(holder) && leaders.replace(role.name, holder, instance))) {
                    mine = true;
                    LOG.log(Level.INFO, "This instance takes the feed role {0}{1}", role.name,
                            holder == null ? "" : " over from departed instance " + holder);
                }
                if (mine && !role.running) {
                    role.running = true;
                    run(role.start, "start", role.name);
                } else if (!mine && role.running) {
                    role.running = false;
                    LOG.log(Level.WARNING, "Instance {0} holds the feed role {1} now: this instance stops it", holder, role.name);
                    run(role.stop, "stop", role.name);
                }
            }
        } catch (RuntimeException e) {
            if (!closed && hazelcast.getLifecycleService().isRunning()) {
                LOG.log(Level.WARNING, "Could not check the feed roles", e);
            }
        }
    }

    private static void run(Runnable action, String what, String role) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The " + what + " of feed role " + role + " failed", e);
        }
    }

    private Set<String> alive() {
        return hazelcast.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).collect(Collectors.toSet());
    }

    @Override
    public Optional<String> leader(String role) {
        try {
            String holder = leaders.get(role);
            return holder != null && alive().contains(holder) ? Optional.of(holder) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes this bus's listeners from the grid (which may be the server's, shared with the next
     * deployment), stops this instance's roles and gives them up, sends what is queued (for up to
     * 2 s), stops reading, then closes its lease. Each step runs whatever the one before it did:
     * on Payara the application's class loader may already refuse new classes when CDI destroys
     * the beans.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        GridMembership.unwatch(hazelcast, membershipListener, "feed");
        try {
            leaders.removeEntryListener(leadersListener);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not remove the feed roles listener: {0}", e.toString());
        }
        try {
            control.submit(this::releaseRoles).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not give up the feed roles cleanly: {0}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        control.shutdownNow();
        applier.shutdownNow();
        GridMembership.giveBack(lease, "feed's");
    }

    private void releaseRoles() {
        for (Role role : roles.values()) {
            release(role);
        }
    }

    private void release(Role role) {
        if (role.running) {
            role.running = false;
            run(role.stop, "stop", role.name);
        }
        try {
            leaders.remove(role.name, instance);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Could not give up the feed role " + role.name + ": " + e);
        }
    }

    /** A role this instance is willing to run; {@code running} is changed on the control thread only. */
    private static final class Role {
        final String name;
        final Runnable start;
        final Runnable stop;
        volatile boolean running;

        Role(String name, Runnable start, Runnable stop) {
            this.name = name;
            this.start = start;
            this.stop = stop;
        }
    }
}
