/**
 * The status dashboard: polls api/status every second and shows sessions, traffic per endpoint,
 * close codes, refusals, server-side timings and charts of the last minutes. Nothing from the
 * server is parsed as HTML.
 * @module status
 */
import { drawLineChart, rates } from './chart.js';
import { formatBytes } from './format.js';
import {
  describeDraw, describeFeed, describeGame, describeLimit, formatMicros, simulatorPlace,
} from './status-format.js';
import { mountNav } from './nav.js';

/**
 * The shape of GET api/status (see StatusServlet).
 * @typedef {object} Status
 * @property {number} time
 * @property {number} uptimeSeconds
 * @property {number} sessions
 * @property {Record<string, number>} limits
 * @property {Record<string, {open: number, opened: number, refused: number, messagesIn: number, messagesOut: number, bytesIn: number, bytesOut: number, errors: number, closeCodes: Record<string, number>}>} endpoints
 * @property {Record<string, number>} refusals
 * @property {Record<string, {count: number, meanMicros: number, p50Micros: number, p90Micros: number, p99Micros: number, maxMicros: number}>} timings
 * @property {{heapUsedBytes: number, heapMaxBytes: number, threads: number, processors: number}} jvm
 * @property {{time: number, sessions: number, messagesIn: number, messagesOut: number, bytesIn: number, bytesOut: number}[]} history
 * @property {import('./status-format.js').FeedStatus} [feed] only when the server runs the live feed
 * @property {import('./status-format.js').DrawStatus} [draw] the shared boards of /draw
 * @property {import('./status-format.js').GameStatus} [game] the rooms of /game
 */

const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);
let timer = null;
let failures = 0;
/** When the last good answer came, for the stale-data label. */
let lastGood = null;

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
}

function fillTable(tbody, rows, empty, numeric = () => false) {
  const fresh = rows.map((cells) => {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      cell(tr, text);
      if (numeric(i)) tr.lastElementChild.className = 'num';
    });
    return tr;
  });
  if (fresh.length === 0) {
    const tr = document.createElement('tr');
    cell(tr, empty);
    fresh.push(tr);
  }
  tbody.replaceChildren(...fresh);
}

/**
 * Name and value pairs as the children of a <dl>, text only.
 * @param {[string, string][]} pairs
 * @returns {HTMLElement[]}
 */
