/**
 * What the live page knows, without DOM: every item's current fields, which fields changed since
 * the last paint and in which direction, a short price history per item, and the footer's
 * figures (updates per second, conflated changes, publish-to-screen latency percentiles over a
 * sliding window). Network messages are applied as they arrive; the page paints from
 * {@link LiveModel#takeDirty} at most once per animation frame.
 * @module live-model
 */

/**
 * @typedef {Object<string, number|string>} Fields
 * @typedef {'up'|'down'|'same'|'set'} Direction 'set' for a text, or a value seen for the first time
 */

/**
 * How a field moved.
 * @param {number|string|undefined} before
 * @param {number|string} after
 * @returns {Direction}
 */
export function direction(before, after) {
  if (typeof before !== 'number' || typeof after !== 'number') return 'set';
  if (after > before) return 'up';
  if (after < before) return 'down';
  return 'same';
}

/**
 * The p-th percentile (0 < p ≤ 100) by nearest rank of sorted values; NaN when there are none.
 * @param {ArrayLike<number>} sorted ascending
 * @param {number} p
 * @returns {number}
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Latencies (ms) seen in the last `windowMs`, at most `capacity` of them (the newest). */
export class LatencyWindow {
  /** @param {{windowMs?: number, capacity?: number}} [options] */
  constructor({ windowMs = 5000, capacity = 20000 } = {}) {
    this.windowMs = windowMs;
    this.capacity = capacity;
    this.values = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.start = 0;
    this.size = 0;
  }

