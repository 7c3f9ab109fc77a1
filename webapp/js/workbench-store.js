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
