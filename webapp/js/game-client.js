/**
 * The page's side of the game, without the DOM: it rebuilds snapshots on the bases it keeps,
 * acknowledges them, predicts its own ship from its unacknowledged inputs and reconciles with the
 * server's state, and interpolates everything else ~100 ms behind (docs/PLAY.md, "The page").
 * @module game-client
 */
import { applySnapshot, encodeInput, KIND_ORB } from './game-codec.js';
import { physics } from './game-physics.js';

/** How far behind the newest snapshot other entities are drawn, in ms. */
export const INTERPOLATION_MS = 100;
/** Snapshots kept as delta bases (the server keeps 32 per client). */
const HISTORY = 64;
/** Snapshots kept for interpolation. */
const BUFFER = 30;

export class GameClient {
  /** @param {{you: number, tickHz: number, flags: number}} welcome */
  constructor(welcome) {
    this.you = welcome.you;
    this.tickHz = welcome.tickHz;
    this.periodMs = 1000 / welcome.tickHz;
    this.physics = physics(welcome.tickHz);
    /** tick -> Map of entities */
    this.history = new Map();
    /** [{at, tick, entities}] oldest first */
    this.buffer = [];
    this.lastTick = 0;
    this.received = 0;
    this.missed = 0;
    this.seq = 0;
    /** Inputs sent and not yet applied by the server, oldest first. */
    this.pending = [];
    /** Own ship: predicted [x, y, vx, vy] after the last input, and the state before it (for smoothing). */
    this.predicted = null;
    this.previous = null;
    this.predictedAt = 0;
    this.corrections = 0;
  }

  /**
   * Takes a decoded snapshot that arrived at `now` (ms).
   * @returns {boolean} false when its base is unknown (the next full snapshot repairs it)
   */
  snapshot(message, now) {
    const base = message.base === 0 ? null : this.history.get(message.base);
    if (message.base !== 0 && !base) return false;
    const entities = applySnapshot(message, base);
    if (message.tick <= this.lastTick) return true; // late duplicate: nothing new
    if (this.lastTick !== 0 && message.tick > this.lastTick + 1) this.missed += message.tick - this.lastTick - 1;
    this.received += 1;
    this.lastTick = message.tick;
    this.history.set(message.tick, entities);
    for (const tick of this.history.keys()) {
      if (tick <= message.tick - HISTORY) this.history.delete(tick);
    }
    this.buffer.push({ at: now, tick: message.tick, entities });
    if (this.buffer.length > BUFFER) this.buffer.shift();
    this.reconcile(entities.get(this.you), message.inputSeq);
    return true;
  }

  /** Starts from the server's state of the own ship and replays the inputs it has not applied yet. */
  reconcile(own, inputSeq) {
    if (!own) return;
    this.pending = this.pending.filter((input) => input.seq > inputSeq);
    const state = [own[2], own[3], own[4], own[5]];
    for (const input of this.pending) this.physics.step(state, input);
    if (this.predicted && (state[0] !== this.predicted[0] || state[1] !== this.predicted[1])) this.corrections += 1;
    this.predicted = state;
    if (!this.previous) this.previous = state.slice();
  }

  /**
   * The input for the next tick: applied to the prediction at once and returned encoded, with the
   * acknowledgement of the newest snapshot.
   */
  input(dx, dy, buttons, now) {
    this.seq += 1;
    const input = { seq: this.seq, dx, dy, buttons };
    if (this.you !== 0) {
      this.pending.push(input);
      if (this.pending.length > 120) this.pending.shift();
      if (this.predicted) {
        this.previous = this.predicted.slice();
        this.physics.step(this.predicted, input);
        this.predictedAt = now;
      }
    }
    return encodeInput({ seq: this.seq, ack: this.lastTick, dx, dy, buttons });
  }

  /** Share of snapshots that never arrived, 0..1. */
  loss() {
    const all = this.received + this.missed;
    return all === 0 ? 0 : this.missed / all;
  }

  /**
   * What to draw at `now`: other entities interpolated INTERPOLATION_MS behind, the own ship at
   * its prediction (smoothed between input ticks). Positions in world units.
   * @returns {{entities: Array<{id: number, kind: number, x: number, y: number, aux: number, own: boolean}>, own: ?{x: number, y: number}}}
   */
  frame(now) {
    const out = [];
    if (this.buffer.length === 0) return { entities: out, own: null };
    const at = now - INTERPOLATION_MS;
    let older = this.buffer[0];
    let newer = this.buffer[this.buffer.length - 1];
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      if (this.buffer[i].at <= at) {
        older = this.buffer[i];
        newer = this.buffer[Math.min(i + 1, this.buffer.length - 1)];
        break;
      }
    }
    const span = newer.at - older.at;
    const t = span > 0 ? Math.min(1, Math.max(0, (at - older.at) / span)) : 1;
    for (const [id, e] of newer.entities) {
      if (id === this.you) continue;
      const before = e[1] === KIND_ORB ? null : older.entities.get(id);
      // an orb that moved was collected and put elsewhere: it jumps, it does not glide
      const x = before ? before[2] + (e[2] - before[2]) * t : e[2];
      const y = before ? before[3] + (e[3] - before[3]) * t : e[3];
      out.push({ id, kind: e[1], x: x / 16, y: y / 16, aux: e[6], own: false });
    }
    let own = null;
    if (this.you !== 0 && this.predicted) {
      const a = Math.min(1, Math.max(0, (now - this.predictedAt) / this.periodMs));
      const p = this.previous ?? this.predicted;
      own = { x: (p[0] + (this.predicted[0] - p[0]) * a) / 16, y: (p[1] + (this.predicted[1] - p[1]) * a) / 16 };
      const server = newer.entities.get(this.you);
      out.push({ id: this.you, kind: server ? server[1] : 1, x: own.x, y: own.y, aux: server ? server[6] : 0, own: true });
    }
    return { entities: out, own };
  }
}
