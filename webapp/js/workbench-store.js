/**
 * The workbench's memory and its log filter, without DOM: saved connections and message snippets
 * kept in a Storage (localStorage in the page, any getItem/setItem object in tests), and the rule
 * that decides which log entries a filter shows.
 * @module workbench-store
 */

/**
 * @typedef {object} SavedConnection
 * @property {string} url
 * @property {string[]} protocols
 * @property {boolean} autoReconnect
 */
/** @typedef {{name: string, text: string}} Snippet */
/**
 * @typedef {object} LogFilter
 * @property {''|'in'|'out'|'local'} direction  '' for any
 * @property {string} type   '' for any; else the entry's type (message, send, open, close, error, state, reconnect, connect)
 * @property {string} text   case-insensitive text to find in the summary, kind or body
 */

export const CONNECTIONS_KEY = 'duplex.workbench.connections';
export const SNIPPETS_KEY = 'duplex.workbench.snippets';
export const MAX_SAVED = 20;

/**
 * @typedef {object} Preset a ready-made connection to one of this server's endpoints
 * @property {string} label
 * @property {string} path the endpoint, relative to the page (see endpoint.js socketUrl)
 * @property {string[]} protocols
 * @property {string} payload what the Send box gets: the first command worth sending
 */
/** The presets the workbench offers next to the saved connections (docs/FEED.md for /feed). */
export const PRESETS = Object.freeze([
  { label: 'Live feed (binary)', path: 'feed', protocols: ['feed.bin'], payload: '{"type":"subscribe","id":1,"topic":"weather","maxFrequency":1}' },
  { label: 'Live feed (JSON)', path: 'feed', protocols: ['feed.json'], payload: '{"type":"subscribe","id":1,"topic":"weather","maxFrequency":1}' },
]);

/**
 * Reads a JSON array from storage; a missing, unreadable or foreign value reads as empty.
 * @param {Storage} storage
 * @param {string} key
 * @returns {any[]}
 */
