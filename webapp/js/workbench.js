/**
 * The workbench: a console for the whole browser WebSocket API. Connect to any ws/wss URL with
 * subprotocols, watch url/readyState/protocol/extensions/binaryType/bufferedAmount live, send
 * text, JSON, hex bytes and files (repeatedly, to watch bufferedAmount drain), read every event
 * with sizes and echo round-trip times, reconnect with backoff, export the log. Version 2: the log
 * follows new events unless scrolled up (then an "N new" pill), filters and searches, pauses;
 * connections and snippets are saved in localStorage; buttons are enabled only when they can act.
 * Version 3: the log survives a reload (IndexedDB, bounded) and an exported log can be imported;
 * the event count follows the filters; a failed handshake is explained by asking the URL over HTTP;
 * Ctrl/Cmd+Enter sends; Save and Connect accept the same URLs; feed.bin messages are decoded; while
 * reconnecting, the close that ended the session stays on screen.
 * @module workbench
 */
import { READY_STATES, readyStateLabel, socketUrl } from './endpoint.js';
import { EventLog } from './eventlog.js';
import { Backoff } from './backoff.js';
import { fingerprint, formatBytes, hexDump, parseHex, prettyText, utf8Length } from './format.js';
import { FeedBinaryDecoder } from './feed-binary.js';
import { LogStore } from './log-store.js';
import { SessionEnd } from './session-end.js';
import { imageType } from './sniff.js';
import {
  PRESETS, WorkbenchStore, checkSocketUrl, connectionLabel, httpUrlOf, parseExportedLog, parseProtocols, snippetName,
} from './workbench-store.js';
import { mountNav } from './nav.js';

/**
 * What was sent, to recognise it when an echo server returns it.
 * @typedef {{kind: 'text', text: string, t: number} | {kind: 'binary', size: number, print: number, t: number}} Pending
 */

const MAX_REPEAT = 100000;
const MAX_PENDING = 10000;
const LOG_LIMIT = 2000;
const $ = (id) => document.getElementById(id);

/** The IndexedDB copy of the log, or null when the browser refuses IndexedDB. */
const logStore = LogStore.open(LOG_LIMIT).catch((error) => {
  $('logStoreNote').textContent = `The log is not kept across reloads here: ${error?.message ?? 'IndexedDB is unavailable'}.`;
  return null;
});

const log = new EventLog($('events'), {
  limit: LOG_LIMIT,
  onAppend: (entries) => {
    logStore.then((store) => store?.add(entries)).catch((error) => {
      $('logStoreNote').textContent = `The log could not be kept: ${error?.message ?? error}.`;
    });
  },
  onChange: (count, dropped, held) => {
    const shown = log ? log.visibleCount() : count;
    const filtered = shown !== count ? `${shown} of ${count} events shown` : `${count} events`;
    $('logCount').textContent = `${filtered}${dropped ? ` (${dropped} older ones dropped)` : ''}${held ? ` · ${held} waiting (paused)` : ''}`;
  },
  onUnseen: (unseen) => {
    $('newPill').hidden = unseen === 0;
    $('newPill').textContent = `${unseen} new ↓`;
  },
});
const store = new WorkbenchStore(safeStorage());
const backoff = new Backoff();

/** @type {WebSocket|null} */
let ws = null;
/** @type {Map<WebSocket, Record<string, EventListener>>} */
const listeners = new Map();
let userClosed = false;
let lastReadyState = null;
/** @type {Pending[]} */
let pending = [];
let inbound = Promise.resolve();
let queuedBytes = 0;
let drainSample = { at: 0, drained: 0, rate: 0 };
let panelTimer = null;
let reconnectTimer = null;
let countdownTimer = null;
/** The close that ended the last session that opened: reconnect attempts that fail do not replace it. */
const sessionEnd = new SessionEnd();
/** feed.bin decoders, one per socket (the protocol binds field names and handles per connection). */
const feedDecoders = new WeakMap();

function entry(fields) {
  log.add({ time: new Date(), ...fields });
}

