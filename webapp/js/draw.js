/**
 * The draw page: joins the board named in the URL hash (`draw.html#board=team`) over `draw.bin`,
 * paints the committed strokes on the board canvas and the strokes in progress (its own from the
 * pointer, at once) on the overlay, shows the members' cursors and names, and answers the server's
 * snapshot requests with `canvas.toBlob()`. Everything from the network is shown with textContent.
 * @module draw
 */
import { Backoff } from './backoff.js';
import { BoardModel, paintBoard, paintStroke, rgbOf } from './draw-board.js';
import {
  ERRORS, HEIGHT, MAX_SAMPLES_PER_MESSAGE, SUBPROTOCOL, WIDTH, decode, encode, quantise,
} from './draw-codec.js';
import { socketUrl } from './endpoint.js';
import { mountNav } from './nav.js';

const $ = (id) => document.getElementById(id);
const NAME_KEY = 'duplex.draw.name';
/** Close codes after which reconnecting would only be refused again. */
const FINAL_CLOSES = new Set([1003, 1008, 1009]);

const model = new BoardModel();
const backoff = new Backoff({ initialMs: 500, maxMs: 15000 });
/** @type {WebSocket|null} */
let socket = null;
/** @type {ReturnType<typeof setTimeout>|null} */
let reconnectTimer = null;
let pageVisible = false;
/** Messages are handled one after the other: a snapshot's image decodes before what follows it. */
let handling = Promise.resolve();
/** @type {{rgb: number, width: number, samples: import('./draw-codec.js').Sample[], begun?: boolean}[]} strokes of this page the server has not ended yet */
let ownStrokes = [];
/** @type {import('./draw-codec.js').Sample[]} samples not sent yet */
let unsent = [];
let drawing = false;
/** the stroke the pointer is drawing (no longer among ownStrokes once a clear dropped it) */
let current = null;
/** @type {[number, number]|null} */
let pendingCursor = null;
let frameRequested = false;
let overlayDirty = false;

function boardName() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  return params.get('board') || 'lobby';
}

function memberName() {
  return $('name').value.trim();
}

function setStatus(state, text) {
  const status = $('status');
  status.dataset.state = state;
  status.textContent = text;
}

function send(message) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(encode(message));
}

function connect() {
  clearTimeout(reconnectTimer);
  const url = socketUrl('draw');
  $('socketUrl').textContent = url;
  $('boardName').textContent = boardName();
  $('board').value = boardName();
  setStatus('connecting', 'Connecting…');
  const ws = new WebSocket(url, SUBPROTOCOL);
  ws.binaryType = 'arraybuffer';
  socket = ws;
  ws.addEventListener('open', () => {
    if (socket !== ws) return;
    backoff.reset();
    send({ type: 'join', name: memberName(), board: boardName() });
  });
  ws.addEventListener('message', (event) => {
    if (socket !== ws) return;
    if (!(event.data instanceof ArrayBuffer)) return;
    handling = handling.then(() => handle(event.data)).catch((e) => showError(`Unreadable message from the server: ${e.message}`));
  });
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    socket = null;
    setJoined(false);
    if (!pageVisible) return;
    if (FINAL_CLOSES.has(event.code)) {
      setStatus('closed', `Closed: ${event.code} ${event.reason}`);
      return;
    }
    const delay = backoff.next();
    setStatus('reconnecting', `Connection lost (${event.code}); reconnecting in ${Math.round(delay / 100) / 10} s…`);
    reconnectTimer = setTimeout(connect, delay);
  });
}

function disconnect() {
  clearTimeout(reconnectTimer);
  const ws = socket;
  socket = null;
  ws?.close(1000, 'Page closed');
}

function setJoined(joined) {
  $('undo').disabled = !joined;
  $('clear').disabled = !joined;
}

