/**
 * The seed's example, with today's APIs: open ws(s)://this-host/echo, send the text box and the
 * source canvas (as a PNG Blob), show the replies, draw a returned Blob on the destination canvas.
 * Every control follows the socket: a button is enabled only when it can act, values of a closed
 * socket are cleared, and an error shows next to the action that failed until the next attempt.
 * @module seed
 */
import { socketUrl } from './endpoint.js';
import { canvasToBlob, drawBlob, enableDrawing, paintSample } from './canvas.js';
import { mountNav } from './nav.js';

/** @type {WebSocket|null} */
let socket = null;

const $ = (id) => document.getElementById(id);

/** The status line's words and colour for each readyState. */
const STATES = [
  ['connecting', 'Connecting'],
  ['open', 'Socket Open'],
  ['closing', 'Closing'],
  ['closed', 'Socket Closed'],
];

/** Shows the socket's state and enables exactly the buttons that can act on it. */
function reflect() {
  const state = socket ? socket.readyState : WebSocket.CLOSED;
  const [name, words] = STATES[state];
  $('serverStatus').dataset.state = name;
  $('serverStatus').textContent = `WebSocket Status:: ${words}`;
  const open = state === WebSocket.OPEN;
  $('sendText').disabled = !open;
  $('textmessage').disabled = !open;
  $('sendBinary').disabled = !open;
  $('disconnect').disabled = !(state === WebSocket.OPEN || state === WebSocket.CONNECTING);
  $('reconnect').disabled = state !== WebSocket.CLOSED;
  if (!open) {
    $('protocol').textContent = '—';
    $('extensions').textContent = '—';
  }
}

function connect() {
  const url = socketUrl('echo');
  $('socketUrl').textContent = url;
  $('connectionError').textContent = '';
  try {
    socket = new WebSocket(url);
  } catch (exception) {
    socket = null;
    $('connectionError').textContent = `Cannot open ${url}: ${exception.message}`;
    reflect();
    return;
  }
  const ws = socket;
  ws.addEventListener('open', () => {
    if (ws !== socket) return;
    reflect();
    $('protocol').textContent = ws.protocol || '(none)';
    $('extensions').textContent = ws.extensions || '(none)';
  });
  ws.addEventListener('message', async (messageEvent) => {
    if (ws !== socket) return;
    if (messageEvent.data instanceof Blob) {
      try {
        await drawBlob($('destination'), messageEvent.data);
        $('destinationStatus').textContent = `Drew the ${messageEvent.data.size}-byte image the server sent back.`;
      } catch (error) {
        $('binaryError').textContent = `The reply is not an image this browser can draw: ${error.message}`;
      }
    } else {
      $('serverResponse').textContent = `Server Reply:: ${messageEvent.data}`;
    }
  });
  ws.addEventListener('error', () => {
    if (ws !== socket) return;
    $('connectionError').textContent = 'The browser reported an error on the socket; see the close code below.';
  });
  ws.addEventListener('close', (closeEvent) => {
    if (ws !== socket) return;
    $('closeDetail').textContent = `code ${closeEvent.code}${closeEvent.reason ? `, "${closeEvent.reason}"` : ''}, ${closeEvent.wasClean ? 'clean' : 'not clean'}`;
    // what the closed socket said is no longer true: clear it
    $('serverResponse').textContent = 'Server Reply::';
    $('destinationStatus').textContent = '';
    reflect();
  });
  reflect();
}

function sendTextMessage() {
  $('textError').textContent = '';
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    $('textError').textContent = 'Not sent: the socket is not open. Open it first.';
    return;
  }
  $('serverResponse').textContent = 'Server Reply::';
  socket.send($('textmessage').value);
}

async function sendBinaryMessage() {
  $('binaryError').textContent = '';
  $('destinationStatus').textContent = '';
  const ws = socket;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    $('binaryError').textContent = 'Not sent: the socket is not open. Open it first.';
    return;
  }
  try {
    const blob = await canvasToBlob($('source'), 'image/png');
    if (ws !== socket || ws.readyState !== WebSocket.OPEN) throw new Error('the socket closed meanwhile');
    ws.send(blob);
    $('destinationStatus').textContent = `Sent ${blob.size} bytes; waiting for them to come back…`;
  } catch (error) {
    $('binaryError').textContent = `Not sent: ${error.message}`;
  }
}

function start() {
  paintSample($('source'));
  enableDrawing($('source'));
  $('sendText').addEventListener('click', sendTextMessage);
  $('textmessage').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') sendTextMessage();
  });
  $('sendBinary').addEventListener('click', sendBinaryMessage);
  $('clearSource').addEventListener('click', () => {
    // opaque white, like the sample's background, so that the PNG round trip still compares exactly
    const source = $('source');
    const ctx = source.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, source.width, source.height);
  });
  $('reconnect').addEventListener('click', () => {
    if (socket && socket.readyState <= WebSocket.OPEN) return;
    connect();
  });
  $('disconnect').addEventListener('click', () => {
    socket?.close(1000, 'Closed from the page');
    reflect();
  });
  reflect();
}

mountNav();
start();
window.addEventListener('pageshow', () => {
  if (!socket || socket.readyState === WebSocket.CLOSED) connect();
});
window.addEventListener('pagehide', () => {
  const ws = socket;
  socket = null;
  ws?.close(1000, 'Page closed');
});