/** localStorage, or a stand-in that remembers nothing when the browser refuses storage. */
function safeStorage() {
  try {
    const storage = window.localStorage;
    storage.getItem('probe');
    return storage;
  } catch {
    return { getItem: () => null, setItem: () => { throw new Error('storage is disabled'); } };
  }
}

function setSendError(message) {
  $('sendError').textContent = message;
}

/** Enables exactly the controls that can act on the socket as it is now. */
function updateControls() {
  const state = ws ? ws.readyState : WebSocket.CLOSED;
  const open = state === WebSocket.OPEN;
  ['sendText', 'sendJson', 'sendHex', 'sendFile'].forEach((id) => {
    $(id).disabled = !open;
  });
  $('close').disabled = !(state === WebSocket.OPEN || state === WebSocket.CONNECTING);
  $('connect').textContent = state === WebSocket.OPEN || state === WebSocket.CONNECTING ? 'Reconnect' : 'Connect';
  const name = READY_STATES[state];
  $('stateReadyState').dataset.state = ws ? name.toLowerCase() : 'idle';
}

// ---- connection -------------------------------------------------------------------------------

function connect() {
  cancelReconnect();
  if (ws && ws.readyState <= WebSocket.OPEN) {
    userClosed = true;
    ws.close(1000, 'Reconnecting');
  }
  const protocols = parseProtocols($('protocols').value);
  $('connectError').textContent = '';
  $('closeError').textContent = '';
  const checked = checkSocketUrl($('url').value, window.location.href);
  if (checked.error) {
    $('connectError').textContent = `Cannot connect: ${checked.error}.`;
    entry({ direction: 'local', type: 'error', summary: `Cannot connect: ${checked.error}` });
    updateControls();
    return;
  }
  const { url } = checked;
  let socket;
  try {
    socket = protocols.length > 0 ? new WebSocket(url, protocols) : new WebSocket(url);
  } catch (error) {
    $('connectError').textContent = `Cannot connect: ${error.message}`;
    entry({ direction: 'local', type: 'error', summary: `Cannot connect: ${error.message}` });
    updateControls();
    return;
  }
  socket.binaryType = $('binaryType').value;
  ws = socket;
  userClosed = false;
  pending = [];
  queuedBytes = 0;
  drainSample = { at: performance.now(), drained: 0, rate: 0 };
  lastReadyState = null;
  attach(socket);
  entry({ direction: 'local', type: 'connect', summary: `${url}${protocols.length ? ` · subprotocols ${protocols.join(', ')}` : ''}` });
  watchReadyState();
  startPanel();
}

function attach(socket) {
  let opened = false;
  const handlers = {
    open: () => {
      opened = true;
      sessionEnd.opened();
      backoff.reset();
      watchReadyState();
      entry({ direction: 'in', type: 'open', summary: `protocol "${socket.protocol}" · extensions "${socket.extensions}"` });
      refreshPanel();
    },
    message: (event) => {
      const at = performance.now();
      const data = event.data;
      inbound = inbound
        .then(() => describeIncoming(data, at, socket))
        .catch((error) => entry({ direction: 'local', type: 'error', summary: `Could not read a message: ${error.message}` }));
    },
    error: () => {
      entry({ direction: 'in', type: 'error', summary: 'The browser reported an error (details stay in its console by design)' });
    },
    close: (event) => {
      detach(socket);
      const close = { code: event.code, reason: event.reason, wasClean: event.wasClean };
      inbound = inbound.then(() => {
        watchReadyState(socket);
        entry({ direction: 'in', type: 'close', close });
      });
      if (socket !== ws) return;
      sessionEnd.closed(event.code, event.reason);
      if (!opened && event.code === 1006) explainFailedHandshake(socket.url);
      stopPanel();
      refreshPanel();
      if ($('autoReconnect').checked && !userClosed) scheduleReconnect();
    },
  };
  Object.entries(handlers).forEach(([type, handler]) => socket.addEventListener(type, handler));
  listeners.set(socket, handlers);
}

/**
 * A handshake that failed shows only 1006 (the browser keeps the reason to itself): ask the same URL
 * over HTTP and show the status the server answers with (404 for a wrong path, 403 for a refused
 * Origin...). Another origin's answer cannot be read by the page: then it says so.
 * @param {string} socketUrl
 */
