package dev.duplex.game.control;

import dev.duplex.game.entity.EntityKind;
import dev.duplex.game.entity.GameCheckpoint;
import dev.duplex.game.entity.Input;
import dev.duplex.game.entity.Physics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The world of one room: ships that fly with thrust and collect orbs, one point each. Plain,
 * single-threaded and deterministic: the same seed, the same ships and the same inputs tick for
 * tick give the same world (the unit tests replay a seed). Ship ids are 1..32767, orb ids from
 * {@link #ORB_IDS}.
 */
final class Arena {

    /** Orbs carry ids from here on. */
    static final int ORB_IDS = 0x8000;

    private final Physics physics;
    private final SplittableRandom random;
    private final TreeMap<Integer, Ship> ships = new TreeMap<>();
    private final int[][] orbs;
    private long tick;

    /** A ship: {x, y, vx, vy} in {@link Physics} units, its score, whether a bot flies it. */
    static final class Ship {
        final int id;
        final int[] state = new int[4];
        int score;
        boolean bot;

        Ship(int id) {
            this.id = id;
        }
    }

    private final int view;

    Arena(long seed, int tickHz, int orbCount) {
        this(seed, tickHz, orbCount, Physics.VIEW);
    }

    Arena(long seed, int tickHz, int orbCount, int view) {
        this.view = view;
        this.physics = new Physics(tickHz);
        this.random = new SplittableRandom(seed);
        this.orbs = new int[orbCount][];
        for (int i = 0; i < orbCount; i++) {
            orbs[i] = randomPoint(Physics.ORB_RADIUS);
        }
    }

    Physics physics() {
        return physics;
    }

    long tick() {
        return tick;
    }

    /** Adds a ship at a random free-looking spot, at rest. */
    Ship add(int id, boolean bot) {
        Ship ship = new Ship(id);
        int[] at = randomPoint(Physics.SHIP_RADIUS);
        ship.state[0] = at[0];
        ship.state[1] = at[1];
        ship.bot = bot;
        ships.put(id, ship);
        return ship;
    }

    void remove(int id) {
        ships.remove(id);
    }

    /** Puts the world of a checkpoint in place of this one's: its tick, ships (with scores) and orbs. */
    void restore(GameCheckpoint checkpoint) {
        tick = checkpoint.tick();
        ships.clear();
        for (GameCheckpoint.Ship s : checkpoint.ships()) {
            Ship ship = new Ship(s.id());
            ship.state[0] = s.x();
            ship.state[1] = s.y();
            ship.state[2] = s.vx();
            ship.state[3] = s.vy();
            ship.score = s.score();
            ship.bot = s.bot();
            ships.put(s.id(), ship);
        }
        for (int i = 0; i < orbs.length && i < checkpoint.orbs().size(); i++) {
            orbs[i] = checkpoint.orbs().get(i).clone();
        }
    }

    /** The world as a checkpoint records it. */
    List<GameCheckpoint.Ship> shipStates() {
        List<GameCheckpoint.Ship> out = new ArrayList<>(ships.size());
        for (Ship s : ships.values()) {
            out.add(new GameCheckpoint.Ship(s.id, s.bot, s.state[0], s.state[1], s.state[2], s.state[3], s.score));
        }
        return out;
    }

    Ship ship(int id) {
        return ships.get(id);
    }

    Map<Integer, Ship> ships() {
        return ships;
    }

    int[][] orbs() {
        return orbs;
    }

    /**
     * Advances one tick: every ship (in id order) moves with its input (bots with their own), then
     * collects the orbs it touches; a collected orb reappears elsewhere.
     *
     * @param inputs the input of each human ship for this tick, by id; missing ones are idle
     */
    void step(Map<Integer, Input> inputs) {
        tick++;
        int reach = (Physics.SHIP_RADIUS + Physics.ORB_RADIUS) * Physics.SCALE;
        long reachSquare = (long) reach * reach;
        for (Ship ship : ships.values()) {
            Input input = ship.bot ? botInput(ship) : inputs.getOrDefault(ship.id, Input.IDLE);
            physics.step(ship.state, input);
            for (int[] orb : orbs) {
                long dx = orb[0] - ship.state[0];
                long dy = orb[1] - ship.state[1];
                if (dx * dx + dy * dy <= reachSquare) {
                    ship.score = Math.min(ship.score + 1, 0xFFFF);
                    int[] moved = randomPoint(Physics.ORB_RADIUS);
                    orb[0] = moved[0];
                    orb[1] = moved[1];
                }
            }
        }
    }

    /** A bot heads for the nearest orb at full thrust. */
    private Input botInput(Ship ship) {
        int[] best = null;
        long bestSquare = Long.MAX_VALUE;
        for (int[] orb : orbs) {
            long dx = orb[0] - ship.state[0];
            long dy = orb[1] - ship.state[1];
            long square = dx * dx + dy * dy;
            if (square < bestSquare) {
                bestSquare = square;
                best = orb;
            }
        }
        if (best == null) {
            return Input.IDLE;
        }
        // aim at where the orb is relative to where the ship will drift, so bots do not orbit
        long dx = best[0] - (ship.state[0] + 4L * ship.state[2]);
        long dy = best[1] - (ship.state[1] + 4L * ship.state[3]);
        long length = Math.max(1, Math.max(Math.abs(dx), Math.abs(dy)));
        return new Input(0, (int) (dx * 127 / length), (int) (dy * 127 / length), 0);
    }

    private int[] randomPoint(int radius) {
        int span = (Physics.ARENA - 2 * radius) * Physics.SCALE;
        return new int[] {radius * Physics.SCALE + random.nextInt(span + 1), radius * Physics.SCALE + random.nextInt(span + 1)};
    }

    /**
     * What a viewer centred on (cx, cy) sees: every entity within {@link Physics#VIEW} on both
     * axes (the arena's view distance; and always {@code own}), as {id, kind, x, y, vx, vy, aux} records sorted by id, the
     * layout {@link dev.duplex.game.entity.SnapshotCodec} encodes.
     */
    int[] view(int cx, int cy, int own) {
        int view = this.view * Physics.SCALE;
        int[] out = new int[(ships.size() + orbs.length) * 7];
        int n = 0;
        for (Ship ship : ships.values()) {
            int[] s = ship.state;
            if (ship.id == own || (Math.abs(s[0] - cx) <= view && Math.abs(s[1] - cy) <= view)) {
                n = put(out, n, ship.id, ship.bot ? EntityKind.BOT : EntityKind.SHIP, s[0], s[1], s[2], s[3], ship.score);
            }
        }
        for (int i = 0; i < orbs.length; i++) {
            int[] o = orbs[i];
            if (Math.abs(o[0] - cx) <= view && Math.abs(o[1] - cy) <= view) {
                n = put(out, n, ORB_IDS + i, EntityKind.ORB, o[0], o[1], 0, 0, 0);
            }
        }
        return java.util.Arrays.copyOf(out, n * 7);
    }

    private static int put(int[] out, int n, int id, int kind, int x, int y, int vx, int vy, int aux) {
        int at = n * 7;
        out[at] = id;
        out[at + 1] = kind;
        out[at + 2] = x;
        out[at + 3] = y;
        out[at + 4] = vx;
        out[at + 5] = vy;
        out[at + 6] = aux;
        return n + 1;
    }

    /** A digest of the whole world, for the replay tests. */
    long digest() {
        long h = tick;
        for (Ship ship : ships.values()) {
            for (int v : ship.state) {
                h = h * 31 + v;
            }
            h = h * 31 + ship.score + ship.id;
        }
        for (int[] orb : orbs) {
            h = h * 31 + orb[0];
            h = h * 31 + orb[1];
        }
        return h;
    }
}
