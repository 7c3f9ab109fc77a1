/**
 * play.html: joins a room over game.bin, sends one input per tick (keyboard, mouse or touch),
 * draws the arena with requestAnimationFrame, shows RTT, tick, loss and the scoreboard, and
 * rejoins with its token after a dropped connection.
 * @module game
 */
import { mountNav } from './nav.js';
import { socketUrl } from './endpoint.js';
import { Backoff } from './backoff.js';
import {
  decodeServer, encodeJoin, encodePing, encodeAck, KIND_ORB, KIND_BOT, SCORE_BOT, SCORE_AWAY, SPECTATOR,
} from './game-codec.js';
import { GameClient } from './game-client.js';

mountNav();

const $ = (id) => document.getElementById(id);
const url = socketUrl('game');
$('socketUrl').textContent = url;

const canvas = $('arena');
const ctx = canvas.getContext('2d');
const keys = new Set();
let pointer = null; // {x, y} in canvas pixels while a mouse button or finger is down
let boostButton = false;

/** What the page wants: null, or {spectate, name, room}; kept across reconnects. */
let wanted = null;
let token = new Uint8Array(0);
let socket = null;
let client = null;
let names = new Map();
let pingTimer = 0;
let rtt = null;
let lastBytes = 0;
const backoff = new Backoff({ initialMs: 300, maxMs: 5000 });

function status(state, text) {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = text;
}

function connect() {
  socket = new WebSocket(url, 'game.bin');
  socket.binaryType = 'arraybuffer';
  status('connecting', 'Connecting…');
  socket.onopen = () => {
    $('error').textContent = '';
    socket.send(encodeJoin({ ...wanted, token: wanted.spectate ? new Uint8Array(0) : token }));
    pingTimer = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send(encodePing(Math.floor(performance.now()))), 1000);
  };
  socket.onmessage = (event) => receive(event.data);
  socket.onclose = (event) => {
    clearInterval(pingTimer);
    socket = null;
    client = null;
    if (!wanted) {
      status('closed', 'Not connected');
      return;
    }
    // 1012: the room's instance left the cluster; the room resumes on a survivor, rejoin with the token
    if (event.code >= 1002 && event.code !== 1006 && event.code !== 1001 && event.code !== 1012 && event.code !== 1013) {
      // a refusal (bad message, over a limit): say why and do not hammer the server
      $('error').textContent = `Closed by the server: ${event.code} ${event.reason}`;
      stop();
      return;
    }
    const delay = backoff.next();
    status('reconnecting', `Connection lost (${event.code}); rejoining in ${Math.round(delay / 100) / 10} s…`);
    setTimeout(() => wanted && !socket && connect(), delay);
  };
}

function receive(data) {
  let message;
  try {
    message = decodeServer(data);
  } catch (e) {
    $('error').textContent = `Unreadable message from the server: ${e.message}`;
    return;
  }
  lastBytes = data.byteLength;
  switch (message.type) {
    case 'welcome':
      backoff.reset();
      if (!(message.flags & SPECTATOR)) token = message.token;
      client = new GameClient(message);
      client.view = message.view;
      $('roomName').textContent = `· ${message.room}${message.flags & SPECTATOR ? ' (watching)' : ''}`;
      canvas.dataset.you = String(message.you);
      status('open', message.flags & SPECTATOR ? `Watching ${message.room}`
        : `Playing in ${message.room}${message.flags & 1 ? ' (rejoined)' : ''}`);
      $('leave').disabled = false;
      if (!(message.flags & SPECTATOR)) canvas.focus();
      break;
    case 'snapshot':
      if (client && !client.snapshot(message, performance.now())) return;
      if (client && client.you === 0 && socket) socket.send(encodeAck(client.lastTick));
      break;
    case 'scores':
      showScores(message.scores);
      break;
    case 'pong':
      rtt = (Math.floor(performance.now()) - message.time) >>> 0;
      break;
    case 'error':
      $('error').textContent = message.message;
      break;
    default:
  }
}

