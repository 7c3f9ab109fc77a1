/**
 * The image studio: draw on the source canvas (or drop a photo on it), choose a chain of
 * operations, send the canvas as an image Blob (or the photo, byte for byte as chosen) to /image,
 * and see the server's result on the destination canvas with round-trip time, server time, sizes
 * and dimensions. For echo it checks
 * that the bytes and pixels came back unchanged, and says so. Parameters are checked before anything
 * is sent, and an image is sent only after the server confirmed the chain on screen.
 * @module image
 */
import { socketUrl } from './endpoint.js';
import { canvasToBlob, drawBlob } from './canvas.js';
import { formatBytes } from './format.js';
import { ChainEditor } from './image-chain.js';
import { configureMessage, describeError, describeMessage, describeStep, ReplyPairer } from './image-protocol.js';
import { countDifferentPixels, sameBytes } from './image-pixels.js';
import { setUpSource } from './image-source.js';
import { mountNav } from './nav.js';

/**
 * An image sent and not yet answered.
 * @typedef {{seq: number, at: number, bytes: Uint8Array, type: string, source: ImageData|null}} Sent
 * (source: the canvas' pixels, null for a photo sent as chosen)
 */

const MIME = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp', webp: 'image/webp' };
const $ = (id) => document.getElementById(id);

/** @type {WebSocket|null} */
let socket = null;
const pairer = new ReplyPairer();
let inbound = Promise.resolve();
/** @type {Map<number, Sent>} */
const sent = new Map();
let imagesSent = 0;
/** The configure message the server has, or null when it may not have it. */
let lastConfigure = null;
/** @type {{resolve: () => void, reject: (e: Error) => void}|null} the configure awaiting its answer */
let awaitingConfigure = null;

/** @type {{photo: () => import('./image-source.js').Photo|null}} */
let source = { photo: () => null };
const chain = new ChainEditor($('chain'), { initial: ['grayscale'], onChange: updateControls });

function showError(text) {
  $('error').textContent = text;
}

function setConnection(state, text) {
  $('connection').dataset.state = state;
  $('connection').textContent = text;
  updateControls();
}

function updateControls() {
  const open = socket !== null && socket.readyState === WebSocket.OPEN;
  const problems = chain.ready ? chain.validate() : [];
  $('send').disabled = !open || !chain.ready || problems.length > 0 || chain.size === 0;
  $('chainProblems').textContent = problems.length > 0 ? `Fix the marked parameter${problems.length > 1 ? 's' : ''} before sending.` : '';
  $('addStep').disabled = !chain.ready || chain.size >= chain.max;
  $('reconnect').disabled = open || (socket !== null && socket.readyState === WebSocket.CONNECTING);
  $('outputQuality').disabled = $('outputFormat').value !== 'jpeg';
  const photo = source.photo();
  $('blobType').disabled = photo !== null;
  $('blobQuality').disabled = photo !== null || $('blobType').value === 'image/png';
  $('send').textContent = photo ? 'Send photo' : 'Send canvas';
}

// ---- connection --------------------------------------------------------------------------------

function connect() {
  const url = socketUrl('image');
  $('socketUrl').textContent = url;
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (error) {
    setConnection('closed', `Cannot connect: ${error.message}`);
    return;
  }
  ws.binaryType = 'arraybuffer';
  socket = ws;
  pairer.reset();
  sent.clear();
  imagesSent = 0;
  lastConfigure = null;
  setConnection('connecting', `Connecting to ${url}…`);
  ws.addEventListener('open', () => {
    setConnection('open', `Connected to ${url}`);
    ws.send(describeMessage());
  });
  ws.addEventListener('message', (event) => {
    if (ws !== socket) return;
    inbound = inbound.then(() => handle(event.data)).catch((error) => showError(`Could not show the reply: ${error.message}`));
  });
  ws.addEventListener('close', (event) => {
    if (ws !== socket) return;
    awaitingConfigure?.reject(new Error('the connection closed'));
    awaitingConfigure = null;
    if (sent.size > 0) $('sendStatus').textContent = '';
    const reason = event.reason ? `, "${event.reason}"` : '';
    setConnection('closed', `Closed: code ${event.code}${reason}${event.wasClean ? '' : ' (not clean)'}`);
  });
}

