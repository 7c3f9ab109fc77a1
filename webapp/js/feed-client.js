/**
 * The `/feed` protocol as a page speaks it (docs/FEED.md): connects with the chosen
 * subprotocol(s), reads the hello, subscribes and unsubscribes, decodes JSON and binary messages
 * into the same shapes, and after a lost connection reconnects with backoff and subscribes again
 * to everything it had. No DOM here: the WebSocket class is given, so tests can pass their own.
 * @module feed-client
 */
import { Backoff } from './backoff.js';
import { FeedBinaryDecoder } from './feed-binary.js';

export const JSON_PROTOCOL = 'feed.json';
export const BINARY_PROTOCOL = 'feed.bin';

/** The page's subprotocol choices, as the subprotocols offered, in order of preference. */
export const PROTOCOL_CHOICES = Object.freeze({
  json: Object.freeze([JSON_PROTOCOL]),
  binary: Object.freeze([BINARY_PROTOCOL]),
  both: Object.freeze([BINARY_PROTOCOL, JSON_PROTOCOL]),
});

/**
 * @typedef {object} Hello
 * @property {'hello'} type
 * @property {string} protocol
 * @property {string} instance
 * @property {number} maxSubscriptions
 * @property {number} maxItemsPerSubscription
 * @property {number} maxFrequency
 * @property {string[]} topics
 * @typedef {{type: 'snapshot', id: number, topic: string, items: Array<{item: string, seq: number, ts: number, fields: Object<string, number|string>}>}} Snapshot
 * @typedef {{id: number, item: string, seq: number, ts: number, conflated: number, fields: Object<string, number|string>}} Update
 * @typedef {{type: 'updates', updates: Update[]}} Updates
 * @typedef {{type: 'unsubscribed', id: number}} Unsubscribed
 * @typedef {{type: 'error', code: string, message: string, id: number}} FeedError
 * @typedef {Hello|Snapshot|Updates|Unsubscribed|FeedError|{type: 'topics', topics: any[]}} FeedMessage
 * @typedef {{topic: string, items?: string[], maxFrequency?: number}} Subscription
 * @typedef {{state: 'connecting'|'open'|'reconnecting'|'closed', protocol?: string, code?: number, reason?: string,
 *   retryAt?: number}} ConnectionState
 */

/**
 * @param {number} id
 * @param {Subscription} subscription
 * @returns {string} the subscribe command
 */
export function subscribeCommand(id, { topic, items, maxFrequency }) {
  const command = { type: 'subscribe', id, topic };
  if (items && items.length > 0) command.items = items;
  if (maxFrequency && maxFrequency > 0) command.maxFrequency = maxFrequency;
  return JSON.stringify(command);
}

/** @param {number} id @returns {string} */
export function unsubscribeCommand(id) {
  return JSON.stringify({ type: 'unsubscribe', id });
}

/**
 * Closes after which coming back would only be refused the same way (a policy or protocol
 * violation, a message too big) and the user's own normal close: no reconnection.
 * @param {number} code
 * @returns {boolean}
 */
export function shouldReconnect(code) {
  return ![1000, 1002, 1003, 1007, 1008, 1009, 1010].includes(code);
}

/**
 * @param {string} text a text message
 * @returns {FeedMessage}
 * @throws {Error} when it is not a JSON object with a type
 */
export function parseTextMessage(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    throw new Error('The server sent text that is not JSON');
  }
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
    throw new Error('The server sent JSON without a type');
  }
  return message;
}

