/**
 * Remembers the close that ended a session. After a server stop the pages retry: each attempt that
 * never opens closes with 1006, and showing that last 1006 hid why the session really ended (1001
 * "Server shutting down"). A close counts only when its socket had opened.
 * @module session-end
 */

/** @typedef {{code: number, reason: string}} Close */

export class SessionEnd {
  constructor() {
    /** @type {Close|null} */
    this.ended = null;
    this.open = false;
  }

  /** A socket opened: a new session, nothing ended yet. */
  opened() {
    this.open = true;
    this.ended = null;
  }

  /**
   * A socket closed.
   * @param {number} code
   * @param {string} [reason]
   * @returns {Close} the close to show: the one that ended the session, not a failed attempt's
   */
  closed(code, reason = '') {
    if (this.open || this.ended === null) this.ended = { code, reason };
    this.open = false;
    return this.ended;
  }

  /**
   * @param {Close} close
   * @returns {string} e.g. "1001 Server shutting down" or "1006"
   */
  static describe(close) {
    return `${close.code}${close.reason ? ` ${close.reason}` : ''}`;
  }
}