async function explainFailedHandshake(socketUrl) {
  const url = httpUrlOf(socketUrl);
  const sameOrigin = new URL(url).origin === window.location.origin;
  let explanation;
  try {
    const response = await fetch(url, { cache: 'no-store', credentials: 'omit', mode: sameOrigin ? 'same-origin' : 'no-cors' });
    if (response.type === 'opaque') {
      explanation = `the server answered, but it is another origin: the browser does not let this page read the answer (see the browser's console)`;
    } else {
      const text = (await response.text()).trim();
      const body = text && text.length <= 200 && !text.startsWith('<') ? `: ${text}` : '';
      explanation = `an HTTP GET of ${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${body}`;
    }
  } catch (error) {
    explanation = `the server could not be reached over HTTP either (${error.message})`;
  }
  const summary = `The handshake failed (1006): ${explanation}`;
  $('connectError').textContent = `${summary}.`;
  entry({ direction: 'local', type: 'error', summary });
}

function detach(socket) {
  const handlers = listeners.get(socket);
  if (!handlers) return;
  Object.entries(handlers).forEach(([type, handler]) => socket.removeEventListener(type, handler));
  listeners.delete(socket);
}

function closeSocket() {
  $('closeError').textContent = '';
  if (!ws || ws.readyState >= WebSocket.CLOSING) {
    $('closeError').textContent = 'Nothing to close: no socket is open or connecting.';
    return;
  }
  cancelReconnect();
  const codeText = $('closeCode').value.trim();
  const reason = $('closeReason').value;
  userClosed = true;
  try {
    if (codeText === '') {
      ws.close();
    } else {
      ws.close(Number(codeText), reason);
    }
  } catch (error) {
    userClosed = false;
    $('closeError').textContent = `close() refused: ${error.message}`;
    entry({ direction: 'local', type: 'error', summary: `close() refused: ${error.message}` });
    return;
  }
  watchReadyState();
}

/** Logs a readyState change since the last look. */
function watchReadyState(socket = ws) {
  if (!socket || socket !== ws) return;
  if (socket.readyState !== lastReadyState) {
    lastReadyState = socket.readyState;
    entry({ direction: 'local', type: 'state', summary: `readyState ${readyStateLabel(socket.readyState)}` });
    $('stateReadyState').dataset.name = READY_STATES[socket.readyState];
    updateControls();
  }
}

function scheduleReconnect() {
  const delay = backoff.next();
  const due = performance.now() + delay;
  entry({ direction: 'local', type: 'reconnect', summary: `attempt ${backoff.attempt} in ${(delay / 1000).toFixed(1)} s` });
  const ended = sessionEnd.ended ? `Session ended with ${SessionEnd.describe(sessionEnd.ended)}; ` : '';
  const show = () => {
    $('reconnectStatus').textContent = `${ended}reconnecting in ${Math.max(0, (due - performance.now()) / 1000).toFixed(1)} s (attempt ${backoff.attempt})`;
  };
  show();
  countdownTimer = setInterval(show, 100);
  reconnectTimer = setTimeout(() => {
    cancelReconnect();
    connect();
  }, delay);
}

function cancelReconnect() {
  clearTimeout(reconnectTimer);
  clearInterval(countdownTimer);
  reconnectTimer = null;
  countdownTimer = null;
  $('reconnectStatus').textContent = '';
}

// ---- live panel -------------------------------------------------------------------------------

function startPanel() {
  stopPanel();
  panelTimer = setInterval(refreshPanel, 100);
  refreshPanel();
}

function stopPanel() {
  clearInterval(panelTimer);
  panelTimer = null;
}