function showScores(scores) {
  names = new Map(scores.map((s) => [s.id, s]));
  const items = [...scores].sort((a, b) => b.score - a.score || a.id - b.id).map((s) => {
    const li = document.createElement('li');
    const away = s.flags & SCORE_AWAY ? ' (away)' : '';
    li.textContent = `${s.name}${away} — ${s.score}`;
    if (client && s.id === client.you) li.className = 'own';
    return li;
  });
  $('scores').replaceChildren(...items);
}

function stop() {
  wanted = null;
  $('leave').disabled = true;
  $('roomName').textContent = '';
  canvas.dataset.you = '';
}

$('joinForm').addEventListener('submit', (event) => {
  event.preventDefault();
  start(false);
});
$('watch').addEventListener('click', () => start(true));
$('leave').addEventListener('click', () => {
  stop();
  token = new Uint8Array(0);
  socket?.close(1000, 'Left');
});

function start(spectate) {
  const room = $('room').value.trim();
  if (!/^[a-z0-9-]{0,24}$/.test(room)) {
    $('error').textContent = 'A room name is up to 24 of a-z, 0-9 and -.';
    return;
  }
  const name = $('name').value.trim();
  if (!spectate && (name === '' || new TextEncoder().encode(name).length > 16)) {
    $('error').textContent = 'A name is 1 to 16 bytes long.';
    return;
  }
  if (socket) {
    socket.onclose = null;
    socket.close(1000, 'Joining again');
    clearInterval(pingTimer);
    socket = null;
  }
  wanted = { spectate, name, room };
  token = new Uint8Array(0);
  connect();
}

// ---- input ---------------------------------------------------------------------------------

const KEYS = {
  ArrowLeft: [-1, 0], KeyA: [-1, 0], ArrowRight: [1, 0], KeyD: [1, 0],
  ArrowUp: [0, -1], KeyW: [0, -1], ArrowDown: [0, 1], KeyS: [0, 1],
};

function typing(event) {
  return event.target instanceof HTMLInputElement || event.target instanceof HTMLButtonElement;
}

window.addEventListener('keydown', (event) => {
  if (typing(event) || !client) return;
  if (KEYS[event.code] || event.key === 'Shift') {
    keys.add(event.code in KEYS ? event.code : 'Shift');
    event.preventDefault();
  }
});
window.addEventListener('keyup', (event) => keys.delete(event.code in KEYS ? event.code : event.key === 'Shift' ? 'Shift' : event.code));
window.addEventListener('blur', () => keys.clear());

function canvasPoint(event) {
  const box = canvas.getBoundingClientRect();
  return { x: ((event.clientX - box.left) / box.width) * canvas.width, y: ((event.clientY - box.top) / box.height) * canvas.height };
}
canvas.addEventListener('pointerdown', (event) => {
  canvas.setPointerCapture(event.pointerId);
  pointer = canvasPoint(event);
  event.preventDefault();
});
canvas.addEventListener('pointermove', (event) => { if (pointer) pointer = canvasPoint(event); });
for (const type of ['pointerup', 'pointercancel']) canvas.addEventListener(type, () => { pointer = null; });
const boost = $('boost');
boost.addEventListener('pointerdown', () => { boostButton = true; boost.setAttribute('aria-pressed', 'true'); });
for (const type of ['pointerup', 'pointercancel', 'pointerleave']) {
  boost.addEventListener(type, () => { boostButton = false; boost.setAttribute('aria-pressed', 'false'); });
}
boost.addEventListener('keydown', (event) => {
  if (event.key === ' ' || event.key === 'Enter') { boostButton = !boostButton; boost.setAttribute('aria-pressed', String(boostButton)); event.preventDefault(); }
});

/** The thrust of this moment: keys, else towards the pointer from the own ship; -127..127 each. */
function thrust(ownScreen) {
  let dx = 0;
  let dy = 0;
  for (const code of keys) {
    const k = KEYS[code];
    if (k) { dx += k[0]; dy += k[1]; }
  }
  if (dx !== 0 || dy !== 0) {
    const length = Math.hypot(dx, dy);
    return [Math.round((dx / length) * 127), Math.round((dy / length) * 127)];
  }
  if (pointer && ownScreen) {
    const px = pointer.x - ownScreen.x;
    const py = pointer.y - ownScreen.y;
    const length = Math.hypot(px, py);
    if (length < 4) return [0, 0];
    const strength = Math.min(1, length / (canvas.width / 8));
    return [Math.round((px / length) * 127 * strength), Math.round((py / length) * 127 * strength)];
  }
  return [0, 0];
}

