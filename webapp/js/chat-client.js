/**
 * The chat protocol as the page speaks it: message shapes, what to remember to rejoin and catch
 * up after a reconnection, and which closes are worth reconnecting after. No DOM here.
 * @module chat-client
 */

/** The WebSocket subprotocol the /chat endpoint requires. */
export const SUBPROTOCOL = 'chat';

/**
 * @typedef {object} JoinCommand
 * @property {'join'} type
 * @property {string} room
 * @property {string} nick
 * @property {number} [since] id of the last message seen, to catch up after a reconnection
 * @property {string} [token] the token of the last welcome, to take the nickname back
 */
/** @typedef {{type: 'say', text: string}} SayCommand */
/** @typedef {{type: 'leave'}} LeaveCommand */
/**
 * @typedef {object} ChatMessage
 * @property {'message'} type
 * @property {number} id the room's sequence number, the same on every server instance
 * @property {string} room
 * @property {string} from
 * @property {string} text
 * @property {number} ts server time, milliseconds since the epoch
 */
/**
 * @typedef {object} Welcome
 * @property {'welcome'} type
 * @property {string} room
 * @property {string} nick
 * @property {string[]} members
 * @property {ChatMessage[]} history
 * @property {string} token
 * @property {boolean} truncated the history does not reach back to the `since` that was sent
 */
/**
 * @typedef {object} Presence
 * @property {'presence'} type
 * @property {string} room
 * @property {'joined'|'left'} event
 * @property {string} nick
 * @property {string[]} members
 */
/** @typedef {{type: 'error', code: string, message: string}} ChatError */
/** @typedef {Welcome|ChatMessage|Presence|ChatError} ServerMessage */

/**
 * @param {string} room
 * @param {string} nick
 * @param {{since?: number, token?: string}} [resume]
 * @returns {string}
 */
export function joinCommand(room, nick, resume = {}) {
  /** @type {JoinCommand} */
  const command = { type: 'join', room, nick };
  if (typeof resume.since === 'number') command.since = resume.since;
  if (resume.token) command.token = resume.token;
  return JSON.stringify(command);
}

/** @param {string} text @returns {string} */
export function sayCommand(text) {
  return JSON.stringify({ type: 'say', text });
}

/** @returns {string} */
export function leaveCommand() {
  return JSON.stringify({ type: 'leave' });
}

/**
 * @param {string} data a text frame from the server
 * @returns {ServerMessage|null} null when it is not a message this page knows
 */
export function parseServerMessage(data) {
  try {
    const message = JSON.parse(data);
    if (message && typeof message === 'object' && typeof message.type === 'string') return message;
  } catch {
    // not JSON: ignored
  }
  return null;
}

/**
 * What the page remembers of its membership: enough to rejoin after a reconnection and receive
 * exactly the messages it missed.
 */
export class ChatMembership {
  constructor() {
    /** @type {string|null} */ this.room = null;
    /** @type {string|null} */ this.nick = null;
    /** @type {string|null} */ this.token = null;
    /** the id of the newest message shown; 0 before any */
    this.lastId = 0;
    /** whether the server has welcomed us in the room (and we should rejoin after a reconnection) */
    this.joined = false;
    /** whether a join is under way */
    this.joining = false;
  }

  /**
   * The join to send: a fresh one, or a rejoin with `since` and `token` for the same room and nickname.
   * @param {string} room
   * @param {string} nick
   * @returns {string}
   */
  join(room, nick) {
    const rejoin = this.token !== null && this.room === room && this.nick === nick;
    if (!rejoin) {
      this.room = room;
      this.nick = nick;
      this.token = null;
      this.lastId = 0;
    }
    this.joining = true;
    return rejoin ? joinCommand(room, nick, { since: this.lastId, token: this.token }) : joinCommand(room, nick);
  }

  /** The rejoin to send after a reconnection, or null when we were not in a room. */
  rejoin() {
    return this.joined || this.joining ? this.join(/** @type {string} */ (this.room), /** @type {string} */ (this.nick)) : null;
  }

