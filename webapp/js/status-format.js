/**
 * How the status page words its figures: limits with names and units, durations with a unit that
 * fits their size. No DOM here.
 * @module status-format
 */
import { formatBytes } from './format.js';

/** Names for the limits the server reports; keys not listed are worded from their camelCase. */
const LIMIT_NAMES = {
  maxSessions: 'open sessions, whole server',
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