/** @param {ArrayBuffer} data */
async function handle(data) {
  const m = decode(data);
  if (m.type === 'snapshot') {
    m.image = await createImageBitmap(new Blob([m.png], { type: 'image/png' }));
  }
  if (m.type === 'error') {
    showError(`${ERRORS[m.code] ?? m.code}: ${m.message}`);
    // a refused BEGIN: the page's strokes the server never began are gone
    if (m.code === 9 || m.code === 10) ownStrokes = ownStrokes.filter((s) => s.begun);
    return;
  }
  if (m.type === 'snapshotRequest') {
    answerSnapshot(m.request, m.upTo);
    return;
  }
  if (m.type === 'compacted') {
    compact(m.upTo);
    return;
  }
  if (m.type === 'begin' && m.member === model.self) {
    const first = ownStrokes.find((s) => !s.begun);
    if (first) first.begun = true;
  }
  if (m.type === 'end' && model.active.get(m.stroke)?.member === model.self) ownStrokes.shift();
  if (m.type === 'clear') ownStrokes = []; // a stroke being drawn was dropped too; its samples are ignored
  const change = model.apply(m);
  switch (change) {
    case 'welcome':
      setStatus('open', `On board ${boardName()} as ${memberName()}`);
      $('drawError').textContent = '';
      setJoined(true);
      repaint();
      break;
    case 'commit':
      paintStroke(boardContext(), model.lastCommitted);
      overlayDirty = true;
      break;
    case 'repaint':
      repaint();
      $('stage').dataset.snapshotUpTo = String(model.snapshotUpTo);
      break;
    case 'overlay':
      overlayDirty = true;
      break;
    default:
      break;
  }
  if (change === 'members' || change === 'welcome') showMembers();
  if (change === 'cursor' || change === 'overlay' || change === 'members') placeCursors();
  $('strokeCount').textContent = String(model.strokes.length);
  requestFrame();
}

function boardContext() {
  return $('boardCanvas').getContext('2d');
}

function repaint() {
  paintBoard(boardContext(), model);
  overlayDirty = true;
  requestFrame();
}

/** The board up to stroke `upTo`, painted on a canvas of its own. */
function paintedUpTo(upTo) {
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  paintBoard(canvas.getContext('2d'), model, upTo);
  return canvas;
}

function answerSnapshot(request, upTo) {
  // painted now, before any later message changes the strokes; encoded off the message order
  const canvas = paintedUpTo(upTo);
  canvas.toBlob(async (blob) => {
    if (!blob) return;
    send({ type: 'snapshot', request, png: new Uint8Array(await blob.arrayBuffer()) });
  }, 'image/png');
}

function compact(upTo) {
  model.compact(upTo, paintedUpTo(upTo));
  $('stage').dataset.snapshotUpTo = String(upTo);
  $('strokeCount').textContent = String(model.strokes.length);
}

function showError(text) {
  $('drawError').textContent = text;
}

function showMembers() {
  const names = [...model.members.entries()].map(([id, m]) => (id === model.self ? `${m.name} (you)` : m.name));
  $('memberCount').textContent = String(names.length);
  $('memberNames').textContent = names.join(', ');
}

function placeCursors() {
  const layer = $('cursors');
  const shown = new Map([...layer.children].map((el) => [Number(el.dataset.member), el]));
  model.members.forEach((member, id) => {
    if (id === model.self || !member.seen) return;
    let el = shown.get(id);
    if (!el) {
      el = document.createElement('div');
      el.className = 'draw-cursor';
      el.dataset.member = String(id);
      el.append(document.createElement('span'));
      layer.append(el);
    }
    el.lastChild.textContent = member.name;
    el.style.left = `${(member.x / (WIDTH * 8)) * 100}%`;
    el.style.top = `${(member.y / (HEIGHT * 8)) * 100}%`;
    shown.delete(id);
  });
  shown.forEach((el) => el.remove());
}

function requestFrame() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

/** Once per display frame: send what the pointer did, repaint the overlay. */
function frame() {
  frameRequested = false;
  flushSamples();
  if (pendingCursor && !drawing) {
    send({ type: 'cursor', x: pendingCursor[0], y: pendingCursor[1] });
    pendingCursor = null;
  }
  if (overlayDirty) {
    overlayDirty = false;
    const ctx = $('overlayCanvas').getContext('2d');
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    model.active.forEach((stroke) => {
      if (stroke.member !== model.self) paintStroke(ctx, stroke);
    });
    ownStrokes.forEach((stroke) => paintStroke(ctx, stroke));
  }
}

