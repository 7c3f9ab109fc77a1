/**
 * The live page: a stock board and weather cards fed by `/feed`. Messages are decoded into the
 * model (live-model.js) as they arrive; the screen is painted at most once per animation frame,
 * touching only the cells whose fields changed, on DOM nodes made once per item and reused.
 * Everything from the network is shown with textContent.
 * @module live
 */
import { socketUrl } from './endpoint.js';
import { FeedClient, PROTOCOL_CHOICES } from './feed-client.js';
import { AGED_AFTER_MS, LiveModel, dataAge, formatField, formatMs, visibleSymbols } from './live-model.js';
import { mountNav } from './nav.js';
import { SessionEnd } from './session-end.js';
import { drawSparkline } from './sparkline.js';

const $ = (id) => document.getElementById(id);

/** The board's columns after the symbol, in order; `wide` ones are hidden on a phone. */
const STOCK_FIELDS = ['last', 'change', 'bid', 'ask', 'volume'];
const WEATHER_FIELDS = [
  ['temperature', 'Temperature'], ['wind', 'Wind'], ['humidity', 'Humidity'], ['pressure', 'Pressure'], ['conditions', 'Conditions'],
];
/** The sparkline's CSS size (css/duplex.css, .spark). */
const SPARK_WIDTH = 72;
const SPARK_HEIGHT = 20;
const FOOTER_MS = 500;

const model = new LiveModel({ historyLength: 60 });
/** why the last session ended, kept while reconnect attempts fail */
const sessionEnd = new SessionEnd();
/** @type {FeedClient|null} */
let client = null;
/** @type {{stocks: number, weather: number}|null} the current subscription ids */
let ids = null;
let frameRequested = false;
let boardChanged = false;
/** @type {ReturnType<typeof setInterval>|null} */
let footerTimer = null;
/** @type {ReturnType<typeof setInterval>|null} */
let countdownTimer = null;
/** @type {{up: string, down: string, flat: string}} */
let sparkColours = { up: 'green', down: 'red', flat: 'grey' };

/**
 * @typedef {{row: HTMLTableRowElement, cells: Map<string, HTMLTableCellElement>, canvas: HTMLCanvasElement,
 *   shown: boolean, onScreen: boolean, stale: boolean}} StockRow
 *   shown: the filter lets it through; onScreen: it is in (or near) the window. Only rows that are
 *   both are painted as changes come; the others are marked stale and painted in full (without
 *   flashing) when they come into view.
 * @typedef {{card: HTMLLIElement, title: HTMLHeadingElement, values: Map<string, HTMLElement>}} WeatherCard
 *   title: the station id until a `city` field gives its display name
 */
/** @type {Map<string, StockRow>} */
const rows = new Map();
/** @type {string[]} the symbols in board order */
let symbols = [];
/** @type {Map<string, WeatherCard>} */
const cards = new Map();
/** @type {Set<string>} stale rows that came into view: painted in full at the next frame */
const refresh = new Set();
/** Tells which rows are in or near the window (no layout reads of our own). */
const rowObserver = new IntersectionObserver((entries) => {
  for (const { target, isIntersecting } of entries) {
    const entry = rows.get(/** @type {HTMLElement} */ (target).dataset.symbol);
    if (!entry) continue;
    entry.onScreen = isIntersecting;
    if (isIntersecting && entry.stale) refresh.add(entry.row.dataset.symbol);
  }
  if (refresh.size > 0) requestPaint();
}, { rootMargin: '200px 0px' });

// ---- the connection -----------------------------------------------------------------------------

function maxFrequency() {
  return Number($('frequency').value);
}

function subscribeAll() {
  const frequency = maxFrequency();
  ids = {
    stocks: client.subscribe({ topic: 'stocks', maxFrequency: frequency }),
    weather: client.subscribe({ topic: 'weather', maxFrequency: frequency }),
  };
}

