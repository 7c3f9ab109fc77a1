import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeCluster, describeDraw, describeFeed, describeGame, describeLimit, formatMicros, formatRate, formatSeconds,
  simulatorPlace, wordsOf,
} from '../../../webapp/js/status-format.js';

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

test('feed rates, figures and simulator places read as a person says them', () => {
  assert.equal(formatRate(0), '0/s');
  assert.equal(formatRate(0.5), '0.5/s');
  assert.equal(formatRate(12.46), '12.5/s');
  assert.equal(formatRate(2000.4), '2,000/s');
  assert.equal(formatRate(Number.NaN), '—');
  assert.equal(formatRate(-1), '—');
  const feed = {
    mode: 'hazelcast', instance: 'a', instances: 2, sessions: 1200, subscriptions: 24000, topics: [],
    updatesIn: 9, updatesOut: 9, conflated: 0, updatesInPerSecond: 2000, updatesOutPerSecond: 48000.2,
    conflatedPerSecond: 3.25, simulators: [],
  };
  assert.deepEqual(describeFeed(feed), [
    ['runs on', 'hazelcast, 2 instances'],
    ['subscribers here', '1,200'],
    ['subscriptions here', '24,000'],
    ['updates in', '2,000/s'],
    ['updates out', '48,000/s'],
    ['conflated', '3.3/s'],
  ]);
  assert.deepEqual(describeFeed({ ...feed, mode: 'local', instances: 1 })[0], ['runs on', 'this instance alone']);
  assert.equal(simulatorPlace({ enabled: false, runningHere: false, leader: '' }), 'off');
  assert.equal(simulatorPlace({ enabled: true, runningHere: true, leader: 'a' }), 'this instance');
  assert.equal(simulatorPlace({ enabled: true, runningHere: false, leader: 'b' }), 'instance b');
  assert.equal(simulatorPlace({ enabled: true, runningHere: false, leader: '' }), 'nowhere yet');
});

test('the cluster a feature runs on reads as its mode and instance count', () => {
  assert.equal(describeCluster('local', 1), 'this instance alone');
  assert.equal(describeCluster('hazelcast', 1), 'hazelcast, 1 instance');
  assert.equal(describeCluster('hazelcast', 3), 'hazelcast, 3 instances');
});

test('the shared boards show owned boards, copies, members, bytes, traffic and the cluster', () => {
  const draw = {
    boards: 2, members: 5, bytes: 3 * 1024 * 1024, copies: 1, connected: 4, strokes: 12345, forwarded: 17, relayed: 2048,
    cluster: 'hazelcast', instances: 2,
  };
  assert.deepEqual(describeDraw(draw), [
    ['runs on', 'hazelcast, 2 instances'],
    ['boards owned', '2'],
    ['board copies', '1'],
    ['members', '5'],
    ['connected here', '4'],
    ['held', '3.00 MiB'],
    ['strokes', '12,345'],
    ['forwarded', '17'],
    ['relayed', '2,048'],
  ]);
  assert.deepEqual(describeDraw({ ...draw, cluster: 'local', instances: 1 })[0], ['runs on', 'this instance alone']);
});

test('the game shows rooms, players, relayed players, relay batches, tick lateness, inputs and snapshots', () => {
  const game = {
    rooms: 3, players: 9, bots: 15, spectators: 2, inputs: 54321, staleInputs: 4, droppedInputs: 1,
    fullSnapshots: 10, deltaSnapshots: 30, snapshotBytes: 2048, tickHz: 30, caughtUpTicks: 1200, skippedTicks: 3,
    cluster: { mode: 'hazelcast', instances: 2, relayedOut: 1, relayedIn: 3, resumed: 1, relayBatches: 1200, relayMessages: 9000, vacancy: 3 },
    tickLateness: { p50Micros: 120, p99Micros: 4200, maxMicros: 1_250_000 },
  };
  assert.deepEqual(describeGame(game), [
    ['runs on', 'hazelcast, 2 instances'],
    ['rooms', '3'],
    ['players / bots / spectators', '9 / 15 / 2'],
    ['relayed players', '1 out, 3 in'],
    ['relay batches', '1,200 carrying 9,000 messages (7.5 per batch)'],
    ['slots offered', '3 in the fullest open room'],
    ['rooms resumed', '1'],
    ['tick', '30 Hz; late ones: 1,200 caught up, 3 skipped'],
    ['tick late', 'p50 120 µs, p99 4.20 ms, max 1.25 s'],
    ['inputs', '54,321 (4 stale, 1 dropped)'],
    ['snapshots', '40 (75 % deltas), 2.00 KiB'],
  ]);
  assert.equal(describeGame({ ...game, fullSnapshots: 0, deltaSnapshots: 0, snapshotBytes: 0 })[10][1], '0 (0 % deltas), 0 B');
  const quiet = { ...game.cluster, relayBatches: 0, relayMessages: 0, vacancy: 0 };
  assert.equal(describeGame({ ...game, cluster: quiet })[4][1], '0 carrying 0 messages (0 per batch)');
  assert.equal(describeGame({ ...game, cluster: quiet })[5][1], 'none');
});