function factsOf(pairs) {
  return pairs.flatMap(([name, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    return [dt, dd];
  });
}

/**
 * The "Live feeds" panel: shown only when the server reports a feed.
 * @param {import('./status-format.js').FeedStatus | undefined} feed
 */
function renderFeed(feed) {
  const panel = $('feedPanel');
  panel.hidden = !feed;
  if (!feed) return;
  $('feedFacts').replaceChildren(...factsOf(describeFeed(feed)));
  fillTable($('feedTopicRows'), feed.topics.map((t) => [t.name, t.items.toLocaleString('en'), t.subscriptions.toLocaleString('en')]),
    'No topic yet', (i) => i > 0);
  fillTable($('feedSimulatorRows'), feed.simulators.map((s) => [s.name, simulatorPlace(s)]), 'No simulator');
}

/**
 * A panel of facts shown only when the server reports its section.
 * @template T
 * @param {string} panel the section's id
 * @param {string} list the <dl>'s id
 * @param {T | undefined} figures
 * @param {(figures: T) => [string, string][]} describe
 */
function renderFacts(panel, list, figures, describe) {
  $(panel).hidden = !figures;
  if (figures) $(list).replaceChildren(...factsOf(describe(figures)));
}

/** @param {Status} status */
function render(status) {
  $('uptime').textContent = `${Math.floor(status.uptimeSeconds / 60)} min ${status.uptimeSeconds % 60} s`;
  $('sessions').textContent = String(status.sessions);
  $('heap').textContent = `${formatBytes(status.jvm.heapUsedBytes)} of ${formatBytes(status.jvm.heapMaxBytes)}`;
  $('threads').textContent = String(status.jvm.threads);

  fillTable($('endpointRows'), Object.entries(status.endpoints).map(([name, e]) => [
    name, String(e.open), String(e.opened), String(e.messagesIn), String(e.messagesOut),
    formatBytes(e.bytesIn), formatBytes(e.bytesOut), String(e.errors), String(e.refused),
    Object.entries(e.closeCodes).map(([code, n]) => `${code}×${n}`).join(' ') || '—',
  ]), 'No session yet', (i) => i > 0 && i < 9);
  fillTable($('refusalRows'), Object.entries(status.refusals).map(([reason, n]) => [reason, String(n)]), 'None', (i) => i === 1);
  fillTable($('timingRows'), Object.entries(status.timings).map(([name, t]) => [
    name, String(t.count), formatMicros(t.meanMicros), formatMicros(t.p50Micros), formatMicros(t.p90Micros),
    formatMicros(t.p99Micros), formatMicros(t.maxMicros),
  ]), 'Nothing timed yet', (i) => i > 0);
  fillTable($('limitRows'), Object.entries(status.limits).map(([name, value]) => describeLimit(name, value)), '—', (i) => i === 1);
  renderFeed(status.feed);
  renderFacts('drawPanel', 'drawFacts', status.draw, describeDraw);
  renderFacts('gamePanel', 'gameFacts', status.game, describeGame);

  const history = status.history;
  const times = history.map((s) => s.time);
  const rateTimes = times.slice(1);
  drawLineChart($('sessionsChart'), [{ label: 'open sessions', color: '#1d4ed8', values: history.map((s) => s.sessions) }],
    (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)), { times });
  // out first and wide, in on top dashed: equal rates (an echo) stay both visible
  drawLineChart($('messagesChart'), [
    { label: 'out/s', color: '#d97706', width: 4, values: rates(history, 'messagesOut') },
    { label: 'in/s', color: '#047857', width: 2, dash: [6, 4], values: rates(history, 'messagesIn') },
  ], (v) => `${Number.isInteger(v) ? v : v.toFixed(1)} msg/s`, { times: rateTimes });
  drawLineChart($('bytesChart'), [
    { label: 'out/s', color: '#d97706', width: 4, values: rates(history, 'bytesOut') },
    { label: 'in/s', color: '#047857', width: 2, dash: [6, 4], values: rates(history, 'bytesIn') },
  ], (v) => `${formatBytes(Math.round(v))}/s`, { times: rateTimes });
  $('updated').dataset.state = 'open';
  $('updated').textContent = `Live · updated ${new Date(status.time).toLocaleTimeString()}`;
}

/** Dims everything shown and says since when it is old, or lifts that when data is fresh. */
function showStale(error, retryMs) {
  const stale = error !== null;
  $('statusMain').classList.toggle('stale', stale);
  if (!stale) {
    $('connection').textContent = '';
    return;
  }
  const since = lastGood ? `the figures below are from ${lastGood.toLocaleTimeString()} and may be out of date` : 'no figures yet';
  $('connection').textContent = `Server unreachable (${error.message}): ${since}. Retrying in ${Math.round(retryMs / 1000)} s.`;
  $('updated').dataset.state = 'stale';
  $('updated').textContent = lastGood ? `Stale · last updated ${lastGood.toLocaleTimeString()}` : 'No data';
}


/** When the server sets duplex.status.token, the page asks for it once and keeps it for this tab. */
const TOKEN_KEY = 'duplex.status.token';
let tokenRefused = false;

async function fetchStatus() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch('api/status', { cache: 'no-store', headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (response.status !== 401 || tokenRefused) return response;
  const entered = window.prompt('This server protects its status with a token (duplex.status.token). Token:');
  if (!entered) {
    tokenRefused = true;
    return response;
  }
  sessionStorage.setItem(TOKEN_KEY, entered.trim());
  return fetchStatus();
}

/** The one place that fetches api/status: fetch, render, schedule the next poll. */
async function poll() {
  let problem = null;
  try {
    const response = await fetchStatus();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
    failures = 0;
    lastGood = new Date();
  } catch (error) {
    failures += 1;
    problem = error;
  }
  const next = failures === 0 ? POLL_MS : Math.min(10000, POLL_MS * 2 ** failures);
  showStale(problem, next);
  if (timer !== null) timer = setTimeout(poll, next);
}

mountNav();
window.addEventListener('pageshow', () => {
  if (timer === null) {
    timer = 0;
    poll();
  }
});
window.addEventListener('pagehide', () => {
  clearTimeout(timer);
  timer = null;
});
