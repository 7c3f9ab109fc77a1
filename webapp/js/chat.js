/**
 * The chat page: joins a room over the `chat` subprotocol, shows messages, members and the
 * connection, reconnects with backoff and catches up on what it missed. It remembers the room,
 * nickname and rejoin token for the tab (sessionStorage), so a reload rejoins by itself with the
 * same nickname. Everything that comes from the network is shown with textContent.
 * @module chat
 */
import { Backoff } from './backoff.js';
import { socketUrl } from './endpoint.js';
import { utf8Length } from './format.js';
import {
  ChatMembership, SUBPROTOCOL, formatFullTime, formatTime, leaveCommand, parseServerMessage, sayCommand, shouldReconnect,
} from './chat-client.js';
import { mountNav } from './nav.js';
import { SessionEnd } from './session-end.js';

/** The server's limit on one text (duplex.chat.max-text-bytes, default 4 KiB). */
const MAX_TEXT_BYTES = 4096;

const $ = (id) => document.getElementById(id);

/** @type {WebSocket|null} */
let socket = null;
/** @type {ReturnType<typeof setTimeout>|null} */
let reconnectTimer = null;
/** @type {ReturnType<typeof setInterval>|null} */
let countdownTimer = null;
let pageVisible = false;
const backoff = new Backoff({ initialMs: 500, maxMs: 15000 });
const membership = new ChatMembership();
/** why the last session ended, kept while reconnect attempts fail */
const sessionEnd = new SessionEnd();
/** Where the tab keeps its membership across reloads. */
const SAVED_KEY = 'duplex.chat.membership';

/** Keeps (or forgets) the membership for this tab; storage refused by the browser is not an error. */
function remember() {
  try {
    const saved = membership.toSaved();
    if (saved) sessionStorage.setItem(SAVED_KEY, JSON.stringify(saved));
    else sessionStorage.removeItem(SAVED_KEY);
  } catch {
    // no sessionStorage: a reload asks for the nickname again
  }
}

/** Takes back the membership kept before a reload; the list starts empty, so it asks for all history. */
function recall() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SAVED_KEY) ?? 'null');
    if (saved && membership.restore({ ...saved, lastId: 0 })) {
      $('nick').value = saved.nick;
      $('room').value = saved.room;
      return true;
    }
  } catch {
    // unreadable: start outside any room
  }
  return false;
}

/**
 * @param {'connecting'|'open'|'reconnecting'|'closed'} state
 * @param {string} text
 */
function setStatus(state, text) {
  const status = $('status');
  if (status.dataset.state !== state) $('formError').textContent = '';
  status.dataset.state = state;
  status.textContent = text;
}

function connect() {
  clearTimers();
  const url = socketUrl('chat');
  $('socketUrl').textContent = url;
  setStatus('connecting', 'Connecting…');
  const ws = new WebSocket(url, SUBPROTOCOL);
  socket = ws;
  ws.addEventListener('open', () => {
    if (socket !== ws) return;
    backoff.reset();
    sessionEnd.opened();
    setStatus('open', `Connected (${ws.protocol})`);
    const rejoin = membership.rejoin();
    if (rejoin) ws.send(rejoin);
    updateControls();
  });
  ws.addEventListener('message', (event) => {
    if (socket !== ws || typeof event.data !== 'string') return;
    const message = parseServerMessage(event.data);
    if (message) handle(message);
  });
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    socket = null;
    const ended = sessionEnd.closed(event.code, event.reason);
    updateControls();
    if (!pageVisible) return;
    if (shouldReconnect(event.code, event.reason)) {
      scheduleReconnect(ended);
    } else {
      if (event.code === 4001) {
        membership.left();
        remember();
      }
      setStatus('closed', `Disconnected: ${SessionEnd.describe(ended)}`);
      updateControls();
    }
  });
}

/** @param {import('./session-end.js').Close} ended the close that ended the session */
function scheduleReconnect(ended) {
  const delay = backoff.next();
  const due = Date.now() + delay;
  const why = ended.reason ? `${ended.code} ${ended.reason}` : `code ${ended.code}`;
  const show = () => setStatus('reconnecting', `Connection lost (${why}); reconnecting in ${Math.max(0, (due - Date.now()) / 1000).toFixed(1)} s…`);
  show();
  countdownTimer = setInterval(show, 200);
  reconnectTimer = setTimeout(connect, delay);
}

function clearTimers() {
  if (reconnectTimer !== null) clearTimeout(reconnectTimer);
  if (countdownTimer !== null) clearInterval(countdownTimer);
  reconnectTimer = null;
  countdownTimer = null;
}

