package dev.duplex.game.entity;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a room's owner puts in the cluster's grid once a second so that a survivor can re-create
 * the room when the owner dies (docs/PLAY.md, "Across the cluster"): the arena (tick, ships with
 * their scores, orbs) and the players holding a slot (id, name, rejoin token). Bytes, big-endian:
 *
 * <pre>
 * u8 version (1) | u64 seed | u64 tick
 * u16 ships   × { u16 id | u8 bot | i32 x | i32 y | i32 vx | i32 vy | u16 score }
 * u16 orbs    × { i32 x | i32 y }
 * u8  players × { u16 id | u8 name length | name UTF-8 | 16 bytes token }
 * </pre>
 *
 * A room of 8 ships and 40 orbs takes about 600 bytes.
 */
public record GameCheckpoint(long seed, long tick, List<Ship> ships, List<int[]> orbs, List<Seat> players) {

    public static final int VERSION = 1;

    /** A ship: its id, whether a bot flies it, {x, y, vx, vy} and its score. */
    public record Ship(int id, boolean bot, int x, int y, int vx, int vy, int score) {
    }

    /** A player holding a slot: its ship's id, name and rejoin token. */
    public record Seat(int id, String name, byte[] token) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Seat s && s.id == id && s.name.equals(name) && Arrays.equals(s.token, token);
        }

        @Override
        public int hashCode() {
            return id * 31 + Arrays.hashCode(token);
        }
    }

    public byte[] encode() {
        List<byte[]> names = new ArrayList<>();
        int size = 1 + 8 + 8 + 2 + ships.size() * 21 + 2 + orbs.size() * 8 + 1;
        for (Seat p : players) {
            byte[] n = p.name().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 2 + 1 + n.length + GameCodec.TOKEN_BYTES;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) VERSION).putLong(seed).putLong(tick).putShort((short) ships.size());
        for (Ship s : ships) {
            out.putShort((short) s.id()).put((byte) (s.bot() ? 1 : 0)).putInt(s.x()).putInt(s.y()).putInt(s.vx()).putInt(s.vy())
                    .putShort((short) s.score());
        }
        out.putShort((short) orbs.size());
        for (int[] o : orbs) {
            out.putInt(o[0]).putInt(o[1]);
        }
        out.put((byte) players.size());
        for (int i = 0; i < players.size(); i++) {
            Seat p = players.get(i);
            out.putShort((short) p.id()).put((byte) names.get(i).length).put(names.get(i)).put(p.token());
        }
        return out.array();
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IllegalArgumentException when the bytes are not a checkpoint of this version (the
     *                                  room is then not restored, and the reason logged)
     */
    public static GameCheckpoint decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = in.get() & 0xFF;
            if (version != VERSION) {
                throw new IllegalArgumentException("checkpoint version " + version + ", not " + VERSION);
            }
            long seed = in.getLong();
            long tick = in.getLong();
            int shipCount = in.getShort() & 0xFFFF;
            List<Ship> ships = new ArrayList<>(shipCount);
            for (int i = 0; i < shipCount; i++) {
                ships.add(new Ship(in.getShort() & 0xFFFF, in.get() != 0, in.getInt(), in.getInt(), in.getInt(), in.getInt(),
                        in.getShort() & 0xFFFF));
            }
            int orbCount = in.getShort() & 0xFFFF;
            List<int[]> orbs = new ArrayList<>(orbCount);
            for (int i = 0; i < orbCount; i++) {
                orbs.add(new int[] {in.getInt(), in.getInt()});
            }
            int playerCount = in.get() & 0xFF;
            List<Seat> players = new ArrayList<>(playerCount);
            for (int i = 0; i < playerCount; i++) {
                int id = in.getShort() & 0xFFFF;
                byte[] name = new byte[in.get() & 0xFF];
                in.get(name);
                byte[] token = new byte[GameCodec.TOKEN_BYTES];
                in.get(token);
                players.add(new Seat(id, new String(name, StandardCharsets.UTF_8), token));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("checkpoint with " + in.remaining() + " bytes too many");
            }
            return new GameCheckpoint(seed, tick, ships, orbs, players);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated checkpoint", e);
        }
    }
}