function disconnect(code, reason) {
  if (socket && socket.readyState <= WebSocket.OPEN) socket.close(code, reason);
}

// ---- sending -----------------------------------------------------------------------------------

async function send() {
  showError('');
  const ws = socket;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    showError('Not connected: reconnect first.');
    return;
  }
  const problems = chain.validate();
  if (problems.length > 0) {
    showError(`Not sent: ${problems.join('; ')}.`);
    updateControls();
    return;
  }
  const configure = configureMessage(chain.steps(), $('outputFormat').value, Number($('outputQuality').value));
  const image = await imageToSend();
  const bytes = new Uint8Array(await image.blob.arrayBuffer());
  if (ws !== socket || ws.readyState !== WebSocket.OPEN) {
    showError('The connection closed before the image was sent.');
    return;
  }
  if (configure !== lastConfigure) {
    // the image goes only once the server has this chain: never processed with an older one
    const confirmed = new Promise((resolve, reject) => {
      awaitingConfigure = { resolve, reject };
    });
    ws.send(configure);
    $('sendStatus').textContent = 'Sending the chain…';
    try {
      await confirmed;
    } catch (error) {
      $('sendStatus').textContent = '';
      showError(`Not sent: ${error.message}`);
      return;
    }
    lastConfigure = configure;
    if (ws !== socket || ws.readyState !== WebSocket.OPEN) {
      showError('The connection closed before the image was sent.');
      return;
    }
  }
  imagesSent += 1;
  sent.set(imagesSent, { seq: imagesSent, at: performance.now(), bytes, type: image.blob.type, source: image.pixels });
  ws.send(bytes);
  $('sendStatus').dataset.state = 'busy';
  $('sendStatus').textContent = `Processing image ${imagesSent} (${image.what}, ${formatBytes(bytes.length)})…`;
}

/**
 * What goes to the server: the photo as it was chosen, or the canvas encoded as the chosen type.
 * @returns {Promise<{blob: Blob, pixels: ImageData|null, what: string}>}
 */
async function imageToSend() {
  const photo = source.photo();
  if (photo) {
    return { blob: photo.file, pixels: null, what: `${photo.name}, ${photo.file.type || 'unknown type'}, ${photo.width}×${photo.height} as chosen` };
  }
  const canvas = $('source');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const type = $('blobType').value;
  const blob = await canvasToBlob(canvas, type, Number($('blobQuality').value));
  const substituted = blob.type !== type ? `; this browser cannot encode ${type}` : '';
  return { blob, pixels, what: `the canvas, ${blob.type}, ${canvas.width}×${canvas.height}${substituted}` };
}

// ---- receiving ---------------------------------------------------------------------------------

async function handle(data) {
  const done = pairer.accept(data);
  if (!done) return;
  switch (done.kind) {
    case 'operations':
      chain.setCatalog(done.operations.operations, done.operations.limits.maxOperations);
      $('chainHint').textContent = `Applied in order, top to bottom (at most ${chain.max}); each row says what it does.`;
      $('limits').textContent = `Formats in: ${done.operations.inputFormats.join(', ')}; out: ${done.operations.outputFormats.join(', ')}. `
        + `Up to ${formatBytes(done.operations.limits.maxMessageBytes)} and ${(done.operations.limits.maxPixels / 1e6).toFixed(0)} megapixels per image.`;
      updateControls();
      break;
    case 'configured':
      awaitingConfigure?.resolve();
      awaitingConfigure = null;
      $('configured').textContent = `Server applies: ${done.configured.ops.map(describeStep).join(' → ')}, `
        + `${done.configured.format}${done.configured.format === 'jpeg' ? ` at quality ${done.configured.quality}` : ''}.`;
      break;
    case 'error':
      if (done.error.seq === undefined) {
        lastConfigure = null;
        if (awaitingConfigure) {
          awaitingConfigure.reject(new Error(`the server refused the chain: ${done.error.message}`));
          awaitingConfigure = null;
          break;
        }
      } else {
        sent.delete(done.error.seq);
        delete $('sendStatus').dataset.state;
        $('sendStatus').textContent = '';
      }
      showError(describeError(done.error));
      break;
    case 'result':
      await showResult(done.result, done.image);
      break;
    default:
      showError(done.problem);
  }
}

