/**
 * How the status page words its figures: limits with names and units, durations with a unit that
 * fits their size. No DOM here.
 * @module status-format
 */
import { formatBytes } from './format.js';

/** Names for the limits the server reports; keys not listed are worded from their camelCase. */
const LIMIT_NAMES = {
  maxSessions: 'open sessions, whole server',
  maxSessionsConfigured: 'open sessions, configured ceiling',
  maxSessionsLimitedBy: 'session limit set by',
  maxSessionsReason: 'how the session limit was sized',
  maxPendingUpgradesPerAddress: 'handshakes in progress per client address',
  maxSessionsPerAddress: 'open sessions per client address',
  messageRate: 'messages per second per session',
  messageBurst: 'messages at once per session',
  maxQueuedBytes: 'bytes waiting to be sent to one session',
  idleTimeoutSeconds: 'idle time before a session is closed',
  pingIntervalSeconds: 'ping interval',
  pongTimeoutSeconds: 'pong wait before closing',
};

/**
 * "maxSessionsPerAddress" → "max sessions per address"
 * @param {string} key
 * @returns {string}
 */
export function wordsOf(key) {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * @param {string} key e.g. maxQueuedBytes
 * @param {number} value
 * @returns {[string, string]} the limit's name and its value with a unit
 */
export function describeLimit(key, value) {
  const name = LIMIT_NAMES[key] ?? wordsOf(key.replace(/(Bytes|Seconds|Millis)$/, ''));
  if (typeof value !== 'number') return [name, String(value)];
  if (/Bytes$/.test(key)) return [name, formatBytes(value)];
  if (/Seconds$/.test(key)) return [name, formatSeconds(value)];
  if (/Millis$/.test(key)) return [name, formatSeconds(value / 1000)];
  return [name, Number.isInteger(value) ? value.toLocaleString('en') : String(value)];
}

/**
 * @param {number} seconds
 * @returns {string} "45 s", "10 min", "1 h 30 min"
 */
export function formatSeconds(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${Math.floor(seconds / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/**
 * A duration with a unit that fits it, three significant digits: "850 µs", "4.20 ms", "1.25 s".
 * @param {number} micros
 * @returns {string}
 */
export function formatMicros(micros) {
  if (!Number.isFinite(micros) || micros < 0) return '—';
  if (micros < 1000) return `${Math.round(micros)} µs`;
  if (micros < 1_000_000) return `${(micros / 1000).toPrecision(3)} ms`;
  return `${(micros / 1_000_000).toPrecision(3)} s`;
}

/**
 * A rate per second with a precision that fits it: "0/s", "0.5/s", "12.5/s", "2,000/s".
 * @param {number} perSecond
 * @returns {string}
 */
export function formatRate(perSecond) {
  if (!Number.isFinite(perSecond) || perSecond < 0) return '—';
  if (perSecond === 0) return '0/s';
  if (perSecond < 100) return `${Number(perSecond.toFixed(1)).toLocaleString('en')}/s`;
  return `${Math.round(perSecond).toLocaleString('en')}/s`;
}

/**
 * The status's "feed" object (see StatusServlet).
 * @typedef {object} FeedStatus
 * @property {string} mode "local" or "hazelcast"
 * @property {string} instance this instance's name
 * @property {number} instances
 * @property {number} sessions open /feed sessions on this instance
 * @property {number} subscriptions
 * @property {{name: string, items: number, subscriptions: number}[]} topics
 * @property {number} updatesIn
 * @property {number} updatesOut
 * @property {number} conflated
 * @property {number} updatesInPerSecond
 * @property {number} updatesOutPerSecond
 * @property {number} conflatedPerSecond
 * @property {{name: string, enabled: boolean, runningHere: boolean, leader: string}[]} simulators
 */

/**
 * The feed's headline figures as [name, value] pairs, in the page's order.
 * @param {FeedStatus} feed
 * @returns {[string, string][]}
 */
export function describeFeed(feed) {
  const cluster = feed.mode === 'local'
    ? 'this instance alone'
    : `${feed.mode}, ${feed.instances} ${feed.instances === 1 ? 'instance' : 'instances'}`;
  return [
    ['runs on', cluster],
    ['subscribers here', feed.sessions.toLocaleString('en')],
    ['subscriptions here', feed.subscriptions.toLocaleString('en')],
    ['updates in', formatRate(feed.updatesInPerSecond)],
    ['updates out', formatRate(feed.updatesOutPerSecond)],
    ['conflated', formatRate(feed.conflatedPerSecond)],
  ];
}

/**
 * Where a simulator runs, as a person reads it: "off", "this instance", "instance b", or
 * "nowhere yet" (enabled, but no instance holds it at the moment).
 * @param {{enabled: boolean, runningHere: boolean, leader: string}} simulator
 * @returns {string}
 */
export function simulatorPlace(simulator) {
  if (!simulator.enabled) return 'off';
  if (simulator.runningHere) return 'this instance';
  if (simulator.leader) return `instance ${simulator.leader}`;
  return 'nowhere yet';
}