function refreshPanel() {
  const socket = ws;
  const live = socket !== null && socket.readyState <= WebSocket.OPEN;
  $('stateUrl').textContent = socket ? socket.url : '—';
  $('stateReadyState').textContent = socket ? readyStateLabel(socket.readyState) : '—';
  // a closed socket's protocol and extensions are stale: cleared
  $('stateProtocol').textContent = live ? JSON.stringify(socket.protocol) : '—';
  $('stateExtensions').textContent = live ? JSON.stringify(socket.extensions) : '—';
  const buffered = socket ? socket.bufferedAmount : 0;
  $('stateBufferedAmount').textContent = `${buffered} bytes`;
  const now = performance.now();
  const drained = queuedBytes - buffered;
  if (now - drainSample.at >= 250) {
    drainSample = { at: now, drained, rate: ((drained - drainSample.drained) * 1000) / (now - drainSample.at) };
  }
  $('stateSendRate').textContent = buffered > 0 || drainSample.rate > 0 ? `${formatBytes(Math.round(drainSample.rate))}/s` : 'idle';
  watchReadyState();
}

// ---- sending ----------------------------------------------------------------------------------

async function send(kind) {
  setSendError('');
  const socket = ws;
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    setSendError('Not connected: connect first.');
    return;
  }
  const repeat = Math.min(MAX_REPEAT, Math.max(1, Number.parseInt($('repeat').value, 10) || 1));
  let payload;
  let signature;
  let size;
  /** @type {Uint8Array|undefined} the bytes of a binary payload */
  let bytes;
  try {
    switch (kind) {
      case 'text':
      case 'json': {
        payload = $('payload').value;
        if (kind === 'json') payload = JSON.stringify(JSON.parse(payload));
        size = utf8Length(payload);
        signature = { kind: 'text', text: payload };
        break;
      }
      case 'hex': {
        payload = parseHex($('payload').value);
        bytes = payload;
        size = bytes.length;
        signature = { kind: 'binary', size, print: fingerprint(bytes) };
        break;
      }
      case 'file': {
        const file = $('file').files[0];
        if (!file) throw new Error('Choose a file first.');
        payload = file;
        bytes = new Uint8Array(await file.arrayBuffer());
        size = bytes.length;
        signature = { kind: 'binary', size, print: fingerprint(bytes) };
        break;
      }
      default:
        throw new Error(`Unknown kind ${kind}`);
    }
  } catch (error) {
    setSendError(kind === 'json' && error instanceof SyntaxError ? `Not valid JSON: ${error.message}` : error.message);
    return;
  }
  if (socket.readyState !== WebSocket.OPEN) {
    setSendError('The socket closed meanwhile.');
    return;
  }
  for (let i = 0; i < repeat; i += 1) {
    socket.send(payload);
    pending.push({ ...signature, t: performance.now() });
    queuedBytes += size;
  }
  if (pending.length > MAX_PENDING) pending.splice(0, pending.length - MAX_PENDING);
  const image = bytes && imageType(bytes) ? new Blob([bytes], { type: imageType(bytes) }) : undefined;
  entry({
    direction: 'out',
    type: 'send',
    kind: kind === 'file' ? `binary (file ${payload.name})` : kind === 'hex' ? 'binary' : kind,
    size,
    count: repeat,
    body: bytes ? hexDump(bytes) : prettyText(payload).text,
    hex: bytes !== undefined,
    ...(image ? { image } : {}),
  });
  refreshPanel();
}

/** The round-trip time if this message is the echo of the oldest one sent and not yet returned. */
function matchEcho(isText, value, size, at) {
  const head = pending[0];
  if (!head) return undefined;
  const match = isText
    ? head.kind === 'text' && head.text === value
    : head.kind === 'binary' && head.size === size && head.print === fingerprint(value);
  if (!match) return undefined;
  pending.shift();
  return at - head.t;
}

async function describeIncoming(data, at, socket) {
  if (typeof data === 'string') {
    const { text, json } = prettyText(data);
    entry({ direction: 'in', type: 'message', kind: json ? 'json' : 'text', size: utf8Length(data), rttMs: matchEcho(true, data, 0, at), body: text });
    return;
  }
  const blob = data instanceof Blob ? data : new Blob([data]);
  const bytes = new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : data);
  if (socket.protocol === 'feed.bin') {
    describeFeedBinary(socket, bytes, at);
    return;
  }
  const type = imageType(bytes);
  entry({
    direction: 'in',
    type: 'message',
    kind: `binary (${data instanceof Blob ? 'Blob' : 'ArrayBuffer'})`,
    size: bytes.length,
    rttMs: matchEcho(false, bytes, bytes.length, at),
    body: hexDump(bytes),
    hex: true,
    ...(type ? { image: new Blob([blob], { type }) } : {}),
  });
}

