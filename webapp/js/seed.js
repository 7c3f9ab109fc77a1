/**
 * The seed's example, with today's APIs: open ws(s)://this-host/echo, send the text box and the
 * source canvas (as a PNG Blob), show the replies, draw a returned Blob on the destination canvas.
 * @module seed
 */
import { socketUrl } from './endpoint.js';
import { canvasToBlob, drawBlob, enableDrawing, paintSample } from './canvas.js';

/** @type {WebSocket|null} */
let socket = null;

const $ = (id) => document.getElementById(id);

function setStatus(text) {
  $('serverStatus').textContent = `WebSocket Status:: ${text}`;
}

function connect() {
  const url = socketUrl('echo');
  $('socketUrl').textContent = url;
  try {
    socket = new WebSocket(url);
  } catch (exception) {
    setStatus('Error was reported');
    console.error(exception);
    return;
  }
  const ws = socket;
  ws.addEventListener('open', () => {
    setStatus('Socket Open');
    $('protocol').textContent = ws.protocol || '(none)';
    $('extensions').textContent = ws.extensions || '(none)';
  });
  ws.addEventListener('message', async (messageEvent) => {
    if (messageEvent.data instanceof Blob) {
      try {
        await drawBlob($('destination'), messageEvent.data);
        $('destinationStatus').textContent = `Drew the ${messageEvent.data.size}-byte image the server sent back.`;
      } catch (error) {
        $('destinationStatus').textContent = `The reply is not an image this browser can draw: ${error.message}`;
      }
    } else {
      $('serverResponse').textContent = `Server Reply:: ${messageEvent.data}`;
    }
  });
  ws.addEventListener('error', () => setStatus('Error was reported'));
  ws.addEventListener('close', (closeEvent) => {
    setStatus('Socket Closed');
    $('closeDetail').textContent = `code ${closeEvent.code}${closeEvent.reason ? `, "${closeEvent.reason}"` : ''}, ${closeEvent.wasClean ? 'clean' : 'not clean'}`;
  });
}

function sendTextMessage() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  socket.send($('textmessage').value);
}

async function sendBinaryMessage() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  const blob = await canvasToBlob($('source'), 'image/png');
  socket.send(blob);
}

function start() {
  paintSample($('source'));
  enableDrawing($('source'));
  $('sendText').addEventListener('click', sendTextMessage);
  $('textmessage').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') sendTextMessage();
  });
  $('sendBinary').addEventListener('click', sendBinaryMessage);
  $('reconnect').addEventListener('click', () => {
    if (socket && socket.readyState <= WebSocket.OPEN) return;
    connect();
  });
  $('disconnect').addEventListener('click', () => socket?.close(1000, 'Closed from the page'));
}

start();
window.addEventListener('pageshow', () => {
  if (!socket || socket.readyState === WebSocket.CLOSED) connect();
});
window.addEventListener('pagehide', () => {
  socket?.close(1000, 'Page closed');
  socket = null;
});
