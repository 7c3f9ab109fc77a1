/**
 * The workbench's event log: one row per event, newest last, built with createElement and
 * textContent only. It keeps at most `limit` rows and can export them as JSON.
 * @module eventlog
 */
import { formatBytes, formatClock } from './format.js';

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
 * @property {Blob}   [image]   an image to show as a thumbnail
 * @property {object} [close]   {code, reason, wasClean}
 */

const ARROWS = { in: '←', out: '→', local: '•' };

export class EventLog {
  /**
   * @param {HTMLOListElement} list where the rows go
   * @param {{limit?: number, onChange?: (count: number, dropped: number) => void}} [options]
   */
  constructor(list, { limit = 2000, onChange = () => {} } = {}) {
    this.list = list;
    this.limit = limit;
    this.onChange = onChange;
    /** @type {{entry: LogEntry, row: HTMLLIElement, url?: string}[]} */
    this.rows = [];
    this.dropped = 0;
  }

  /** @param {LogEntry} entry */
  add(entry) {
    const stick = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    const { row, url } = this.render(entry);
    this.list.append(row);
    this.rows.push({ entry, row, url });
    while (this.rows.length > this.limit) {
      this.remove(this.rows.shift());
      this.dropped += 1;
    }
    if (stick) this.list.scrollTop = this.list.scrollHeight;
    this.onChange(this.rows.length, this.dropped);
  }

  clear() {
    this.rows.forEach((r) => this.remove(r));
    this.rows = [];
    this.dropped = 0;
    this.onChange(0, 0);
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
      pre.className = 'event-body';
      pre.textContent = entry.body;
      row.append(pre);
    }
    let url;
    if (entry.image) {
      url = URL.createObjectURL(entry.image);
      const img = document.createElement('img');
      img.className = 'thumb';
      img.alt = `${entry.image.type} image, ${formatBytes(entry.image.size)}`;
      img.src = url;
      row.append(img);
    }
    return { row, url };
  }
}