/** A feed.bin message, decoded like a JSON one is shown (its hex dump when it cannot be decoded). */
function describeFeedBinary(socket, bytes, at) {
  let decoder = feedDecoders.get(socket);
  if (!decoder) {
    decoder = new FeedBinaryDecoder();
    feedDecoders.set(socket, decoder);
  }
  const fields = { direction: 'in', type: 'message', size: bytes.length, rttMs: matchEcho(false, bytes, bytes.length, at) };
  try {
    const messages = decoder.decode(bytes);
    const text = JSON.stringify(messages, (key, value) => (typeof value === 'bigint' ? value.toString() : value), 2);
    entry({ ...fields, kind: 'binary (feed.bin, decoded)', body: text });
  } catch (error) {
    entry({ ...fields, kind: 'binary (feed.bin)', summary: `Could not decode: ${error.message}`, body: hexDump(bytes), hex: true });
  }
}

// ---- log export and import ---------------------------------------------------------------------

async function importLog(file) {
  $('logStoreNote').textContent = '';
  try {
    const entries = parseExportedLog(await file.text(), LOG_LIMIT);
    log.addAll(entries, true);
    $('logStoreNote').textContent = `Imported ${entries.length} event${entries.length === 1 ? '' : 's'} from ${file.name}.`;
  } catch (error) {
    $('logStoreNote').textContent = `Not imported: ${error.message}.`;
  }
}

function exportLog() {
  const blob = new Blob([JSON.stringify(log.toJSON(), null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `duplex-log-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- wiring -----------------------------------------------------------------------------------

// ---- saved connections and snippets ------------------------------------------------------------

function currentConnection() {
  return { url: $('url').value.trim(), protocols: parseProtocols($('protocols').value), autoReconnect: $('autoReconnect').checked };
}

function useConnection(connection) {
  $('url').value = connection.url;
  $('protocols').value = connection.protocols.join(', ');
  $('autoReconnect').checked = connection.autoReconnect;
}

/** The presets' menu: choosing one fills the URL, the subprotocols and the Send box. */
function wirePresets() {
  $('preset').append(...PRESETS.map((preset, index) => {
    const option = document.createElement('option');
    option.value = String(index);
    option.textContent = preset.label;
    return option;
  }));
  $('preset').addEventListener('change', () => {
    const preset = PRESETS[Number($('preset').value)];
    if (!$('preset').value || !preset) return;
    useConnection({ url: socketUrl(preset.path), protocols: preset.protocols, autoReconnect: false });
    $('payload').value = preset.payload;
  });
}

function showSavedConnections() {
  const saved = store.connections();
  $('savedCount').textContent = String(saved.length);
  $('savedList').replaceChildren(...saved.map((connection, index) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = connectionLabel(connection) + (connection.autoReconnect ? ' · auto-reconnect' : '');
    const use = document.createElement('button');
    use.type = 'button';
    use.className = 'secondary use-connection';
    use.textContent = 'Use';
    use.addEventListener('click', () => useConnection(connection));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary danger';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${connectionLabel(connection)}`);
    remove.addEventListener('click', () => {
      store.removeConnection(index);
      showSavedConnections();
    });
    item.append(name, use, remove);
    return item;
  }));
}

function saveConnection() {
  $('connectError').textContent = '';
  const connection = currentConnection();
  const checked = checkSocketUrl(connection.url, window.location.href);
  if (checked.error) {
    $('connectError').textContent = `Not saved: ${checked.error}.`;
    return;
  }
  connection.url = checked.url;
  if (!store.saveConnection(connection)) {
    $('connectError').textContent = 'Not saved: this browser does not let the page store data.';
    return;
  }
  showSavedConnections();
  $('savedConnections').open = true;
}