function readArray(storage, key) {
  try {
    const value = JSON.parse(storage.getItem(key) ?? '[]');
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/**
 * Writes, and says whether the browser kept it (storage can be full or disabled).
 * @returns {boolean}
 */
function writeArray(storage, key, values) {
  try {
    storage.setItem(key, JSON.stringify(values));
    return true;
  } catch {
    return false;
  }
}

/**
 * "echo, chat" → ["echo", "chat"]
 * @param {string} text
 * @returns {string[]}
 */
export function parseProtocols(text) {
  return String(text).split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * @param {SavedConnection} c
 * @returns {string} how a saved connection is listed, e.g. "ws://h/echo · echo, chat"
 */
export function connectionLabel(c) {
  return c.protocols.length > 0 ? `${c.url} · ${c.protocols.join(', ')}` : c.url;
}

/** @param {any} c @returns {c is SavedConnection} */
function isConnection(c) {
  return c && typeof c.url === 'string' && Array.isArray(c.protocols) && c.protocols.every((p) => typeof p === 'string');
}

/** @param {any} s @returns {s is Snippet} */
function isSnippet(s) {
  return s && typeof s.name === 'string' && typeof s.text === 'string';
}

export class WorkbenchStore {
  /** @param {Pick<Storage, 'getItem'|'setItem'>} storage */
  constructor(storage) {
    this.storage = storage;
  }

  /** @returns {SavedConnection[]} newest first */
  connections() {
    return readArray(this.storage, CONNECTIONS_KEY).filter(isConnection)
      .map((c) => ({ url: c.url, protocols: c.protocols, autoReconnect: c.autoReconnect === true }));
  }

  /**
   * Saves a connection at the top of the list; one with the same URL and subprotocols is replaced.
   * @param {SavedConnection} connection
   * @returns {boolean} whether the browser kept it
   */
  saveConnection(connection) {
    const same = (c) => c.url === connection.url && c.protocols.join(',') === connection.protocols.join(',');
    const list = [connection, ...this.connections().filter((c) => !same(c))].slice(0, MAX_SAVED);
    return writeArray(this.storage, CONNECTIONS_KEY, list);
  }

  /** @param {number} index @returns {boolean} */
  removeConnection(index) {
    const list = this.connections();
    list.splice(index, 1);
    return writeArray(this.storage, CONNECTIONS_KEY, list);
  }

  /** @returns {Snippet[]} newest first */
  snippets() {
    return readArray(this.storage, SNIPPETS_KEY).filter(isSnippet);
  }

  /**
   * Saves a snippet at the top; one with the same name is replaced.
   * @param {Snippet} snippet
   * @returns {boolean}
   */
  saveSnippet(snippet) {
    const list = [snippet, ...this.snippets().filter((s) => s.name !== snippet.name)].slice(0, MAX_SAVED);
    return writeArray(this.storage, SNIPPETS_KEY, list);
  }

  /** @param {number} index @returns {boolean} */
  removeSnippet(index) {
    const list = this.snippets();
    list.splice(index, 1);
    return writeArray(this.storage, SNIPPETS_KEY, list);
  }
}

/**
 * A snippet's name: its first line, shortened.
 * @param {string} text
 * @returns {string}
 */
export function snippetName(text) {
  const line = String(text).trim().split('\n')[0];
  return line.length > 40 ? `${line.slice(0, 39)}…` : line || '(empty)';
}

/**
 * Whether the filter shows the entry.
 * @param {{direction: string, type: string, kind?: string, summary?: string, body?: string}} entry
 * @param {LogFilter} filter
 * @returns {boolean}
 */
export function matchesFilter(entry, filter) {
  if (filter.direction && entry.direction !== filter.direction) return false;
  if (filter.type && entry.type !== filter.type) return false;
  const needle = filter.text.trim().toLowerCase();
  if (needle === '') return true;
  return [entry.type, entry.kind, entry.summary, entry.body]
    .some((field) => typeof field === 'string' && field.toLowerCase().includes(needle));
}

/**
 * The URL a WebSocket is opened with, checked the way the WebSocket constructor checks it, so that
 * Connect and Save accept and refuse the same things: relative to the page, http(s) becomes ws(s),
 * no fragment.
 * @param {string} text what was typed
 * @param {string|URL} base the page's URL
 * @returns {{url: string} | {error: string}}
 */
export function checkSocketUrl(text, base) {
  let url;
  try {
    url = new URL(String(text).trim(), base);
  } catch {
    return { error: `"${text}" is not a URL` };
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return { error: `The URL's scheme must be ws, wss, http or https, not "${url.protocol.slice(0, -1)}"` };
  }
  if (url.hash) return { error: 'A WebSocket URL has no fragment (#…)' };
  return { url: url.href };
}

/**
 * The HTTP URL that answers for a WebSocket URL, to ask the server why a handshake failed.
 * @param {string} socketUrl ws:// or wss://
 * @returns {string}
 */
export function httpUrlOf(socketUrl) {
  const url = new URL(socketUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.href;
}

/** Directions and types a log entry may have; anything else in an imported log is refused. */
const DIRECTIONS = new Set(['in', 'out', 'local']);

/**
 * Reads a log the workbench exported (Export JSON), to show it again: its newest `limit` entries,
 * with their times as Dates. Images are not in an export (only their type): they are left out.
 * @param {string} text the exported file
 * @param {number} [limit]
 * @returns {object[]} log entries
 * @throws {Error} when the file is not such a log, saying why
 */
export function parseExportedLog(text, limit = 2000) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`Not JSON: ${error.message}`);
  }
  if (!Array.isArray(data)) throw new Error('Not an exported log: expected a JSON array of events');
  return data.slice(-limit).map((e, i) => {
    const time = new Date(e?.time);
    if (!e || typeof e !== 'object' || Number.isNaN(time.getTime()) || !DIRECTIONS.has(e.direction) || typeof e.type !== 'string') {
      throw new Error(`Event ${i + 1} is not a log event (it needs time, direction and type)`);
    }
    const entry = { time, direction: e.direction, type: e.type };
    for (const key of ['kind', 'summary', 'body']) if (typeof e[key] === 'string') entry[key] = e[key];
    for (const key of ['size', 'count', 'rttMs']) if (Number.isFinite(e[key])) entry[key] = e[key];
    if (e.hex === true) entry.hex = true;
    if (e.close && Number.isInteger(e.close.code)) {
      entry.close = { code: e.close.code, reason: String(e.close.reason ?? ''), wasClean: e.close.wasClean === true };
    }
    return entry;
  });
}
