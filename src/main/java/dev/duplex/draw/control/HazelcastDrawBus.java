package dev.duplex.draw.control;

import dev.duplex.platform.GridMembership;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.topic.ITopic;
import dev.duplex.platform.DaemonThreads;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The boards' bus on the cluster's Hazelcast ({@code DataGrid}: Payara's embedded one, or the
 * application's own member).
 * <ul>
 * <li><b>Owners.</b> The {@code IMap} {@value #OWNERS} maps each board to the instance (its Hazelcast
 * member UUID) that owns it. The first instance a member joins the board on claims it with
 * {@code putIfAbsent}; when the holder is no longer a member of the cluster, a conditional
 * {@code replace} lets exactly one survivor take it. An owner that frees a board, or closes,
 * removes its entries ({@code remove(board, itself)}).</li>
 * <li><b>Inboxes.</b> Each instance listens on the {@code ITopic} {@value #INBOX_PREFIX}{@code <uuid>};
 * a topic delivers one publishing member's messages in the order it published them, to one
 * listener thread; this bus hands them on to one thread of its own ({@code duplex-draw-inbox}), so
 * that the boards never block Hazelcast's event threads. {@code ownersChanged} runs on that thread
 * too, after the messages received before it.</li>
 * </ul>
 * {@link #close} removes the topic listener, the membership and entry listeners, destroys its own
 * inbox topic and removes its owner entries, then closes the data grid lease.
 */
public final class HazelcastDrawBus implements DrawBus {

    static final String OWNERS = "duplex-draw-owners";
    static final String INBOX_PREFIX = "duplex-draw-inbox-";
    private static final System.Logger LOG = System.getLogger(HazelcastDrawBus.class.getName());

    private final HazelcastInstance hazelcast;
    private final AutoCloseable lease;
    private final String instance;
    private final IMap<String, String> owners;
    private final ITopic<byte[]> inbox;
    private final Map<String, ITopic<byte[]>> outboxes = new ConcurrentHashMap<>();
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    private final ExecutorService events = Executors.newSingleThreadExecutor(DaemonThreads.named("duplex-draw-inbox"));
    private UUID inboxListener;
    private UUID membershipListener;
    private UUID ownersListener;
    private volatile boolean closed;

    /** A bus on a running Hazelcast instance that {@code lease} lends; the lease is closed at the end of {@link #close}. */
    public static DrawBus on(HazelcastInstance hazelcast, AutoCloseable lease) {
        return new HazelcastDrawBus(hazelcast, lease);
    }

    private HazelcastDrawBus(HazelcastInstance hazelcast, AutoCloseable lease) {
        this.hazelcast = hazelcast;
        this.lease = lease;
        this.instance = hazelcast.getCluster().getLocalMember().getUuid().toString();
        this.owners = hazelcast.getMap(OWNERS);
        this.inbox = hazelcast.getTopic(INBOX_PREFIX + instance);
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
    public synchronized void start(Consumer<byte[]> receiver, Runnable ownersChanged) {
        if (inboxListener != null) {
            throw new IllegalStateException("The draw bus is already started");
        }
        inboxListener = inbox.addMessageListener(message -> {
            byte[] bytes = message.getMessageObject();
            onEvents(() -> receiver.accept(bytes));
        });
        membershipListener = GridMembership.watch(hazelcast, "Draw", () -> !closed, departed -> onEvents(ownersChanged));
        ownersListener = owners.addEntryListener((EntryRemovedListener<String, String>) event -> onEvents(ownersChanged), false);
    }

    private void onEvents(Runnable task) {
        if (closed) {
            return;
        }
        try {
            events.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "A draw grid message failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "The draw bus is closing: a grid message is dropped");
        }
    }

    @Override
    public String owner(String board) {
        while (true) {
            String holder = owners.get(board);
            if (holder != null && (holder.equals(instance) || alive(holder))) {
                if (holder.equals(instance)) {
                    owned.add(board);
                }
                return holder;
            }
            boolean claimed = holder == null ? owners.putIfAbsent(board, instance) == null : owners.replace(board, holder, instance);
            if (claimed) {
                owned.add(board);
                LOG.log(Level.INFO, "This instance owns draw board {0}{1}", board,
                        holder == null ? "" : " (taken over from departed instance " + holder + ")");
                return instance;
            }
            // another instance claimed it in the meantime: read again
        }
    }

    @Override
    public void release(String board) {
        if (owned.remove(board)) {
            owners.remove(board, instance);
        }
    }

    @Override
    public boolean alive(String other) {
        for (Member member : hazelcast.getCluster().getMembers()) {
            if (member.getUuid().toString().equals(other)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void send(String other, byte[] message) {
        if (closed) {
            return;
        }
        outboxes.computeIfAbsent(other, o -> hazelcast.getTopic(INBOX_PREFIX + o)).publish(message);
    }

    /**
     * Removes this bus's listeners and entries from the grid (which may be the server's, shared with
     * the next deployment), destroys its inbox, stops its thread, then closes its lease. Each step
     * runs whatever the one before it did.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (inboxListener != null) {
                inbox.removeMessageListener(inboxListener);
            }
            inbox.destroy();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not remove the draw inbox: {0}", e.toString());
        }
        GridMembership.unwatch(hazelcast, membershipListener, "draw");
        try {
            if (ownersListener != null) {
                owners.removeEntryListener(ownersListener);
            }
            for (String board : owned) {
                owners.remove(board, instance);
            }
            owned.clear();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not remove the draw owners listener or entries: {0}", e.toString());
        }
        events.shutdownNow();
        GridMembership.giveBack(lease, "draw boards'");
    }
}