function connect() {
  stopClient();
  const url = socketUrl('feed');
  $('socketUrl').textContent = url;
  client = new FeedClient({
    url,
    protocols: PROTOCOL_CHOICES[$('protocolChoice').value] ?? PROTOCOL_CHOICES.both,
    onState: showState,
    onMessage: receive,
    // the server keeps at most its window unread by this page and conflates the rest: what the page
    // shows stays current when the page falls behind (a busy or throttled tab)
    acknowledge: true,
    onProblem: (problem) => {
      $('problem').textContent = `A message could not be read: ${problem}`;
    },
  });
  subscribeAll();
  client.start();
}

function stopClient() {
  if (client) {
    const old = client;
    client = null;
    old.onState = () => {};
    old.onMessage = () => {};
    old.stop();
  }
  clearCountdown();
}

/** @param {import('./feed-client.js').ConnectionState} state */
function showState(state) {
  clearCountdown();
  const status = $('status');
  status.dataset.state = state.state;
  switch (state.state) {
    case 'connecting':
      status.textContent = 'Connecting…';
      break;
    case 'open':
      status.textContent = 'Open';
      sessionEnd.opened();
      $('protocol').textContent = state.protocol || '(none)';
      $('problem').textContent = '';
      break;
    case 'reconnecting': {
      const why = SessionEnd.describe(sessionEnd.closed(state.code, state.reason));
      const show = () => {
        status.textContent = `Connection lost (${why}); reconnecting in ${Math.max(0, (state.retryAt - Date.now()) / 1000).toFixed(1)} s…`;
      };
      show();
      countdownTimer = setInterval(show, 200);
      $('protocol').textContent = '–';
      break;
    }
    default:
      status.textContent = `Closed: ${SessionEnd.describe(sessionEnd.closed(state.code, state.reason))}`;
      $('protocol').textContent = '–';
  }
}

function clearCountdown() {
  if (countdownTimer !== null) clearInterval(countdownTimer);
  countdownTimer = null;
}

/** @param {import('./feed-client.js').FeedMessage} message */
function receive(message) {
  switch (message.type) {
    case 'hello':
      $('instance').textContent = message.instance;
      break;
    case 'snapshot':
      model.snapshot(message.topic, message.items);
      requestPaint();
      break;
    case 'updates': {
      const now = performance.now();
      for (const update of message.updates) {
        const topic = client.topicOf(update.id);
        if (topic !== undefined) model.update(topic, update, now);
      }
      requestPaint();
      break;
    }
    case 'error':
      $('problem').textContent = `The server refused: ${message.message} [${message.code}]`;
      break;
    default:
      break;
  }
}

// ---- painting ------------------------------------------------------------------------------------

function requestPaint() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(paint);
}

function paint() {
  frameRequested = false;
  const { fresh, changed } = model.takeDirty();
  for (const state of fresh) {
    if (state.topic === 'stocks') addRow(state.item);
    else if (state.topic === 'weather') addCard(state.item);
  }
  if (boardChanged) layoutBoard();
  for (const symbol of refresh) {
    const state = model.items('stocks').get(symbol);
    if (state) paintRow(state, null);
  }
  refresh.clear();
  for (const { state, fields } of changed) {
    if (state.topic === 'stocks') paintRow(state, fields);
    else if (state.topic === 'weather') paintCard(state, fields);
  }
  model.painted(performance.timeOrigin + performance.now(), performance.now());
}

/**
 * Restarts the cell's flash: the animation name alternates between two identical keyframes, so a
 * new change restarts it without reading layout.
 * @param {HTMLElement} cell
 * @param {'up'|'down'|'set'|'same'} moved
 */
function flash(cell, moved) {
  if (moved !== 'up' && moved !== 'down') return;
  cell.dataset.flash = `${moved}-${cell.dataset.flash?.endsWith('-a') ? 'b' : 'a'}`;
}

