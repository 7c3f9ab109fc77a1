/**
 * The image studio's source canvas: pen with colour and width, eraser, clear, the sample
 * picture, and loading a photo from the file picker or by drag-and-drop, scaled to fit.
 * @module image-source
 */
import { enableDrawing, paintSample } from './canvas.js';
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
 */
export function setUpSource({ canvas, color, width, widthShown, eraser, clear, sample, file, status }) {
  paintSample(canvas);
  enableDrawing(canvas, () => ({ color: color.value, width: Number(width.value), erase: eraser.checked }));
  const showWidth = () => {
    widthShown.textContent = `${width.value} px`;
  };
  showWidth();
  width.addEventListener('input', showWidth);
  clear.addEventListener('click', () => clearCanvas(canvas));
  sample.addEventListener('click', () => paintSample(canvas));

  const load = async (chosen) => {
    if (!chosen) return;
    try {
      const size = await drawFile(canvas, chosen);
      status(`Loaded ${chosen.name || 'the image'} (${size.width}×${size.height}), scaled to fit.`);
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
}
