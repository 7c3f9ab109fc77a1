/**
 * Exponential backoff with jitter for reconnecting sockets.
 * @module backoff
 */

export class Backoff {
  /**
   * @param {{initialMs?: number, maxMs?: number, factor?: number, random?: () => number}} [options]
   */
  constructor({ initialMs = 500, maxMs = 30000, factor = 2, random = Math.random } = {}) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.random = random;
    this.attempt = 0;
  }

  /**
   * The delay before the next attempt: it doubles each time up to the maximum, and a random
   * half of it is taken off so that many clients do not come back at the same instant.
   * @returns {number} milliseconds
   */
  next() {
    const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** Starts again from the initial delay, after a successful connection. */
  reset() {
    this.attempt = 0;
  }
}