/**
 * @param {import('./image-protocol.js').ResultReply} result
 * @param {ArrayBuffer} image
 */
async function showResult(result, image) {
  const arrived = performance.now();
  const request = sent.get(result.seq);
  sent.delete(result.seq);
  const destination = $('destination');
  await drawBlob(destination, new Blob([image], { type: MIME[result.outputFormat] ?? 'application/octet-stream' }), { resize: true });
  $('statRoundTrip').textContent = request ? `${(arrived - request.at).toFixed(1)} ms` : '—';
  $('statServer').textContent = `${result.serverMs.toFixed(1)} ms (waited ${result.queueMs.toFixed(1)} ms for a worker)`;
  $('statSent').textContent = `${formatBytes(result.inputBytes)} (${result.inputFormat})`;
  $('statReceived').textContent = `${formatBytes(result.outputBytes)} (${result.outputFormat})`;
  $('statSize').textContent = `${result.inputWidth}×${result.inputHeight} → ${result.width}×${result.height}`;
  $('statOps').textContent = result.ops.map(describeStep).join(' → ');
  $('identity').textContent = request && result.ops.every((step) => step.op === 'echo') ? echoVerdict(request, image, destination) : '—';
  if (sent.size === 0) {
    delete $('sendStatus').dataset.state;
    $('sendStatus').textContent = `Done: ${imagesSent} image${imagesSent === 1 ? '' : 's'} processed.`;
  }
  const status = $('resultStatus');
  status.dataset.seq = String(result.seq);
  status.textContent = `Image ${result.seq} came back as ${result.outputFormat}, ${result.width}×${result.height}.`;
}

/** What an echo did to the bytes and the pixels, in words. */
function echoVerdict(request, image, destination) {
  const bytesSame = sameBytes(request.bytes, new Uint8Array(image));
  const bytes = bytesSame ? `Byte-identical: the server sent back the same ${request.bytes.length} bytes`
    : 'NOT byte-identical: the server changed the bytes';
  if (!request.source) return `${bytes} (the photo as chosen).`;
  const pixels = destination.getContext('2d').getImageData(0, 0, destination.width, destination.height).data;
  const differing = countDifferentPixels(request.source.data, pixels);
  if (differing === 0) return `${bytes}; pixel-identical to the source canvas.`;
  const lossy = request.type === 'image/png' ? '' : ` (${request.type} is lossy)`;
  const count = Number.isFinite(differing) ? `${differing} pixels` : 'size';
  return `${bytes}; differs from the source canvas in ${count}${lossy}.`;
}

// ---- wiring ------------------------------------------------------------------------------------

function start() {
  source = setUpSource({
    canvas: $('source'),
    color: $('penColor'),
    width: $('penWidth'),
    widthShown: $('penWidthShown'),
    eraser: $('eraser'),
    clear: $('clearSource'),
    sample: $('sampleSource'),
    file: $('loadFile'),
    status: (text) => {
      $('sourceStatus').textContent = text;
    },
    changed: updateControls,
  });
  $('addStep').addEventListener('click', () => chain.add());
  $('send').addEventListener('click', () => {
    send().catch((error) => showError(`Could not send: ${error.message}`));
  });
  $('reconnect').addEventListener('click', connect);
  ['outputFormat', 'blobType'].forEach((id) => $(id).addEventListener('change', updateControls));
  ['outputQuality', 'blobQuality'].forEach((id) => {
    const show = () => {
      $(`${id}Shown`).textContent = Number($(id).value).toFixed(2);
    };
    show();
    $(id).addEventListener('input', show);
  });
  updateControls();
}

mountNav();
start();
window.addEventListener('pageshow', () => {
  if (!socket || socket.readyState === WebSocket.CLOSED) connect();
});
window.addEventListener('pagehide', () => {
  disconnect(1000, 'Page closed');
  socket = null;
});
