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
  return [
    ['runs on', describeCluster(feed.mode, feed.instances)],
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

/**
 * How many instances share a feature's state: "this instance alone" or "hazelcast, 2 instances".
 * @param {string} mode "local" or "hazelcast"
 * @param {number} instances
 * @returns {string}
 */
export function describeCluster(mode, instances) {
  if (mode === 'local') return 'this instance alone';
  return `${mode}, ${instances} ${instances === 1 ? 'instance' : 'instances'}`;
}

/**
 * The status's "draw" object (see StatusServlet, docs/PLAY.md).
 * @typedef {object} DrawStatus
 * @property {number} boards boards this instance owns
 * @property {number} members members of those boards, wherever they are connected
 * @property {number} bytes bytes those boards hold
 * @property {number} copies copies of other instances' boards kept here for members connected here
 * @property {number} connected members connected to this instance
 * @property {number} strokes strokes begun on the owned boards since start
 * @property {number} forwarded members' messages sent to another instance's board since start
 * @property {number} relayed broadcasts sent to or received from other instances since start
 * @property {string} cluster "local" or "hazelcast"
 * @property {number} instances
 */

/**
 * The shared boards' figures as [name, value] pairs, in the page's order: "boards owned" are the
 * boards this instance orders, "board copies" those of other instances it mirrors for members
 * connected here, "members" those of the owned boards wherever they are connected.
 * @param {DrawStatus} draw
 * @returns {[string, string][]}
 */
export function describeDraw(draw) {
  const count = (n) => n.toLocaleString('en');
  return [
    ['runs on', describeCluster(draw.cluster, draw.instances)],
    ['boards owned', count(draw.boards)],
    ['board copies', count(draw.copies)],
    ['members', count(draw.members)],
    ['connected here', count(draw.connected)],
    ['held', formatBytes(draw.bytes)],
    ['strokes', count(draw.strokes)],
    ['forwarded', count(draw.forwarded)],
    ['relayed', count(draw.relayed)],
  ];
}

/**
 * The status's "game" object (see GameReport, docs/PLAY.md).
 * @typedef {object} GameStatus
 * @property {number} rooms
 * @property {number} players
 * @property {number} bots
 * @property {number} spectators
 * @property {number} inputs
 * @property {number} staleInputs
 * @property {number} droppedInputs
 * @property {number} fullSnapshots
 * @property {number} deltaSnapshots
 * @property {number} snapshotBytes
 * @property {number} tickHz
 * @property {number} caughtUpTicks ticks simulated without snapshots because they came late
 * @property {number} skippedTicks ticks not simulated because they came a second or more late
 * @property {{mode: string, instances: number, relayedOut: number, relayedIn: number, resumed: number,
 *   relayBatches: number, relayMessages: number, vacancy: number}} cluster
 * @property {{p50Micros: number, p99Micros: number, maxMicros: number}} tickLateness
 */

/**
 * The game's figures as [name, value] pairs, in the page's order: "relayed players" out are this
 * instance's clients playing in other instances' rooms, in are other instances' clients in rooms here;
 * "relay batches" are the relay's publishes to other instances with the messages they carried;
 * "slots offered" is what this instance tells the cluster's matchmaking: the free slots of its
 * fullest matchmade room (0: none, and other instances' players are not sent here);
 * "tick late" is how late the rooms' ticks started against their fixed-rate schedule.
 * @param {GameStatus} game
 * @returns {[string, string][]}
 */
export function describeGame(game) {
  const snapshots = game.fullSnapshots + game.deltaSnapshots;
  const deltas = snapshots === 0 ? 0 : Math.round((100 * game.deltaSnapshots) / snapshots);
  const late = game.tickLateness;
  const count = (n) => n.toLocaleString('en');
  const { relayBatches, relayMessages } = game.cluster;
  const perBatch = relayBatches === 0 ? '0' : (relayMessages / relayBatches).toFixed(1);
  return [
    ['runs on', describeCluster(game.cluster.mode, game.cluster.instances)],
    ['rooms', count(game.rooms)],
    ['players / bots / spectators', `${count(game.players)} / ${count(game.bots)} / ${count(game.spectators)}`],
    ['relayed players', `${count(game.cluster.relayedOut)} out, ${count(game.cluster.relayedIn)} in`],
    ['relay batches', `${count(relayBatches)} carrying ${count(relayMessages)} messages (${perBatch} per batch)`],
    ['slots offered', game.cluster.vacancy === 0 ? 'none' : `${count(game.cluster.vacancy)} in the fullest open room`],
    ['rooms resumed', count(game.cluster.resumed)],
    ['tick', `${game.tickHz} Hz; late ones: ${count(game.caughtUpTicks)} caught up, ${count(game.skippedTicks)} skipped`],
    ['tick late', `p50 ${formatMicros(late.p50Micros)}, p99 ${formatMicros(late.p99Micros)}, max ${formatMicros(late.maxMicros)}`],
    ['inputs', `${count(game.inputs)} (${count(game.staleInputs)} stale, ${count(game.droppedInputs)} dropped)`],
    ['snapshots', `${count(snapshots)} (${deltas} % deltas), ${formatBytes(game.snapshotBytes)}`],
  ];
}
