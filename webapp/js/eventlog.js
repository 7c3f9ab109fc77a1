/**
 * The workbench's event log: one row per event, newest last, built with createElement and
 * textContent only. It keeps at most `limit` rows and can export them as JSON. It follows new
 * events while the user is at the bottom; scrolled up, it stays put and counts what arrived
 * (onUnseen). A filter hides rows without removing them; pause holds new events back until resume.
 * @module eventlog
 */
import { formatBytes, formatClock } from './format.js';
import { matchesFilter } from './workbench-store.js';

/**
 * @typedef {object} LogEntry
 * @property {Date} time
 * @property {'in'|'out'|'local'} direction  from the server, to the server, or in the browser
 * @property {string} type      open, message, send, error, close, state, reconnect
 * @property {string} [kind]    text, json or binary, for messages
 * @property {string} [summary] one line shown next to the type
 * @property {number} [size]    bytes on the wire
 * @property {number} [count]   how many times it was sent
 * @property {number} [rttMs]   echo round trip time
 * @property {string} [body]    text, pretty JSON or a hex dump
 * @property {boolean} [hex]    the body is a hex dump (kept 16 bytes a row)
 * @property {Blob}   [image]   an image to show as a thumbnail
 * @property {object} [close]   {code, reason, wasClean}
 */

const ARROWS = { in: '←', out: '→', local: '•' };

export class EventLog {
  /**
   * @param {HTMLOListElement} list where the rows go
   * @param {{limit?: number, onChange?: (count: number, dropped: number, held: number) => void,
   *          onUnseen?: (unseen: number) => void, onAppend?: (entries: LogEntry[]) => void}} [options]
   *   onAppend: told of the entries shown, to keep them (not of those restored with addAll(…, false))
   */
  constructor(list, { limit = 2000, onChange = () => {}, onUnseen = () => {}, onAppend = () => {} } = {}) {
    this.list = list;
    this.onAppend = onAppend;
    this.limit = limit;
    this.onChange = onChange;
    this.onUnseen = onUnseen;
    /** @type {{entry: LogEntry, row: HTMLLIElement, url?: string}[]} */
    this.rows = [];
    this.dropped = 0;
    /** @type {LogEntry[]} entries that arrived while paused */
    this.held = [];
    this.paused = false;
    this.unseen = 0;
    /** @type {import('./workbench-store.js').LogFilter} */
    this.filter = { direction: '', type: '', text: '' };
    /** whether the list keeps showing the newest row (the user has not scrolled up) */
    this.following = true;
    list.addEventListener('scroll', () => {
      this.following = this.atBottom();
      if (this.unseen > 0 && this.following) this.setUnseen(0);
    });
  }

