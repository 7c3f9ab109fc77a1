/**
 * Ship movement for the page's prediction: the same integer steps as the server's Physics
 * (docs/PLAY.md, "Physics"), so that replaying unacknowledged inputs on the server's state
 * lands where the server will. Positions in 1/16 world units, velocities in 1/16 unit per tick.
 * @module game-physics
 */

export const SCALE = 16;
export const ARENA = 2000;
export const SHIP_RADIUS = 18;
export const ORB_RADIUS = 8;
export const MAX_SPEED = 360;
export const ACCEL = 1200;
export const DRAG = 3;
export const BOOST = 1;

const trunc = (a, b) => Math.trunc(a / b);
/** Velocity lost per tick: trunc(v * DRAG / 64), at least 1 towards 0, so that a coasting ship comes to rest. */
const drag = (v) => trunc(v * DRAG, 64) || Math.sign(v);

/**
 * The physics of a room at its tick rate.
 * @param {number} tickHz
 */
export function physics(tickHz) {
  const maxSpeed = trunc(MAX_SPEED * SCALE, tickHz);
  const accel = trunc(ACCEL * SCALE, tickHz * tickHz);
  return {
    maxSpeed,
    /**
     * Moves a ship one tick.
     * @param {number[]} s [x, y, vx, vy], changed in place
     * @param {{dx: number, dy: number, buttons: number}} input
     */
    step(s, { dx, dy, buttons }) {
      const boost = (buttons & BOOST) !== 0;
      const factor = boost ? 3 : 2;
      let vx = s[2] + trunc(dx * accel * factor, 127 * 2);
      let vy = s[3] + trunc(dy * accel * factor, 127 * 2);
      vx -= drag(vx);
      vy -= drag(vy);
      const max = boost ? trunc(maxSpeed * 3, 2) : maxSpeed;
      const square = vx * vx + vy * vy;
      if (square > max * max) {
        const length = Math.sqrt(square);
        vx = Math.trunc(vx * max / length);
        vy = Math.trunc(vy * max / length);
      }
      const min = SHIP_RADIUS * SCALE;
      const limit = (ARENA - SHIP_RADIUS) * SCALE;
      let x = s[0] + vx;
      let y = s[1] + vy;
      if (x < min) { x = min; vx = 0; } else if (x > limit) { x = limit; vx = 0; }
      if (y < min) { y = min; vy = 0; } else if (y > limit) { y = limit; vy = 0; }
      s[0] = x; s[1] = y; s[2] = vx; s[3] = vy;
    },
  };
}