/** @param {import('./chat-client.js').ServerMessage} message */
function handle(message) {
  switch (message.type) {
    case 'welcome': {
      const { fresh, messages } = membership.welcomed(message);
      if (fresh) $('messages').replaceChildren();
      $('roomName').textContent = `in ${message.room} as ${message.nick}`;
      if (!fresh && message.history.length === 0) {
        addSystemLine('Reconnected; nothing was missed.');
      } else if (!fresh) {
        addSystemLine(`Reconnected; caught up on ${messages.length} missed message${messages.length === 1 ? '' : 's'}.`);
      } else if (message.truncated) {
        addSystemLine('Reconnected; some older messages could not be recovered.');
      }
      messages.forEach(addMessage);
      showMembers(message.members);
      remember();
      $('formError').textContent = '';
      updateControls();
      $('text').focus();
      break;
    }
    case 'message':
      if (membership.received(message)) {
        addMessage(message);
        remember();
      }
      break;
    case 'presence':
      // after Leave the server confirms with our own "left": the room is no longer ours to show
      if (!membership.joined) break;
      addSystemLine(`${message.nick} ${message.event === 'joined' ? 'joined' : 'left'} the room`);
      showMembers(message.members);
      break;
    case 'error':
      if (membership.joining) {
        membership.left();
        remember();
        $('formError').textContent = message.message;
        updateControls();
      } else {
        addSystemLine(`Not sent: ${message.message}`, 'chat-error');
      }
      break;
    default:
      break;
  }
}

/** @param {import('./chat-client.js').ChatMessage} message */
function addMessage(message) {
  const item = document.createElement('li');
  item.className = 'chat-message';
  item.dataset.id = String(message.id);
  if (membership.isOwn(message)) item.classList.add('own');
  const time = document.createElement('time');
  time.className = 'time';
  time.dateTime = new Date(message.ts).toISOString();
  time.textContent = formatTime(message.ts);
  time.title = formatFullTime(message.ts);
  const from = document.createElement('span');
  from.className = 'from';
  from.textContent = message.from;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = message.text;
  item.append(time, from, text);
  append(item);
}

/**
 * @param {string} text
 * @param {string} [kind]
 */
function addSystemLine(text, kind = 'chat-system') {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = text;
  append(item);
}

/** @param {HTMLElement} item */
function append(item) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

/** @param {string[]} members */
function showMembers(members) {
  const items = members.map((nick) => {
    const item = document.createElement('li');
    item.textContent = nick;
    if (nick === membership.nick) item.classList.add('own');
    return item;
  });
  $('members').replaceChildren(...items);
  $('memberCount').textContent = String(members.length);
}

function updateControls() {
  const open = socket !== null && socket.readyState === WebSocket.OPEN;
  $('text').disabled = !(open && membership.joined);
  $('send').disabled = !(open && membership.joined);
  $('leave').disabled = !(open && membership.joined);
  $('join').disabled = !open || membership.joined || membership.joining;
  $('nick').disabled = membership.joined;
  $('room').disabled = membership.joined;
}

/** @param {SubmitEvent} event */
function onJoin(event) {
  event.preventDefault();
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  const nick = $('nick').value.trim();
  const room = $('room').value.trim();
  if (!nick || !room) return;
  $('formError').textContent = '';
  socket.send(membership.join(room, nick));
  updateControls();
}

/** @param {SubmitEvent} event */
function onSay(event) {
  event.preventDefault();
  const input = $('text');
  const text = input.value;
  if (!text || !socket || socket.readyState !== WebSocket.OPEN || !membership.joined) return;
  $('formError').textContent = '';
  if (utf8Length(text) > MAX_TEXT_BYTES) {
    addSystemLine(`Not sent: the message is longer than ${MAX_TEXT_BYTES} bytes.`, 'chat-error');
    return;
  }
  socket.send(sayCommand(text));
  input.value = '';
}

function onLeave() {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(leaveCommand());
  membership.left();
  remember();
  $('roomName').textContent = '';
  $('members').replaceChildren();
  $('memberCount').textContent = '0';
  addSystemLine('You left the room.');
  updateControls();
}

function start() {
  if (recall()) setStatus('connecting', `Connecting to rejoin ${membership.room} as ${membership.nick}…`);
  $('joinForm').addEventListener('submit', onJoin);
  $('sayForm').addEventListener('submit', onSay);
  $('leave').addEventListener('click', onLeave);
  updateControls();
}

mountNav();
start();
window.addEventListener('pageshow', () => {
  pageVisible = true;
  if (!socket) connect();
});
window.addEventListener('pagehide', () => {
  pageVisible = false;
  clearTimers();
  const ws = socket;
  socket = null;
  // Browsers let a page close with 1000 or 3000-4999 only; close(1001) would throw.
  ws?.close(1000, 'Page closed');
});
