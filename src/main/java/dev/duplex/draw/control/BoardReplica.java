package dev.duplex.draw.control;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.platform.MemoryBudget;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This instance's copy of a board another instance owns: the owner's {@link Board.Mirror} stream
 * applied in its order (members, snapshot, log, strokes in progress: what a late joiner's page
 * rebuilds from the same messages), and this instance's members of the board, to whom each
 * broadcast is handed on. When the owner is gone, the survivor that takes the board over continues
 * it from this copy ({@link Board#restore}).
 *
 * <p>What the copy holds is charged to its own memory-budget account, like the board itself; when
 * the budget refuses, the copy is marked incomplete (logged once) and can no longer be continued:
 * the members are then asked to join again ({@link DrawBoards}). Plain Java; thread-safe.
 */
final class BoardReplica {

    private static final System.Logger LOG = System.getLogger(BoardReplica.class.getName());

    private final String name;
    private final MemoryBudget.Account account;
    /** The owning instance, as the grid named it when this copy started. */
    private volatile String owner;
    private final Map<Integer, String> members = new LinkedHashMap<>();
    private final List<Board.Stroke> log = new ArrayList<>();
    private final Map<Integer, Board.Stroke> active = new HashMap<>();
    private final Map<Long, Board.Stroke> activeById = new HashMap<>();
    /** This instance's members on the board (joined: their WELCOME came). */
    private final List<DrawMember> locals = new CopyOnWriteArrayList<>();
    /** This instance's members on the board or joining it. */
    private final java.util.Set<DrawMember> attached = new java.util.LinkedHashSet<>();
    private byte[] snapshot;
    private long snapshotUpTo;
    private long lastStroke;
    private int lastMember;
    private long bytes;
    private boolean incomplete;
    private boolean closed;

    BoardReplica(String name, String owner, MemoryBudget.Account account) {
        this.name = name;
        this.owner = owner;
        this.account = account;
    }

    String name() {
        return name;
    }

    String owner() {
        return owner;
    }

    void owner(String owner) {
        this.owner = owner;
    }

    MemoryBudget.Account account() {
        return account;
    }

    List<DrawMember> locals() {
        return locals;
    }

    /** This instance's member is on the board (its WELCOME came): it gets the broadcasts from now on. */
    void joined(DrawMember member) {
        locals.add(member);
    }

    /** This instance's member joins the board (its JOIN is on its way to the owner). Under DrawBoards' lock. */
    void attach(DrawMember member) {
        attached.add(member);
    }

    /** This instance's member left the board; true when it was the last one here. Under DrawBoards' lock. */
    boolean detach(DrawMember member) {
        attached.remove(member);
        locals.remove(member);
        return attached.isEmpty();
    }

    /** This instance's members on the board or joining it. */
    List<DrawMember> attached() {
        return List.copyOf(attached);
    }

    /** The owner's state, replacing what the copy held. */
    synchronized void reset(List<ByteBuffer> state) {
        members.clear();
        log.clear();
        active.clear();
        activeById.clear();
        snapshot = null;
        snapshotUpTo = 0;
        account.release(bytes);
        bytes = 0;
        incomplete = false;
        for (ByteBuffer message : state) {
            apply(message.duplicate());
        }
    }

    /**
     * One message of the owner's stream: applied to the copy, then sent to this instance's members
     * but {@code except} (none when it is {@link Board#NOBODY}).
     */
    void broadcast(ByteBuffer message, int except) {
        synchronized (this) {
            apply(message.duplicate());
        }
        if (except == Board.NOBODY) {
            return;
        }
        for (DrawMember member : locals) {
            if (member.id != except) {
                member.peer.send(message.asReadOnlyBuffer());
            }
        }
    }

    private void apply(ByteBuffer in) {
        if (closed) {
            return;
        }
        int type = in.get() & 0xFF;
        switch (type) {
            case DrawCodec.S_MEMBER -> {
                int id = in.getShort() & 0xFFFF;
                byte[] utf8 = new byte[in.get() & 0xFF];
                in.get(utf8);
                members.put(id, new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
                lastMember = id;
            }
            case DrawCodec.S_LEFT -> members.remove(in.getShort() & 0xFFFF);
            case DrawCodec.S_BEGIN -> {
                long id = in.getInt() & 0xFFFFFFFFL;
                int member = in.getShort() & 0xFFFF;
                int rgb = ((in.get() & 0xFF) << 16) | ((in.get() & 0xFF) << 8) | (in.get() & 0xFF);
                Board.Stroke stroke = new Board.Stroke(id, member, rgb, in.get() & 0xFF);
                charge(Board.STROKE_BYTES);
                active.put(member, stroke);
                activeById.put(id, stroke);
                lastStroke = Math.max(lastStroke, id);
            }
            case DrawCodec.S_POINTS -> {
                Board.Stroke stroke = activeById.get(in.getInt() & 0xFFFFFFFFL);
                int count = in.get() & 0xFF;
                if (stroke == null) {
                    return; // a stroke a clear dropped: its page ignores it too
                }
                int[] samples = new int[count * 3];
                for (int i = 0; i < samples.length; i += 3) {
                    samples[i] = in.getShort() & 0xFFFF;
                    samples[i + 1] = in.getShort() & 0xFFFF;
                    samples[i + 2] = in.get() & 0xFF;
                }
                stroke.add(samples, 0, count);
                stroke.bytes += (long) count * Board.SAMPLE_BYTES;
                charge((long) count * Board.SAMPLE_BYTES);
            }
            case DrawCodec.S_END -> {
                Board.Stroke stroke = activeById.remove(in.getInt() & 0xFFFFFFFFL);
                if (stroke != null) {
                    active.remove(stroke.member, stroke);
                    log.add(stroke);
                }
            }
            case DrawCodec.S_REMOVE -> {
                long id = in.getInt() & 0xFFFFFFFFL;
                for (int i = log.size() - 1; i >= 0; i--) {
                    if (log.get(i).id == id) {
                        uncharge(log.remove(i).bytes);
                        break;
                    }
                }
            }
            case DrawCodec.S_CLEAR -> {
                log.clear();
                active.clear();
                activeById.clear();
                snapshot = null;
                snapshotUpTo = 0;
                uncharge(bytes);
            }
            case DrawCodec.S_SNAPSHOT -> {
                long upTo = in.getInt() & 0xFFFFFFFFL;
                byte[] png = new byte[in.remaining()];
                in.get(png);
                if (snapshot != null) {
                    uncharge(snapshot.length);
                }
                snapshot = png;
                snapshotUpTo = upTo;
                charge(png.length);
                compact(upTo);
            }
            case DrawCodec.S_COMPACTED -> compact(in.getInt() & 0xFFFFFFFFL);
            default -> {
                // cursors and per-member messages change no state
            }
        }
    }

    /** The strokes up to and including {@code upTo} are in the snapshot now. */
    private void compact(long upTo) {
        int last = -1;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).id == upTo) {
                last = i;
            }
        }
        for (int i = 0; i <= last; i++) {
            uncharge(log.get(i).bytes);
        }
        if (last >= 0) {
            log.subList(0, last + 1).clear();
        }
    }

    private void charge(long n) {
        if (!incomplete && !account.tryReserve(n)) {
            incomplete = true;
            LOG.log(Level.WARNING, "The copy of draw board {0} passed the memory budget: it cannot be continued if its owner goes", name);
        }
        bytes += n;
    }

    private void uncharge(long n) {
        bytes -= n;
        account.release(n);
    }

    synchronized boolean incomplete() {
        return incomplete;
    }

    synchronized byte[] snapshot() {
        return snapshot;
    }

    synchronized long snapshotUpTo() {
        return snapshotUpTo;
    }

    synchronized List<Board.Stroke> log() {
        return new ArrayList<>(log);
    }

    /** The strokes in progress by member id (a copy). */
    synchronized Map<Integer, Board.Stroke> active() {
        return new LinkedHashMap<>(active);
    }

    synchronized Map<Integer, String> members() {
        return new LinkedHashMap<>(members);
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long lastStroke() {
        return lastStroke;
    }

    synchronized int lastMember() {
        return lastMember;
    }

    /** Stops following the owner (taken over, or nobody here is on the board any more); gives the bytes back unless {@code keepBytes}. */
    synchronized void close(boolean keepBytes) {
        closed = true;
        if (!keepBytes) {
            account.close();
        }
    }
}
