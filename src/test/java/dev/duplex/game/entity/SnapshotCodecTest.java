package dev.duplex.game.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Full and delta snapshots against the shared vectors, and delta round trips of random worlds. */
class SnapshotCodecTest {

    @Test
    void vectorsEncodeAndDecodeByteForByte() {
        int checked = 0;
        for (JsonValue value : Vectors.load().getJsonArray("snapshots")) {
            JsonObject v = value.asJsonObject();
            int[] base = Vectors.entities(v.get("base"));
            int[] entities = Vectors.entities(v.get("entities"));
            ByteBuffer encoded = SnapshotCodec.encode(v.getInt("tick"), v.getInt("baseTick"), base, v.getInt("inputSeq"), entities);
            assertEquals(v.getString("hex"), Vectors.hex(encoded), v.getString("name"));
            SnapshotCodec.Snapshot decoded = SnapshotCodec.decode(Vectors.bytes(v), base);
            assertArrayEquals(entities, decoded.entities(), v.getString("name"));
            assertEquals(v.getInt("tick"), decoded.tick());
            assertEquals(v.getInt("baseTick"), decoded.base());
            assertEquals(v.getInt("inputSeq"), decoded.inputSeq());
            checked++;
        }
        assertEquals(3, checked);
    }

    @Test
    void randomDeltasDecodeToTheCurrentStateAndAreSmallerThanFullOnes() {
        SplittableRandom random = new SplittableRandom(7);
        int[] previous = world(random, 40, null);
        long fullBytes = 0;
        long deltaBytes = 0;
        for (int tick = 2; tick < 200; tick++) {
            int[] current = world(random, 40, previous);
            ByteBuffer delta = SnapshotCodec.encode(tick, tick - 1, previous, 0, current);
            ByteBuffer full = SnapshotCodec.encode(tick, 0, null, 0, current);
            assertArrayEquals(current, SnapshotCodec.decode(delta, previous).entities(), "tick " + tick);
            assertArrayEquals(current, SnapshotCodec.decode(full, null).entities(), "tick " + tick);
            fullBytes += full.remaining();
            deltaBytes += delta.remaining();
            previous = current;
        }
        assertTrue(deltaBytes * 2 < fullBytes, "deltas " + deltaBytes + " B, full " + fullBytes + " B");
    }

    @Test
    void aDeltaWithoutItsBaseOrANewEntityWithoutEveryFieldIsRefused() {
        int[] one = {1, 1, 10, 10, 0, 0, 0};
        ByteBuffer delta = SnapshotCodec.encode(5, 4, one, 0, new int[] {1, 1, 11, 10, 0, 0, 0});
        assertThrows(IllegalArgumentException.class, () -> SnapshotCodec.decode(delta, null));
        assertThrows(IllegalArgumentException.class, () -> SnapshotCodec.decode(delta.duplicate(), new int[] {2, 1, 10, 10, 0, 0, 0}));
    }

    /** A world of entities sorted by id where a few move, appear and disappear each tick. */
    private static int[] world(SplittableRandom random, int size, int[] previous) {
        java.util.TreeMap<Integer, int[]> all = new java.util.TreeMap<>();
        if (previous != null) {
            for (int i = 0; i < previous.length; i += 7) {
                all.put(previous[i], java.util.Arrays.copyOfRange(previous, i, i + 7));
            }
        }
        while (all.size() < size) {
            int id = 1 + random.nextInt(0xFFFE);
            all.put(id, new int[] {id, 1 + random.nextInt(3), random.nextInt(32001), random.nextInt(32001), 0, 0, 0});
        }
        for (int[] e : all.values()) {
            if (random.nextInt(5) == 0) {
                e[2] = random.nextInt(32001);
                e[4] = random.nextInt(401) - 200;
            }
        }
        if (random.nextInt(3) == 0) {
            all.remove(all.firstKey());
        }
        int[] out = new int[all.size() * 7];
        int n = 0;
        for (int[] e : all.values()) {
            System.arraycopy(e, 0, out, n, 7);
            n += 7;
        }
        return out;
    }
}