/** @param {string} symbol */
function addRow(symbol) {
  const row = document.createElement('tr');
  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = symbol;
  row.append(name);
  const cells = new Map();
  for (const field of STOCK_FIELDS) {
    const cell = document.createElement('td');
    cell.className = field === 'bid' || field === 'ask' || field === 'volume' ? 'num wide' : 'num';
    cell.dataset.field = field;
    cell.textContent = '–';
    cells.set(field, cell);
    row.append(cell);
  }
  const sparkCell = document.createElement('td');
  sparkCell.className = 'spark-col';
  const canvas = document.createElement('canvas');
  canvas.className = 'spark';
  canvas.width = SPARK_WIDTH;
  canvas.height = SPARK_HEIGHT;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${symbol}: recent prices`);
  sparkCell.append(canvas);
  row.append(sparkCell);
  row.dataset.symbol = symbol;
  row.hidden = true; // until layoutBoard lets it through the filter
  rows.set(symbol, { row, cells, canvas, shown: false, onScreen: false, stale: true });
  rowObserver.observe(row);
  boardChanged = true;
}

/** Orders the rows by symbol and shows those the filter and the limit let through. */
function layoutBoard() {
  boardChanged = false;
  symbols = [...rows.keys()].sort();
  const shown = visibleSymbols(symbols, $('filter').value, Number($('limit').value));
  const body = $('boardBody');
  const ordered = symbols.map((s) => rows.get(s).row);
  if (ordered.some((row, i) => body.children[i] !== row)) body.replaceChildren(...ordered);
  for (const symbol of symbols) {
    const entry = rows.get(symbol);
    const show = shown.has(symbol);
    if (show !== entry.shown) {
      entry.row.hidden = !show;
      entry.shown = show;
    }
    if (show && entry.stale && entry.onScreen) paintRow(model.items('stocks').get(symbol), null);
  }
  $('stockShown').textContent = String(shown.size);
  $('stockCount').textContent = String(symbols.length);
}

/**
 * @param {import('./live-model.js').ItemState} state
 * @param {Map<string, string>|null} fields the changed fields, null to paint all (without flashing)
 */
function paintRow(state, fields) {
  const entry = rows.get(state.item);
  if (!entry) return;
  if (!entry.shown || !entry.onScreen) {
    entry.stale = true;
    return;
  }
  const all = fields === null || entry.stale;
  entry.stale = false;
  for (const [field, cell] of entry.cells) {
    const moved = fields?.get(field);
    if (!all && moved === undefined) continue;
    cell.textContent = formatField('stocks', field, state.fields[field]);
    if (field === 'change') {
      const change = state.fields.change;
      cell.dataset.sign = typeof change !== 'number' || change === 0 ? 'flat' : change > 0 ? 'up' : 'down';
    }
    if (moved) flash(cell, moved);
  }
  if (all || fields.has('last')) drawSparkline(entry.canvas, state.historyValues(), sparkColours, SPARK_WIDTH, SPARK_HEIGHT);
}

/** @param {string} city */
function addCard(city) {
  const card = document.createElement('li');
  card.className = 'weather-card';
  card.dataset.city = city;
  const title = document.createElement('h3');
  title.textContent = city; // the id, until the station's `city` field names it
  const list = document.createElement('dl');
  const values = new Map();
  for (const [field, label] of WEATHER_FIELDS) {
    const term = document.createElement('dt');
    term.textContent = label;
    const value = document.createElement('dd');
    value.dataset.field = field;
    value.textContent = '–';
    values.set(field, value);
    list.append(term, value);
  }
  card.append(title, list);
  cards.set(city, { card, title, values });
  const list$ = $('weather');
  const after = [...cards.keys()].sort().find((other) => other > city);
  list$.insertBefore(card, after ? cards.get(after).card : null);
  $('weatherCount').textContent = String(cards.size);
}

/**
 * @param {import('./live-model.js').ItemState} state
 * @param {Map<string, string>} fields
 */
function paintCard(state, fields) {
  const entry = cards.get(state.item);
  if (!entry) return;
  for (const [field, moved] of fields) {
    if (field === 'city') {
      const name = state.fields.city;
      const named = typeof name === 'string' && name.trim() !== '';
      entry.title.textContent = named ? name : state.item;
      entry.title.toggleAttribute('data-named', named);
      continue;
    }
    const value = entry.values.get(field);
    if (!value) continue;
    value.textContent = formatField('weather', field, state.fields[field]);
    flash(value, moved);
  }
}

function paintFooter() {
  const now = performance.now();
  const figures = model.figures(now);
  $('rate').textContent = String(Math.round(figures.rate));
  $('updates').textContent = String(figures.updates);
  $('conflated').textContent = String(figures.conflated);
  $('p50').textContent = formatMs(figures.p50);
  $('p99').textContent = formatMs(figures.p99);
  paintAge();
}

/**
 * How old the data on screen is, from each item's `ts`: the footer's oldest age and count of items
 * older than AGED_AFTER_MS, and the `aged` mark on those stock rows and weather cards.
 */
function paintAge() {
  const all = [...model.items('stocks').values(), ...model.items('weather').values()];
  const { oldestMs, aged } = dataAge(all, Date.now());
  $('oldest').textContent = Number.isFinite(oldestMs) ? `${(oldestMs / 1000).toFixed(1)} s` : '–';
  $('aged').textContent = String(aged.size);
  for (const [symbol, entry] of rows) {
    const state = model.items('stocks').get(symbol);
    const old = state !== undefined && aged.has(state);
    if (entry.row.classList.contains('aged') !== old) {
      entry.row.classList.toggle('aged', old);
      entry.row.title = old ? `Older than ${AGED_AFTER_MS / 1000} s` : '';
    }
  }
  for (const [station, card] of cards) {
    const state = model.items('weather').get(station);
    const old = state !== undefined && aged.has(state);
    if (card.card.classList.contains('aged') !== old) {
      card.card.classList.toggle('aged', old);
      card.card.title = old ? `Older than ${AGED_AFTER_MS / 1000} s` : '';
    }
  }
}

function readSparkColours() {
  const style = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  sparkColours = { up: colour('--ok', 'green'), down: colour('--bad', 'red'), flat: colour('--idle', 'grey') };
}

// ---- wiring ---------------------------------------------------------------------------------------

function wire() {
  // a phone shows the first 20 symbols, a wider screen all of them
  $('limit').value = matchMedia('(max-width: 40rem)').matches ? '20' : '0';
  // live.html?protocol=json|binary|both&frequency=0|1|4|10 opens with that choice (links, tests, screenshots)
  const query = new URLSearchParams(window.location.search);
  for (const [param, id] of [['protocol', 'protocolChoice'], ['frequency', 'frequency']]) {
    const wanted = query.get(param);
    if (wanted !== null && [...$(id).options].some((option) => option.value === wanted)) $(id).value = wanted;
  }
  $('protocolChoice').addEventListener('change', connect);
  $('frequency').addEventListener('change', () => {
    if (!client || !ids) return;
    client.unsubscribe(ids.stocks);
    client.unsubscribe(ids.weather);
    subscribeAll();
  });
  const relayout = () => {
    boardChanged = true;
    requestPaint();
  };
  $('filter').addEventListener('input', relayout);
  $('limit').addEventListener('change', relayout);
  $('feedForm').addEventListener('submit', (event) => event.preventDefault());
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    readSparkColours();
    rows.forEach((entry) => { entry.stale = true; });
    relayout();
  });
  readSparkColours();
}

mountNav();
wire();
window.addEventListener('pageshow', () => {
  if (!client) connect();
  if (footerTimer === null) footerTimer = setInterval(paintFooter, FOOTER_MS);
});
window.addEventListener('pagehide', () => {
  stopClient();
  if (footerTimer !== null) clearInterval(footerTimer);
  footerTimer = null;
  $('status').dataset.state = 'closed';
  $('status').textContent = 'Closed: the page was hidden';
});
