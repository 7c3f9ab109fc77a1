import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLimit, formatMicros, formatSeconds, wordsOf } from '../../../webapp/js/status-format.js';

test('limits read as words with units, also keys the page does not know yet', () => {
  assert.deepEqual(describeLimit('maxQueuedBytes', 16777216), ['bytes waiting to be sent to one session', '16.0 MiB']);
  assert.deepEqual(describeLimit('idleTimeoutSeconds', 600), ['idle time before a session is closed', '10 min']);
  assert.deepEqual(describeLimit('maxSessions', 20000), ['open sessions, whole server', '20,000']);
  assert.deepEqual(describeLimit('maxHandshakeBytes', 8192), ['max handshake', '8.00 KiB']);
  assert.deepEqual(describeLimit('drainTimeoutMillis', 2500), ['drain timeout', '2.5 s']);
  assert.equal(wordsOf('maxSessionsPerAddress'), 'max sessions per address');
});

test('durations pick a unit that fits', () => {
  assert.equal(formatMicros(3), '3 µs');
  assert.equal(formatMicros(850.4), '850 µs');
  assert.equal(formatMicros(4200), '4.20 ms');
  assert.equal(formatMicros(1_250_000), '1.25 s');
  assert.equal(formatMicros(Number.NaN), '—');
  assert.equal(formatSeconds(45), '45 s');
  assert.equal(formatSeconds(90), '1 min 30 s');
  assert.equal(formatSeconds(5400), '1 h 30 min');
});
