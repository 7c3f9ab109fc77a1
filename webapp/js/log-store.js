/**
 * Keeps the workbench's event log across reloads in IndexedDB, bounded: the newest `limit` entries
 * (images included, as Blobs) and nothing older. When the browser refuses IndexedDB the log simply
 * is not kept; the page says so once.
 * @module log-store
 */

const DB = 'duplex-workbench';
const STORE = 'events';

/** @param {IDBRequest|IDBTransaction} request @returns {Promise<any>} */
function settle(request) {
  return new Promise((resolve, reject) => {
    if ('onsuccess' in request && !(request instanceof IDBTransaction)) {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    } else {
      request.oncomplete = () => resolve(undefined);
      request.onerror = () => reject(request.error);
      request.onabort = () => reject(request.error ?? new Error('aborted'));
    }
  });
}

export class LogStore {
  /** @param {IDBDatabase} db @param {number} limit */
  constructor(db, limit) {
    this.db = db;
    this.limit = limit;
    /** writes in the order they were asked for */
    this.queue = Promise.resolve();
  }

  /**
   * @param {number} [limit] entries kept
   * @returns {Promise<LogStore>}
   */
  static async open(limit = 2000) {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { autoIncrement: true });
    return new LogStore(await settle(request), limit);
  }

  /** @returns {Promise<object[]>} the kept entries, oldest first */
  async all() {
    return settle(this.db.transaction(STORE).objectStore(STORE).getAll());
  }

  /**
   * Keeps entries, then drops the oldest beyond the limit.
   * @param {object[]} entries
   * @returns {Promise<void>}
   */
  add(entries) {
    this.queue = this.queue.then(async () => {
      const tx = this.db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      entries.forEach((entry) => store.add(entry));
      const count = await settle(store.count());
      if (count > this.limit) {
        const keys = await settle(store.getAllKeys(null, count - this.limit));
        if (keys.length > 0) store.delete(IDBKeyRange.bound(keys[0], keys[keys.length - 1]));
      }
      await settle(tx);
    });
    return this.queue;
  }

  /** @returns {Promise<void>} */
  clear() {
    this.queue = this.queue.then(() => {
      const tx = this.db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).clear();
      return settle(tx);
    });
    return this.queue;
  }
}