  /** @returns {boolean} whether the list shows its newest rows (within a few pixels) */
  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 24;
  }

  /** @param {LogEntry} entry */
  add(entry) {
    if (this.paused) {
      this.held.push(entry);
      if (this.held.length > this.limit) this.held.shift();
      this.onChange(this.rows.length, this.dropped, this.held.length);
      return;
    }
    this.append([entry]);
  }

  /**
   * Shows entries kept from before (a reload, an imported log) after the ones shown.
   * @param {LogEntry[]} entries
   * @param {boolean} keep whether onAppend hears of them (an import is kept; a restore already is)
   */
  addAll(entries, keep) {
    this.append(entries, keep);
  }

  /** @private */
  append(entries, keep = true) {
    const stick = this.following || this.atBottom();
    let shown = 0;
    entries.forEach((entry) => {
      const { row, url } = this.render(entry);
      row.hidden = !matchesFilter(entry, this.filter);
      if (!row.hidden) shown += 1;
      this.list.append(row);
      this.rows.push({ entry, row, url });
    });
    while (this.rows.length > this.limit) {
      this.remove(this.rows.shift());
      this.dropped += 1;
    }
    if (stick) {
      this.scrollToEnd();
    } else if (shown > 0) {
      this.setUnseen(this.unseen + shown);
    }
    if (keep && entries.length > 0) this.onAppend(entries);
    this.onChange(this.rows.length, this.dropped, this.held.length);
  }

  /** Shows the newest rows and forgets the unseen count. */
  scrollToEnd() {
    this.following = true;
    this.list.scrollTop = this.list.scrollHeight;
    this.setUnseen(0);
  }

  /** @private */
  setUnseen(n) {
    this.unseen = n;
    this.onUnseen(n);
  }

  /** Holds new events back (they are kept, up to the limit) until resume(). */
  pause() {
    this.paused = true;
    this.onChange(this.rows.length, this.dropped, this.held.length);
  }

  /** Shows the held events and follows new ones again. */
  resume() {
    this.paused = false;
    const held = this.held;
    this.held = [];
    this.append(held);
  }

  /** @param {import('./workbench-store.js').LogFilter} filter */
  setFilter(filter) {
    this.filter = { ...filter };
    this.rows.forEach(({ entry, row }) => {
      row.hidden = !matchesFilter(entry, this.filter);
    });
    this.scrollToEnd();
    this.onChange(this.rows.length, this.dropped, this.held.length);
  }

  /** @returns {number} rows the filter shows */
  visibleCount() {
    return this.rows.filter(({ row }) => !row.hidden).length;
  }

  clear() {
    this.rows.forEach((r) => this.remove(r));
    this.rows = [];
    this.held = [];
    this.dropped = 0;
    this.setUnseen(0);
    this.onChange(0, 0, 0);
  }

  /** @returns {object[]} the rows as plain data, for export */
  toJSON() {
    return this.rows.map(({ entry }) => {
      const { image, time, ...rest } = entry;
      return { time: time.toISOString(), ...rest, ...(image ? { image: image.type } : {}) };
    });
  }

  /** @private */
  remove({ row, url }) {
    row.remove();
    if (url) URL.revokeObjectURL(url);
  }

  /** @private */
  render(entry) {
    const row = document.createElement('li');
    row.className = `event event-${entry.direction} event-${entry.type}`;
    row.dataset.type = entry.type;
    row.dataset.direction = entry.direction;
    if (entry.kind) row.dataset.kind = entry.kind;
    if (entry.close) row.dataset.code = String(entry.close.code);

    const head = document.createElement('div');
    head.className = 'event-head';
    const span = (className, text) => {
      const s = document.createElement('span');
      s.className = className;
      s.textContent = text;
      head.append(s);
    };
    span('time', formatClock(entry.time));
    span('dir', ARROWS[entry.direction]);
    span('type', entry.kind ? `${entry.type} · ${entry.kind}` : entry.type);
    if (entry.size !== undefined) span('size', formatBytes(entry.size) + (entry.count > 1 ? ` × ${entry.count}` : ''));
    if (entry.rttMs !== undefined) span('rtt', `rtt ${entry.rttMs.toFixed(1)} ms`);
    if (entry.close) {
      span('close', `code ${entry.close.code} · reason "${entry.close.reason}" · wasClean ${entry.close.wasClean}`);
    }
    if (entry.summary) span('summary', entry.summary);
    row.append(head);

    if (entry.body !== undefined) {
      const pre = document.createElement('pre');
      pre.className = entry.hex ? 'event-body hex' : 'event-body';
      pre.tabIndex = 0; // it may scroll: the keyboard must reach it
      pre.textContent = entry.body;
      row.append(pre);
    }
    let url;
    if (entry.image) {
      url = URL.createObjectURL(entry.image);
      const img = document.createElement('img');
      img.className = 'thumb';
      img.alt = `${entry.image.type} image, ${formatBytes(entry.image.size)}`;
      // a thumbnail grows the row when it loads: stay at the end if the log was following
      img.addEventListener('load', () => {
        if (this.following) this.list.scrollTop = this.list.scrollHeight;
      }, { once: true });
      img.src = url;
      row.append(img);
    }
    return { row, url };
  }
}
