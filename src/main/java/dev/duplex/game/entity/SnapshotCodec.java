package dev.duplex.game.entity;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Snapshots ({@code 0x82}), full or delta-compressed against a base snapshot the client
 * acknowledged. A snapshot is an array of entity records {id, kind, x, y, vx, vy, aux} sorted by
 * id ({@link #STRIDE} ints each). On the wire (docs/PLAY.md, "Snapshot"):
 * {@code 0x82, tick u32, base u32 (0: full), input-seq u32, count u16, count × entry, removed u16,
 * removed × id u16}; an entry is {@code id u16, mask u8} and the fields the mask names, in order:
 * kind u8, x u16, y u16, vx i16, vy i16, aux u16. A full snapshot (and an entity new since the
 * base) has mask 0x3F; an entity unchanged since the base is left out.
 */
public final class SnapshotCodec {

    /** Ints per entity record. */
    public static final int STRIDE = 7;
    /** Every field. */
    public static final int ALL = 0x3F;

    private SnapshotCodec() {
    }

    /** A decoded snapshot: its tick, base, the player's last applied input and the whole entity state. */
    public record Snapshot(long tick, long base, long inputSeq, int[] entities) {
    }

    /**
     * Encodes {@code current} for the client: against {@code base} (the entities of snapshot
     * {@code baseTick}) when it is not null, else in full.
     */
    public static ByteBuffer encode(long tick, long baseTick, int[] base, long inputSeq, int[] current) {
        ByteBuffer out = ByteBuffer.allocate(17 + current.length / STRIDE * 14 + (base == null ? 0 : base.length / STRIDE * 2));
        out.put((byte) GameCodec.SNAPSHOT).putInt((int) tick).putInt(base == null ? 0 : (int) baseTick).putInt((int) inputSeq);
        int countAt = out.position();
        out.putShort((short) 0);
        int count = 0;
        int b = 0;
        int baseLength = base == null ? 0 : base.length;
        int removedCount = 0;
        int[] removed = new int[baseLength / STRIDE];
        for (int c = 0; c < current.length; c += STRIDE) {
            int id = current[c];
            while (b < baseLength && base[b] < id) {
                removed[removedCount++] = base[b];
                b += STRIDE;
            }
            int mask = ALL;
            if (b < baseLength && base[b] == id) {
                mask = 0;
                for (int f = 1; f < STRIDE; f++) {
                    if (base[b + f] != current[c + f]) {
                        mask |= 1 << (f - 1);
                    }
                }
                b += STRIDE;
            }
            if (mask != 0) {
                count++;
                out.putShort((short) id).put((byte) mask);
                if ((mask & 1) != 0) {
                    out.put((byte) current[c + 1]);
                }
                if ((mask & 2) != 0) {
                    out.putShort((short) current[c + 2]);
                }
                if ((mask & 4) != 0) {
                    out.putShort((short) current[c + 3]);
                }
                if ((mask & 8) != 0) {
                    out.putShort((short) current[c + 4]);
                }
                if ((mask & 16) != 0) {
                    out.putShort((short) current[c + 5]);
                }
                if ((mask & 32) != 0) {
                    out.putShort((short) current[c + 6]);
                }
            }
        }
        while (b < baseLength) {
            removed[removedCount++] = base[b];
            b += STRIDE;
        }
        out.putShort(countAt, (short) count);
        out.putShort((short) removedCount);
        for (int i = 0; i < removedCount; i++) {
            out.putShort((short) removed[i]);
        }
        return out.flip();
    }

    /** The base tick a snapshot names (0: full), read without decoding it. */
    public static long baseOf(ByteBuffer bytes) {
        return bytes.getInt(bytes.position() + 5) & 0xFFFFFFFFL;
    }

    /**
     * Decodes a snapshot onto {@code base} (the entities of the snapshot it names, null for a full
     * one). For tests, the bench and a relay: the page has its own decoder in game-codec.js.
     *
     * @throws IllegalArgumentException when the snapshot names a base and none is given, or an entity new since the base lacks fields
     */
    public static Snapshot decode(ByteBuffer bytes, int[] base) {
        ByteBuffer in = bytes.slice();
        if ((in.get() & 0xFF) != GameCodec.SNAPSHOT) {
            throw new IllegalArgumentException("not a snapshot");
        }
        long tick = in.getInt() & 0xFFFFFFFFL;
        long baseTick = in.getInt() & 0xFFFFFFFFL;
        long inputSeq = in.getInt() & 0xFFFFFFFFL;
        if (baseTick != 0 && base == null) {
            throw new IllegalArgumentException("snapshot " + tick + " is a delta against " + baseTick + ", which is not known");
        }
        int[] from = baseTick == 0 ? new int[0] : base;
        int count = in.getShort() & 0xFFFF;
        int[][] entries = new int[count][];
        for (int i = 0; i < count; i++) {
            int id = in.getShort() & 0xFFFF;
            int mask = in.get() & 0xFF;
            int[] e = new int[STRIDE];
            e[0] = id;
            int at = find(from, id);
            if (at < 0 && mask != ALL) {
                throw new IllegalArgumentException("entity " + id + " is new but has only fields " + Integer.toBinaryString(mask));
            }
            if (at >= 0) {
                System.arraycopy(from, at, e, 0, STRIDE);
            }
            if ((mask & 1) != 0) {
                e[1] = in.get() & 0xFF;
            }
            if ((mask & 2) != 0) {
                e[2] = in.getShort() & 0xFFFF;
            }
            if ((mask & 4) != 0) {
                e[3] = in.getShort() & 0xFFFF;
            }
            if ((mask & 8) != 0) {
                e[4] = in.getShort();
            }
            if ((mask & 16) != 0) {
                e[5] = in.getShort();
            }
            if ((mask & 32) != 0) {
                e[6] = in.getShort() & 0xFFFF;
            }
            entries[i] = e;
        }
        int removedCount = in.getShort() & 0xFFFF;
        int[] removed = new int[removedCount];
        for (int i = 0; i < removedCount; i++) {
            removed[i] = in.getShort() & 0xFFFF;
        }
        // the result: the base's entities, less the removed, with the entries laid over, sorted by id
        java.util.TreeMap<Integer, int[]> all = new java.util.TreeMap<>();
        for (int i = 0; i < from.length; i += STRIDE) {
            all.put(from[i], Arrays.copyOfRange(from, i, i + STRIDE));
        }
        for (int id : removed) {
            all.remove(id);
        }
        for (int[] e : entries) {
            all.put(e[0], e);
        }
        int[] out = new int[all.size() * STRIDE];
        int n = 0;
        for (int[] e : all.values()) {
            System.arraycopy(e, 0, out, n, STRIDE);
            n += STRIDE;
        }
        return new Snapshot(tick, baseTick, inputSeq, out);
    }

    private static int find(int[] entities, int id) {
        for (int i = 0; i < entities.length; i += STRIDE) {
            if (entities[i] == id) {
                return i;
            }
        }
        return -1;
    }
}