// ---- the loop ------------------------------------------------------------------------------

let inputClock = 0;
let ownScreen = null;

function loop(now) {
  requestAnimationFrame(loop);
  if (client && socket && socket.readyState === WebSocket.OPEN && client.you !== 0) {
    if (inputClock === 0 || now - inputClock > 250) inputClock = now;
    // one input per tick; after a stall, at most three at once (the server's rate stays respected)
    let steps = 0;
    while (now - inputClock >= client.periodMs && steps < 3) {
      const [dx, dy] = thrust(ownScreen);
      const buttons = keys.has('Shift') || boostButton ? 1 : 0;
      socket.send(client.input(dx, dy, buttons, now));
      inputClock += client.periodMs;
      steps += 1;
    }
  }
  draw(now);
}

function draw(now) {
  const w = canvas.width;
  ctx.fillStyle = '#0b1020';
  ctx.fillRect(0, 0, w, w);
  if (!client) {
    ownScreen = null;
    return;
  }
  const { entities, own } = client.frame(now);
  let camera = own;
  if (!camera) {
    let best = null;
    for (const e of entities) if (e.kind !== KIND_ORB && (!best || e.aux > best.aux)) best = e;
    camera = best ?? { x: 1000, y: 1000 };
  }
  const span = 2 * (client.view ?? 600);
  const scale = w / span;
  const sx = (x) => (x - camera.x) * scale + w / 2;
  const sy = (y) => (y - camera.y) * scale + w / 2;
  // grid and walls, so that motion shows
  ctx.strokeStyle = '#1e293b';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let g = 0; g <= 2000; g += 100) {
    ctx.moveTo(sx(g), sy(0)); ctx.lineTo(sx(g), sy(2000));
    ctx.moveTo(sx(0), sy(g)); ctx.lineTo(sx(2000), sy(g));
  }
  ctx.stroke();
  ctx.strokeStyle = '#94a3b8';
  ctx.lineWidth = 2;
  ctx.strokeRect(sx(0), sy(0), 2000 * scale, 2000 * scale);
  ctx.font = `${Math.max(11, Math.round(w / 45))}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  for (const e of entities) {
    const x = sx(e.x);
    const y = sy(e.y);
    ctx.beginPath();
    if (e.kind === KIND_ORB) {
      ctx.fillStyle = '#facc15';
      ctx.arc(x, y, 8 * scale, 0, Math.PI * 2);
      ctx.fill();
      continue;
    }
    ctx.fillStyle = e.own ? '#60a5fa' : e.kind === KIND_BOT ? '#94a3b8' : '#fb923c';
    ctx.arc(x, y, 18 * scale, 0, Math.PI * 2);
    ctx.fill();
    const info = names.get(e.id);
    const label = info ? `${info.flags & SCORE_BOT ? 'bot' : info.name} ${e.aux}` : String(e.aux);
    ctx.fillStyle = '#e2e8f0';
    ctx.fillText(label, x, y - 18 * scale - 4);
  }
  ownScreen = own ? { x: sx(own.x), y: sy(own.y) } : null;
  $('tick').textContent = String(client.lastTick);
  $('loss').textContent = `${(client.loss() * 100).toFixed(1)} %`;
  $('rtt').textContent = rtt === null ? '–' : `${rtt} ms`;
  $('bytes').textContent = `${lastBytes} B`;
}

requestAnimationFrame(loop);

/** Read-only view for tests and debugging: what the page draws now, in world units. */
window.duplexGame = Object.freeze({
  you: () => client?.you ?? null,
  entities: () => (client ? client.frame(performance.now()).entities.map((e) => ({ ...e })) : []),
  tick: () => client?.lastTick ?? 0,
  corrections: () => client?.corrections ?? 0,
});

const params = new URLSearchParams(location.hash.slice(1));
if (params.get('room')) $('room').value = params.get('room');
