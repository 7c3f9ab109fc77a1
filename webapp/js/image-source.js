/**
 * The image studio's source: the canvas (pen with colour and width, eraser, clear, the sample
 * picture), or a photo from the file picker or by drag-and-drop. A photo is sent as it was chosen,
 * byte for byte; the canvas only shows it, scaled to fit. Drawing on it, Clear or the sample picture
 * make the canvas the source again.
 * @module image-source
 */
import { enableDrawing, paintSample } from './canvas.js';
import { formatBytes } from './format.js';
import { fitWithin } from './image-pixels.js';

/**
 * Fills the canvas with white: the studio's canvases are opaque so that PNG round trips compare exactly.
 * @param {HTMLCanvasElement} canvas
 */
export function clearCanvas(canvas) {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}

/**
 * Draws an image file onto the canvas, scaled to fit and centred on white.
 * @param {HTMLCanvasElement} canvas
 * @param {Blob} file
 * @returns {Promise<{width: number, height: number}>} the image's own size
 */
export async function drawFile(canvas, file) {
  if (!file.type.startsWith('image/')) {
    throw new Error(`${file.name || 'The file'} is not an image (${file.type || 'unknown type'})`);
  }
  const bitmap = await createImageBitmap(file);
  try {
    const box = fitWithin(bitmap.width, bitmap.height, canvas.width, canvas.height);
    clearCanvas(canvas);
    canvas.getContext('2d').drawImage(bitmap, box.x, box.y, box.width, box.height);
    return { width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}

/**
 * A photo chosen as the source: the file as chosen and its own size.
 * @typedef {{file: Blob, name: string, width: number, height: number}} Photo
 */

/**
 * Wires the tools to the canvas.
 * @param {object} parts
 * @param {HTMLCanvasElement} parts.canvas
 * @param {HTMLInputElement} parts.color    type=color
 * @param {HTMLInputElement} parts.width    type=range
 * @param {HTMLOutputElement} parts.widthShown
 * @param {HTMLInputElement} parts.eraser   checkbox
 * @param {HTMLButtonElement} parts.clear
 * @param {HTMLButtonElement} parts.sample
 * @param {HTMLInputElement} parts.file     type=file
 * @param {(message: string) => void} parts.status shows what happened, or went wrong
 * @param {(photo: Photo|null) => void} [parts.changed] told when the source becomes a photo or the canvas again
 * @returns {{photo: () => Photo|null}} the photo to send as it is, or null to send the canvas
 */
export function setUpSource({ canvas, color, width, widthShown, eraser, clear, sample, file, status, changed = () => {} }) {
  /** @type {Photo|null} */
  let photo = null;
  const toCanvas = (why) => {
    if (!photo) return;
    photo = null;
    status(`${why}: the canvas (${canvas.width}×${canvas.height}) is sent now, not the photo.`);
    changed(null);
  };
  paintSample(canvas);
  enableDrawing(canvas, () => ({ color: color.value, width: Number(width.value), erase: eraser.checked }));
  canvas.addEventListener('pointerdown', () => toCanvas('You drew on it'));
  const showWidth = () => {
    widthShown.textContent = `${width.value} px`;
  };
  showWidth();
  width.addEventListener('input', showWidth);
  clear.addEventListener('click', () => {
    clearCanvas(canvas);
    toCanvas('Cleared');
  });
  sample.addEventListener('click', () => {
    paintSample(canvas);
    toCanvas('Sample picture');
  });

  const load = async (chosen) => {
    if (!chosen) return;
    try {
      const size = await drawFile(canvas, chosen);
      photo = { file: chosen, name: chosen.name || 'the photo', width: size.width, height: size.height };
      status(`${photo.name}: ${size.width}×${size.height}, ${formatBytes(chosen.size)} (${chosen.type}). `
        + 'Sent as it is, byte for byte; shown here scaled to fit.');
      changed(photo);
    } catch (error) {
      status(`Could not load it: ${error.message}`);
    }
  };
  file.addEventListener('change', () => {
    load(file.files[0]);
    file.value = '';
  });
  canvas.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    canvas.classList.add('drop-target');
  });
  canvas.addEventListener('dragleave', () => canvas.classList.remove('drop-target'));
  canvas.addEventListener('drop', (event) => {
    event.preventDefault();
    canvas.classList.remove('drop-target');
    load(event.dataTransfer.files[0]);
  });
  return { photo: () => photo };
}