export class FeedClient {
  /**
   * @param {object} options
   * @param {string} options.url the ws: or wss: URL of /feed
   * @param {readonly string[]} options.protocols subprotocols offered, preferred first
   * @param {(state: ConnectionState) => void} [options.onState]
   * @param {(message: FeedMessage) => void} [options.onMessage] snapshots carry their topic under both subprotocols
   * @param {(problem: string) => void} [options.onProblem] a message that could not be read
   * @param {typeof WebSocket} [options.WebSocket]
   * @param {Backoff} [options.backoff]
   * @param {{setTimeout: typeof setTimeout, clearTimeout: typeof clearTimeout, now: () => number}} [options.timers]
   * @param {boolean} [options.acknowledge] acknowledge every message once handled (docs/FEED.md, "Flow control"):
   *   the server then keeps at most its window unread by this page and conflates the rest, so what the
   *   page shows stays current even when it falls behind
   */
  constructor({ url, protocols, onState = () => {}, onMessage = () => {}, onProblem = () => {}, acknowledge = false,
    WebSocket: Socket = globalThis.WebSocket, backoff = new Backoff({ initialMs: 500, maxMs: 15000 }),
    timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t), now: () => Date.now() } }) {
    this.url = url;
    this.protocols = [...protocols];
    this.onState = onState;
    this.onMessage = onMessage;
    this.onProblem = onProblem;
    this.Socket = Socket;
    this.backoff = backoff;
    this.timers = timers;
    /** @type {WebSocket|null} */
    this.socket = null;
    /** @type {Map<number, Subscription>} open (or wanted) subscriptions by id */
    this.subscriptions = new Map();
    this.nextId = 1;
    /** @type {FeedBinaryDecoder|null} */
    this.decoder = null;
    this.retryTimer = null;
    this.stopped = true;
    /** @type {Hello|null} */
    this.hello = null;
    this.acknowledge = acknowledge;
    /** messages of the current connection handled so far (what an ack says) */
    this.received = 0;
  }

  /** Opens the connection (again); subscriptions made before are sent once it is open. */
  start() {
    this.stopped = false;
    this.connect();
  }

  /** Closes for good (the page goes away): no reconnection. */
  stop() {
    this.stopped = true;
    this.clearRetry();
    const ws = this.socket;
    this.socket = null;
    if (ws && ws.readyState <= 1) ws.close(1000, 'Page closed');
    this.onState({ state: 'closed', code: 1000, reason: 'Closed by the page' });
  }

  /**
   * Subscribes now if open, else when the connection opens.
   * @param {Subscription} subscription
   * @returns {number} its id
   */
  subscribe(subscription) {
    const id = this.nextId++;
    this.subscriptions.set(id, { ...subscription });
    if (this.isOpen()) this.socket.send(subscribeCommand(id, subscription));
    return id;
  }

  /** Ends a subscription; its later updates are dropped. @param {number} id */
  unsubscribe(id) {
    if (!this.subscriptions.delete(id)) return;
    if (this.isOpen()) this.socket.send(unsubscribeCommand(id));
  }

  /** @param {number} id @returns {string|undefined} the topic of an open subscription */
  topicOf(id) {
    return this.subscriptions.get(id)?.topic;
  }

  isOpen() {
    return this.socket !== null && this.socket.readyState === 1;
  }

  connect() {
    this.clearRetry();
    this.onState({ state: 'connecting' });
    const ws = new this.Socket(this.url, this.protocols);
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    ws.addEventListener('open', () => {
      if (this.socket !== ws) return;
      this.backoff.reset();
      this.decoder = new FeedBinaryDecoder();
      this.received = 0;
      this.onState({ state: 'open', protocol: ws.protocol });
      for (const [id, subscription] of this.subscriptions) ws.send(subscribeCommand(id, subscription));
    });
    ws.addEventListener('message', (event) => {
      if (this.socket !== ws) return;
      this.receive(event.data);
      this.received += 1;
      if (this.acknowledge && this.socket === ws && ws.readyState === 1) {
        ws.send(JSON.stringify({ type: 'ack', messages: this.received }));
      }
    });
    ws.addEventListener('close', (event) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.decoder = null;
      if (this.stopped) return;
      if (shouldReconnect(event.code)) {
        const delay = this.backoff.next();
        this.onState({ state: 'reconnecting', code: event.code, reason: event.reason, retryAt: this.timers.now() + delay });
        this.retryTimer = this.timers.setTimeout(() => this.connect(), delay);
      } else {
        this.onState({ state: 'closed', code: event.code, reason: event.reason });
      }
    });
  }

  clearRetry() {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** @param {string|ArrayBuffer} data */
  receive(data) {
    /** @type {FeedMessage[]} */
    let messages;
    try {
      messages = typeof data === 'string' ? [parseTextMessage(data)] : this.decoder.decode(data);
    } catch (e) {
      this.onProblem(e instanceof Error ? e.message : String(e));
      return;
    }
    for (const message of messages) this.dispatch(message);
  }

  /** @param {FeedMessage} message */
  dispatch(message) {
    switch (message.type) {
      case 'hello':
        this.hello = message;
        this.onMessage(message);
        break;
      case 'snapshot': {
        const topic = this.topicOf(message.id);
        if (topic === undefined) return; // a subscription ended meanwhile
        this.onMessage({ ...message, topic });
        break;
      }
      case 'updates': {
        const updates = message.updates.filter((u) => this.subscriptions.has(u.id));
        if (updates.length > 0) this.onMessage({ type: 'updates', updates });
        break;
      }
      case 'error':
        // a refused subscribe is no longer wanted: it is not sent again after a reconnection
        if (message.id && message.code !== 'duplicate-id' && message.code !== 'unknown-subscription') this.subscriptions.delete(message.id);
        this.onMessage(message);
        break;
      default:
        this.onMessage(message);
    }
  }
}
