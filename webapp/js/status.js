/**
 * The status dashboard: polls api/status every second and shows sessions, traffic per endpoint,
 * close codes, refusals, server-side timings and charts of the last minutes. Nothing from the
 * server is parsed as HTML.
 * @module status
 */
import { drawLineChart, rates } from './chart.js';
import { formatBytes } from './format.js';

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
 */

const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);
let timer = null;
let failures = 0;

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
}

function fillTable(tbody, rows, empty) {
  const fresh = rows.map((cells) => {
    const tr = document.createElement('tr');
    cells.forEach((text) => cell(tr, text));
    return tr;
  });
  if (fresh.length === 0) {
    const tr = document.createElement('tr');
    cell(tr, empty);
    fresh.push(tr);
  }
  tbody.replaceChildren(...fresh);
}

const ms = (micros) => (micros / 1000).toFixed(micros < 10000 ? 2 : 1);

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
  ]), 'No session yet');
  fillTable($('refusalRows'), Object.entries(status.refusals).map(([reason, n]) => [reason, String(n)]), 'None');
  fillTable($('timingRows'), Object.entries(status.timings).map(([name, t]) => [
    name, String(t.count), ms(t.meanMicros), ms(t.p50Micros), ms(t.p90Micros), ms(t.p99Micros), ms(t.maxMicros),
  ]), 'Nothing timed yet');
  fillTable($('limitRows'), Object.entries(status.limits).map(([name, value]) => [name, String(value)]), '—');

  const history = status.history;
  drawLineChart($('sessionsChart'), [{ label: 'open sessions', color: '#1d4ed8', values: history.map((s) => s.sessions) }]);
  drawLineChart($('messagesChart'), [
    { label: 'in/s', color: '#065f46', values: rates(history, 'messagesIn') },
    { label: 'out/s', color: '#b45309', values: rates(history, 'messagesOut') },
  ], (v) => `${Math.round(v)} msgs/s`);
  drawLineChart($('bytesChart'), [
    { label: 'in/s', color: '#065f46', values: rates(history, 'bytesIn') },
    { label: 'out/s', color: '#b45309', values: rates(history, 'bytesOut') },
  ], (v) => `${formatBytes(Math.round(v))}/s`);
  $('updated').textContent = `Updated ${new Date(status.time).toLocaleTimeString()}`;
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

async function poll() {
  try {
    const response = await fetchStatus();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
    failures = 0;
    $('connection').textContent = '';
  } catch (error) {
    failures += 1;
    $('connection').textContent = `Server unreachable (${error.message}); retrying`;
  }
  if (timer !== null) timer = setTimeout(poll, failures === 0 ? POLL_MS : Math.min(10000, POLL_MS * 2 ** failures));
}

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