  /** @param {number} latencyMs @param {number} nowMs */
  add(latencyMs, nowMs) {
    const at = (this.start + this.size) % this.capacity;
    this.values[at] = latencyMs;
    this.times[at] = nowMs;
    if (this.size < this.capacity) this.size += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** @param {number} nowMs */
  expire(nowMs) {
    while (this.size > 0 && this.times[this.start] < nowMs - this.windowMs) {
      this.start = (this.start + 1) % this.capacity;
      this.size -= 1;
    }
  }

  /**
   * @param {number} nowMs
   * @returns {{count: number, p50: number, p99: number}} NaN percentiles when the window is empty
   */
  summary(nowMs) {
    this.expire(nowMs);
    const sorted = new Float64Array(this.size);
    for (let i = 0; i < this.size; i += 1) sorted[i] = this.values[(this.start + i) % this.capacity];
    sorted.sort();
    return { count: this.size, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
}

/** Counts events in buckets of `bucketMs` and gives the rate per second over the last `windowMs`. */
export class RateCounter {
  /** @param {{windowMs?: number, bucketMs?: number}} [options] */
  constructor({ windowMs = 2000, bucketMs = 250 } = {}) {
    this.bucketMs = bucketMs;
    this.buckets = new Float64Array(Math.ceil(windowMs / bucketMs));
    this.windowMs = this.buckets.length * bucketMs;
    /** the bucket number (time / bucketMs) of the newest bucket */
    this.newest = -1;
    this.total = 0;
  }

  /** Moves the window so that its newest bucket holds `nowMs`, emptying the ones that fell out. */
  advance(nowMs) {
    const bucket = Math.floor(nowMs / this.bucketMs);
    if (this.newest < 0) this.newest = bucket;
    const steps = Math.min(this.buckets.length, bucket - this.newest);
    for (let i = 1; i <= steps; i += 1) this.buckets[(this.newest + i) % this.buckets.length] = 0;
    if (bucket > this.newest) this.newest = bucket;
  }

  /** @param {number} n @param {number} nowMs */
  add(n, nowMs) {
    this.advance(nowMs);
    this.buckets[this.newest % this.buckets.length] += n;
    this.total += n;
  }

  /** Events per second over the window (the current, partly filled bucket counts in full). */
  rate(nowMs) {
    this.advance(nowMs);
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i += 1) sum += this.buckets[i];
    return (sum * 1000) / this.windowMs;
  }
}

/** One item as the page shows it. */
export class ItemState {
  /** @param {string} topic @param {string} item @param {number} historyLength */
  constructor(topic, item, historyLength) {
    this.topic = topic;
    this.item = item;
    /** @type {Fields} */
    this.fields = {};
    this.seq = 0;
    this.ts = 0;
    /** the field whose values the history keeps (a stock's last price) */
    this.history = new Float64Array(historyLength);
    this.historySize = 0;
    this.historyStart = 0;
    /** @type {Map<string, Direction>} fields changed since the last paint */
    this.changed = new Map();
    this.dirty = false;
  }

  /** @param {number} value */
  remember(value) {
    const n = this.history.length;
    if (n === 0) return;
    this.history[(this.historyStart + this.historySize) % n] = value;
    if (this.historySize < n) this.historySize += 1;
    else this.historyStart = (this.historyStart + 1) % n;
  }

  /** @returns {number[]} the kept values, oldest first */
  historyValues() {
    const out = [];
    for (let i = 0; i < this.historySize; i += 1) out.push(this.history[(this.historyStart + i) % this.history.length]);
    return out;
  }
}

/** The page's model of every item of every topic it subscribed to. */
export class LiveModel {
  /**
   * @param {{historyLength?: number, historyField?: string, latencyWindowMs?: number, rateWindowMs?: number,
   *   maxPending?: number}} [options]
   */
  constructor({ historyLength = 60, historyField = 'last', latencyWindowMs = 5000, rateWindowMs = 2000, maxPending = 5000 } = {}) {
    this.historyLength = historyLength;
    this.historyField = historyField;
    /** @type {Map<string, Map<string, ItemState>>} topic → item → state */
    this.topics = new Map();
    /** @type {ItemState[]} changed since the last paint */
    this.dirtyItems = [];
    /** @type {ItemState[]} items that appeared since the last paint */
    this.newItems = [];
    this.rate = new RateCounter({ windowMs: rateWindowMs });
    this.latency = new LatencyWindow({ windowMs: latencyWindowMs });
    this.conflated = 0;
    this.updates = 0;
    this.stale = 0;
    /** publication times (µs) of the updates applied since the last paint */
    this.pending = new Float64Array(maxPending);
    this.pendingSize = 0;
  }

  /** @param {string} topic @returns {Map<string, ItemState>} */
  items(topic) {
    let items = this.topics.get(topic);
    if (!items) {
      items = new Map();
      this.topics.set(topic, items);
    }
    return items;
  }

  /** @param {string} topic @param {string} item @returns {ItemState} */
  state(topic, item) {
    const items = this.items(topic);
    let state = items.get(item);
    if (!state) {
      state = new ItemState(topic, item, this.historyLength);
      items.set(item, state);
      this.newItems.push(state);
    }
    return state;
  }

  /**
   * A snapshot replaces what is known of its items (a fresh subscription or a reconnection).
   * @param {string} topic
   * @param {Array<{item: string, seq: number, ts: number, fields: Fields}>} items
   */
  snapshot(topic, items) {
    for (const { item, seq, ts, fields } of items) {
      const state = this.state(topic, item);
      state.seq = seq;
      state.ts = ts;
      for (const name of Object.keys(fields)) this.change(state, name, fields[name], true);
    }
  }

  /**
   * Applies updates; one whose seq is not newer than the item's is stale and skipped.
   * @param {string} topic
   * @param {{item: string, seq: number, ts: number, conflated: number, fields: Fields}} update
   * @param {number} nowMs
   * @returns {boolean} whether it was applied
   */
  update(topic, update, nowMs) {
    const state = this.state(topic, update.item);
    if (update.seq <= state.seq) {
      this.stale += 1;
      return false;
    }
    state.seq = update.seq;
    state.ts = update.ts;
    const { fields } = update;
    for (const name of Object.keys(fields)) this.change(state, name, fields[name], false);
    this.updates += 1;
    this.conflated += update.conflated;
    this.rate.add(1, nowMs);
    if (this.pendingSize < this.pending.length) this.pending[this.pendingSize++] = update.ts;
    return true;
  }

  /**
   * @param {ItemState} state @param {string} name @param {number|string} value
   * @param {boolean} fromSnapshot a snapshot's values do not flash
   */
  change(state, name, value, fromSnapshot) {
    const before = state.fields[name];
    state.fields[name] = value;
    if (name === this.historyField && typeof value === 'number') state.remember(value);
    const moved = fromSnapshot ? 'set' : direction(before, value);
    if (!fromSnapshot && moved === 'same') return;
    state.changed.set(name, moved);
    if (!state.dirty) {
      state.dirty = true;
      this.dirtyItems.push(state);
    }
  }

  /**
   * The items changed since the last call, each with its changed fields (cleared by the next call).
   * @returns {{fresh: ItemState[], changed: Array<{state: ItemState, fields: Map<string, Direction>}>}}
   */
  takeDirty() {
    const fresh = this.newItems;
    this.newItems = [];
    const changed = this.dirtyItems.map((state) => {
      const fields = state.changed;
      state.changed = new Map();
      state.dirty = false;
      return { state, fields };
    });
    this.dirtyItems = [];
    return { fresh, changed };
  }

  /**
   * The updates applied since the last paint are on screen now: their publish-to-screen latencies
   * go into the window.
   * @param {number} epochMs the wall-clock time of the paint (performance.timeOrigin + performance.now())
   * @param {number} nowMs the clock the windows run on
   */
  painted(epochMs, nowMs) {
    for (let i = 0; i < this.pendingSize; i += 1) this.latency.add(epochMs - this.pending[i] / 1000, nowMs);
    this.pendingSize = 0;
  }

  /** @param {number} nowMs @returns {{rate: number, updates: number, conflated: number, p50: number, p99: number, samples: number}} */
  figures(nowMs) {
    const { count, p50, p99 } = this.latency.summary(nowMs);
    return { rate: this.rate.rate(nowMs), updates: this.updates, conflated: this.conflated, p50, p99, samples: count };
  }

  /** Forgets the items of a topic (a subscription ended); the footer's figures stay. @param {string} topic */
  forget(topic) {
    this.topics.delete(topic);
    this.dirtyItems = this.dirtyItems.filter((s) => s.topic !== topic);
    this.newItems = this.newItems.filter((s) => s.topic !== topic);
  }
}

/**
 * The filter's terms: "ac, bolt" → ["AC", "BOLT"].
 * @param {string} text
 * @returns {string[]}
 */
export function filterTerms(text) {
  return String(text).split(/[\s,;]+/).map((t) => t.trim().toUpperCase()).filter((t) => t.length > 0);
}

/**
 * Which of the (sorted) symbols the board shows: those starting with one of the filter's terms
 * (all when there is none), at most `limit` of them (0: no limit).
 * @param {string[]} symbols in board order
 * @param {string} filter
 * @param {number} limit
 * @returns {Set<string>}
 */
export function visibleSymbols(symbols, filter, limit) {
  const terms = filterTerms(filter);
  const shown = new Set();
  for (const symbol of symbols) {
    if (limit > 0 && shown.size >= limit) break;
    const upper = symbol.toUpperCase();
    if (terms.length === 0 || terms.some((t) => upper.startsWith(t))) shown.add(symbol);
  }
  return shown;
}

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** How the fields read, by topic and field; anything else is shown as it came. */
const FORMATS = {
  stocks: {
    last: (v) => v.toFixed(2),
    bid: (v) => v.toFixed(2),
    ask: (v) => v.toFixed(2),
    high: (v) => v.toFixed(2),
    low: (v) => v.toFixed(2),
    change: (v) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)}`,
    volume: (v) => grouping.format(v),
  },
  weather: {
    temperature: (v) => `${v.toFixed(1)} °C`,
    wind: (v) => `${v.toFixed(1)} km/h`,
    humidity: (v) => `${v.toFixed(0)} %`,
    pressure: (v) => `${v.toFixed(1)} hPa`,
  },
};

/** Data older than this is marked on the page (the row's `aged` class and the footer's count). */
export const AGED_AFTER_MS = 2000;

/**
 * How old the shown data is: each item's age is now minus its `ts` (the publication time, on the
 * server's clock: a client clock that is off shifts every age alike).
 * @param {Iterable<ItemState>} states
 * @param {number} nowMs the client's wall clock, epoch milliseconds
 * @param {number} [agedAfterMs]
 * @returns {{oldestMs: number, aged: Set<ItemState>}} the largest age (NaN with no item) and the items older than the threshold
 */
export function dataAge(states, nowMs, agedAfterMs = AGED_AFTER_MS) {
  let oldestMs = Number.NaN;
  const aged = new Set();
  for (const state of states) {
    if (state.ts === 0) continue;
    const age = Math.max(0, nowMs - state.ts / 1000);
    if (!(age <= oldestMs)) oldestMs = age;
    if (age > agedAfterMs) aged.add(state);
  }
  return { oldestMs, aged };
}

/**
 * A field's value as the page shows it.
 * @param {string} topic
 * @param {string} field
 * @param {number|string|undefined} value
 * @returns {string}
 */
export function formatField(topic, field, value) {
  if (value === undefined) return '–';
  if (typeof value !== 'number') return String(value);
  const format = FORMATS[topic]?.[field];
  return format ? format(value) : String(value);
}

/**
 * A number of milliseconds for the footer: "3.4 ms", "120 ms", "–" when there is none.
 * @param {number} ms
 * @returns {string}
 */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  return `${Math.abs(ms) < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
