package dev.duplex.game;

import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.Input;
import dev.duplex.game.entity.SnapshotCodec;
import dev.duplex.testing.WsClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@code game.bin} client for the ITs and the bench: reads the server's messages as they come,
 * rebuilds snapshots on the bases it keeps and acknowledges them with its inputs.
 */
public final class GameTestClient implements AutoCloseable {

    private final WsClient socket;
    private final Map<Long, int[]> bases = new HashMap<>();
    public final List<Object> other = new ArrayList<>();
    public GameCodec.Welcome welcome;
    public SnapshotCodec.Snapshot last;
    public long snapshots;
    public long deltaSnapshots;
    public long snapshotBytes;
    public List<GameCodec.Score> scores = List.of();
    private long seq;

    private GameTestClient(WsClient socket) {
        this.socket = socket;
    }

    public static GameTestClient connect(URI uri) throws Exception {
        return new GameTestClient(WsClient.connect(uri, "game.bin"));
    }

    public WsClient socket() {
        return socket;
    }

    public void join(String name, String room) throws Exception {
        send(GameCodec.join(false, name, room, new byte[0]));
    }

    public void send(ByteBuffer message) throws Exception {
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        socket.sendBinary(bytes);
    }

    /** Sends the next input, acknowledging the newest snapshot. */
    public long input(int dx, int dy, int buttons) throws Exception {
        seq++;
        send(GameCodec.input(new Input(seq, dx, dy, buttons), last == null ? 0 : last.tick()));
        return seq;
    }

    /** Reads messages until one satisfies {@code until}; null when none did within the client's timeout. */
    public Object await(Predicate<Object> until) throws Exception {
        long end = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            Object message = socket.next();
            if (message == null) {
                return null;
            }
            if (message instanceof String text) {
                throw new AssertionError("game.bin sent text: " + text);
            }
            Object decoded = read((byte[]) message);
            if (until.test(decoded)) {
                return decoded;
            }
        }
        return null;
    }

    public Object read(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if ((bytes[0] & 0xFF) == GameCodec.SNAPSHOT) {
            long base = SnapshotCodec.baseOf(buffer);
            SnapshotCodec.Snapshot snapshot = SnapshotCodec.decode(buffer, bases.get(base));
            bases.put(snapshot.tick(), snapshot.entities());
            bases.keySet().removeIf(t -> t < snapshot.tick() - 64);
            last = snapshot;
            snapshots++;
            snapshotBytes += bytes.length;
            if (base != 0) {
                deltaSnapshots++;
            }
            return snapshot;
        }
        Object decoded = GameCodec.decodeServer(buffer);
        if (decoded instanceof GameCodec.Welcome w) {
            welcome = w;
        } else if (decoded instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<GameCodec.Score> s = (List<GameCodec.Score>) list;
            scores = s;
        } else {
            other.add(decoded);
        }
        return decoded;
    }

    /** The entity record of {@code id} in the newest snapshot, or null. */
    public int[] entity(int id) {
        if (last == null) {
            return null;
        }
        int[] e = last.entities();
        for (int i = 0; i < e.length; i += SnapshotCodec.STRIDE) {
            if (e[i] == id) {
                return java.util.Arrays.copyOfRange(e, i, i + SnapshotCodec.STRIDE);
            }
        }
        return null;
    }

    public static Duration timeout() {
        return WsClient.TIMEOUT;
    }

    @Override
    public void close() {
        socket.close();
    }
}