function showSnippets() {
  const options = store.snippets().map((snippet, index) => {
    const option = document.createElement('option');
    option.value = String(index);
    option.textContent = snippet.name;
    return option;
  });
  const none = document.createElement('option');
  none.value = '';
  none.textContent = options.length ? `— ${options.length} saved —` : '— none saved —';
  $('snippets').replaceChildren(none, ...options);
  $('deleteSnippet').disabled = true;
}

function wireSnippets() {
  $('snippets').addEventListener('change', () => {
    const index = $('snippets').value;
    $('deleteSnippet').disabled = index === '';
    if (index !== '') $('payload').value = store.snippets()[Number(index)]?.text ?? '';
  });
  $('saveSnippet').addEventListener('click', () => {
    setSendError('');
    const text = $('payload').value;
    if (!store.saveSnippet({ name: snippetName(text), text })) {
      setSendError('Not saved: this browser does not let the page store data.');
      return;
    }
    showSnippets();
  });
  $('deleteSnippet').addEventListener('click', () => {
    const index = $('snippets').value;
    if (index === '') return;
    store.removeSnippet(Number(index));
    showSnippets();
  });
}

// ---- log tools ----------------------------------------------------------------------------------

function wireLogTools() {
  const applyFilter = () => log.setFilter({
    direction: $('filterDirection').value, type: $('filterType').value, text: $('filterText').value,
  });
  ['filterDirection', 'filterType'].forEach((id) => $(id).addEventListener('change', applyFilter));
  $('filterText').addEventListener('input', applyFilter);
  $('pauseLog').addEventListener('click', () => {
    const pause = !log.paused;
    if (pause) log.pause();
    else log.resume();
    $('pauseLog').setAttribute('aria-pressed', String(pause));
    $('pauseLog').textContent = pause ? 'Resume' : 'Pause';
  });
  $('newPill').addEventListener('click', () => log.scrollToEnd());
}

function start() {
  const last = store.connections()[0];
  if (last) useConnection(last);
  else $('url').value = socketUrl('echo');
  showSavedConnections();
  wirePresets();
  showSnippets();
  wireSnippets();
  wireLogTools();
  $('saveConnection').addEventListener('click', saveConnection);
  $('connectForm').addEventListener('submit', (event) => {
    event.preventDefault();
    connect();
  });
  $('closeForm').addEventListener('submit', (event) => {
    event.preventDefault();
    closeSocket();
  });
  $('binaryType').addEventListener('change', () => {
    if (ws) ws.binaryType = $('binaryType').value;
    refreshPanel();
  });
  $('autoReconnect').addEventListener('change', () => {
    if (!$('autoReconnect').checked) cancelReconnect();
  });
  $('sendText').addEventListener('click', () => send('text'));
  $('sendJson').addEventListener('click', () => send('json'));
  $('sendHex').addEventListener('click', () => send('hex'));
  $('sendFile').addEventListener('click', () => send('file'));
  $('clearLog').addEventListener('click', () => {
    log.clear();
    logStore.then((store) => store?.clear());
  });
  $('exportLog').addEventListener('click', exportLog);
  $('importLog').addEventListener('click', () => $('importFile').click());
  $('importFile').addEventListener('change', () => {
    const file = $('importFile').files[0];
    $('importFile').value = '';
    if (file) importLog(file);
  });
  // Ctrl+Enter (Cmd+Enter on a Mac) in the Send box sends it as text
  $('payload').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!$('sendText').disabled) send('text');
    }
  });
  logStore.then((store) => store?.all()).then((kept) => {
    if (kept && kept.length > 0) log.addAll(kept, false);
  }).catch((error) => {
    $('logStoreNote').textContent = `The kept log could not be read: ${error?.message ?? error}.`;
  });
  refreshPanel();
  updateControls();
}

mountNav();
start();
window.addEventListener('pagehide', () => {
  cancelReconnect();
  stopPanel();
  if (ws && ws.readyState <= WebSocket.OPEN) {
    userClosed = true;
    ws.close(1000, 'Page closed');
  }
});