function flushSamples() {
  while (unsent.length > 0) {
    send({ type: 'points', samples: unsent.splice(0, MAX_SAMPLES_PER_MESSAGE) });
  }
}

/** @param {PointerEvent} event */
function sample(event) {
  const canvas = $('overlayCanvas');
  const [x, y] = quantise(event.offsetX, event.offsetY, canvas.clientWidth, canvas.clientHeight);
  const pressure = event.pointerType === 'pen' ? Math.max(1, Math.min(255, Math.round(event.pressure * 255))) : 0;
  return /** @type {import('./draw-codec.js').Sample} */ ([x, y, pressure]);
}

function pointerDown(event) {
  if (!socket || model.self === 0 || (event.pointerType === 'mouse' && event.button !== 0)) return;
  event.preventDefault();
  event.currentTarget.setPointerCapture(event.pointerId);
  drawing = true;
  const stroke = { rgb: rgbOf($('colour').value), width: Number($('width').value), samples: [sample(event)] };
  current = stroke;
  ownStrokes.push(stroke);
  send({ type: 'begin', rgb: stroke.rgb, width: stroke.width });
  unsent.push(stroke.samples[0]);
  overlayDirty = true;
  requestFrame();
}

function pointerMove(event) {
  if (!drawing) {
    if (model.self !== 0) {
      pendingCursor = sample(event).slice(0, 2);
      requestFrame();
    }
    return;
  }
  const stroke = current;
  const events = event.getCoalescedEvents?.() ?? [event];
  (events.length > 0 ? events : [event]).forEach((e) => {
    const s = sample(e);
    stroke.samples.push(s);
    unsent.push(s);
  });
  overlayDirty = true;
  requestFrame();
}

function pointerUp() {
  if (!drawing) return;
  drawing = false;
  flushSamples();
  send({ type: 'end' });
}

function exportPng() {
  $('boardCanvas').toBlob((blob) => {
    if (!blob) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${boardName()}.png`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }, 'image/png');
}

function start() {
  mountNav();
  let saved = '';
  try {
    saved = localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    // no storage: a new name each time
  }
  $('name').value = saved || `guest-${Math.floor(1000 + Math.random() * 9000)}`;
  $('board').value = boardName();
  paintBoard(boardContext(), model);

  $('joinForm').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!$('joinForm').reportValidity()) return;
    try {
      localStorage.setItem(NAME_KEY, memberName());
    } catch {
      // not kept
    }
    const target = `#board=${encodeURIComponent($('board').value.trim())}`;
    if (window.location.hash === target) {
      disconnect();
      connect();
    } else {
      window.location.hash = target; // hashchange reconnects
    }
  });
  window.addEventListener('hashchange', () => {
    disconnect();
    connect();
  });
  const overlay = $('overlayCanvas');
  overlay.addEventListener('pointerdown', pointerDown);
  overlay.addEventListener('pointermove', pointerMove);
  overlay.addEventListener('pointerup', pointerUp);
  overlay.addEventListener('pointercancel', pointerUp);
  $('undo').addEventListener('click', () => send({ type: 'undo' }));
  $('clear').addEventListener('click', () => {
    // eslint-disable-next-line no-alert
    if (window.confirm(`Clear board ${boardName()} for everyone on it?`)) send({ type: 'clear' });
  });
  $('export').addEventListener('click', exportPng);
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'z' && !(event.target instanceof HTMLInputElement)) {
      event.preventDefault();
      send({ type: 'undo' });
    }
  });
  window.addEventListener('pageshow', () => {
    pageVisible = true;
    if (!socket) connect();
  });
  window.addEventListener('pagehide', () => {
    pageVisible = false;
    disconnect();
  });
}

start();
