package dev.duplex.game.entity;

/**
 * How a ship moves in one tick, in integers only so that the page's prediction
 * ({@code webapp/js/game-physics.js}) computes the same positions bit for bit. Positions are in
 * 1/16 of a world unit, velocities in 1/16 unit per tick; the constants per second are converted
 * to per tick for the room's tick rate. docs/PLAY.md, "Physics", is the reference.
 */
public final class Physics {

    /** Sub-units per world unit. */
    public static final int SCALE = 16;
    /** Side of the square arena, in world units. */
    public static final int ARENA = 2000;
    /** Ship radius, world units. */
    public static final int SHIP_RADIUS = 18;
    /** Orb radius, world units. */
    public static final int ORB_RADIUS = 8;
    /** Top speed without boost, world units per second. */
    public static final int MAX_SPEED = 360;
    /** Acceleration at full thrust, world units per second squared. */
    public static final int ACCEL = 1200;
    /** Velocity lost per tick: {@code v -= trunc(v * DRAG / 64)}, at least 1 (see {@link #drag}). */
    public static final int DRAG = 3;
    /** Half the side of the square a player sees around its ship, world units (interest management). */
    public static final int VIEW = 600;

    private final int maxSpeed;
    private final int accel;

    public Physics(int tickHz) {
        if (tickHz < 1 || tickHz > 120) {
            throw new IllegalArgumentException("tick rate " + tickHz + " not in 1..120");
        }
        this.maxSpeed = MAX_SPEED * SCALE / tickHz;
        this.accel = ACCEL * SCALE / (tickHz * tickHz);
    }

    /** Top speed per tick (1/16 units) without boost. */
    public int maxSpeed() {
        return maxSpeed;
    }

    /** Top speed per tick (1/16 units) with the input's buttons. */
    public int maxSpeed(boolean boost) {
        return boost ? maxSpeed * 3 / 2 : maxSpeed;
    }

    /** Velocity lost per tick: {@code trunc(v * DRAG / 64)}, at least 1 towards 0, so that a coasting ship comes to rest. */
    static int drag(int v) {
        int d = v * DRAG / 64;
        return d != 0 ? d : Integer.signum(v);
    }

    /**
     * Moves a ship one tick: {@code s} is {x, y, vx, vy}, changed in place.
     */
    public void step(int[] s, Input input) {
        int factor = input.boost() ? 3 : 2;
        int vx = s[2] + input.dx() * accel * factor / (127 * 2);
        int vy = s[3] + input.dy() * accel * factor / (127 * 2);
        vx -= drag(vx);
        vy -= drag(vy);
        int max = maxSpeed(input.boost());
        long square = (long) vx * vx + (long) vy * vy;
        if (square > (long) max * max) {
            double length = Math.sqrt((double) square);
            vx = (int) (vx * max / length);
            vy = (int) (vy * max / length);
        }
        int min = SHIP_RADIUS * SCALE;
        int limit = (ARENA - SHIP_RADIUS) * SCALE;
        int x = s[0] + vx;
        int y = s[1] + vy;
        if (x < min) {
            x = min;
            vx = 0;
        } else if (x > limit) {
            x = limit;
            vx = 0;
        }
        if (y < min) {
            y = min;
            vy = 0;
        } else if (y > limit) {
            y = limit;
            vy = 0;
        }
        s[0] = x;
        s[1] = y;
        s[2] = vx;
        s[3] = vy;
    }
}