  /**
   * @param {Welcome} welcome
   * @returns {{fresh: boolean, messages: ChatMessage[]}} fresh: start the message list over;
   *   messages: the ones to show
   */
  welcomed(welcome) {
    const fresh = this.lastId === 0 || welcome.truncated;
    this.room = welcome.room;
    this.nick = welcome.nick;
    this.token = welcome.token;
    this.joined = true;
    this.joining = false;
    const messages = fresh ? welcome.history : welcome.history.filter((m) => m.id > this.lastId);
    if (welcome.history.length > 0) {
      this.lastId = welcome.history[welcome.history.length - 1].id;
    } else if (welcome.truncated) {
      this.lastId = 0;
    }
    return { fresh, messages };
  }

  /**
   * @param {ChatMessage} message
   * @returns {boolean} whether to show it (false for one already shown)
   */
  received(message) {
    if (message.id <= this.lastId) return false;
    this.lastId = message.id;
    return true;
  }

  /** @param {ChatMessage} message */
  isOwn(message) {
    return this.nick !== null && message.from === this.nick;
  }

  /**
   * What to keep in sessionStorage to rejoin after a reload, or null when not in a room.
   * @returns {{room: string, nick: string, token: string, lastId: number}|null}
   */
  toSaved() {
    if (!this.joined || this.token === null) return null;
    return { room: /** @type {string} */ (this.room), nick: /** @type {string} */ (this.nick), token: this.token, lastId: this.lastId };
  }

  /**
   * Takes back what {@link toSaved} kept; rejoin() then sends a join with its token and since.
   * Anything that is not a saved membership is ignored.
   * @param {unknown} saved
   * @returns {boolean} whether there was a membership to restore
   */
  restore(saved) {
    const s = /** @type {any} */ (saved);
    if (!s || typeof s.room !== 'string' || typeof s.nick !== 'string' || typeof s.token !== 'string'
        || !Number.isInteger(s.lastId) || s.lastId < 0) {
      return false;
    }
    this.room = s.room;
    this.nick = s.nick;
    this.token = s.token;
    this.lastId = s.lastId;
    this.joined = false;
    this.joining = true;
    return true;
  }

  /** The user left the room: forget everything. */
  left() {
    this.room = null;
    this.nick = null;
    this.token = null;
    this.lastId = 0;
    this.joined = false;
    this.joining = false;
  }
}

/**
 * Whether a closed chat socket should be reopened: not when the server replaced this connection
 * (4001, the same nickname connected elsewhere), refused our data (1003), or closed it for a policy
 * violation other than being a slow consumer (1008), nor when the page closed it itself.
 * @param {number} code
 * @param {string} reason
 * @returns {boolean}
 */
export function shouldReconnect(code, reason) {
  if (code === 4001 || code === 1003 || code === 1000) return false;
  if (code === 1008) return reason === 'Slow consumer';
  return true;
}

const two = (n) => String(n).padStart(2, '0');

/**
 * When a message was said, in local time: with seconds for today ("14:03:07"), with the date for
 * an earlier day ("12-04 14:03"). The full date and time is in {@link formatFullTime} (the hover).
 * @param {number} ts milliseconds since the epoch
 * @param {number} [now]
 * @returns {string}
 */
export function formatTime(ts, now = Date.now()) {
  const date = new Date(ts);
  const today = new Date(now);
  const hm = `${two(date.getHours())}:${two(date.getMinutes())}`;
  if (date.toDateString() === today.toDateString()) return `${hm}:${two(date.getSeconds())}`;
  return `${two(date.getMonth() + 1)}-${two(date.getDate())} ${hm}`;
}

/**
 * @param {number} ts milliseconds since the epoch
 * @returns {string} e.g. "2026-12-05 14:03:07", local time
 */
export function formatFullTime(ts) {
  const d = new Date(ts);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
