/**
 * Canvas helpers: a sample drawing, free-hand drawing with mouse, pen or touch, canvas to Blob,
 * Blob to canvas, and pixel comparison.
 * @module canvas
 */

/**
 * Paints the picture the source canvas shows at load: an opaque background, so that a PNG round
 * trip can be compared pixel for pixel.
 * @param {HTMLCanvasElement} canvas
 */
export function paintSample(canvas) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const gradient = ctx.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#1d4ed8');
  gradient.addColorStop(1, '#f59e0b');
  ctx.fillStyle = gradient;
  ctx.fillRect(10, 10, width - 20, height / 2 - 10);
  ctx.fillStyle = '#dc2626';
  ctx.beginPath();
  ctx.arc(width * 0.25, height * 0.72, Math.min(width, height) / 6, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = '#16a34a';
  ctx.fillRect(width * 0.5, height * 0.58, width * 0.4, height * 0.3);
  ctx.fillStyle = '#111827';
  ctx.font = `bold ${Math.round(height / 8)}px sans-serif`;
  ctx.fillText('Duplex', 20, height / 2 - 20);
}

/**
 * Lets the user draw on the canvas with mouse, pen or touch (pointer events).
 * @param {HTMLCanvasElement} canvas
 * @param {() => {color: string, width: number, erase?: boolean}} [pen] read at each stroke
 * @returns {() => void} removes the listeners
 */
export function enableDrawing(canvas, pen = () => ({ color: '#111827', width: 4 })) {
  const ctx = canvas.getContext('2d');
  let last = null;

  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height,
    };
  };
  const down = (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    event.preventDefault();
  };
  const move = (event) => {
    if (!last) return;
    const next = point(event);
    const { color, width, erase } = pen();
    ctx.strokeStyle = erase ? '#ffffff' : color;
    ctx.lineWidth = width;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
    event.preventDefault();
  };
  const up = () => {
    last = null;
  };

  canvas.style.touchAction = 'none';
  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  return () => {
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
  };
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {string} [type] e.g. "image/png", "image/jpeg", "image/webp"
 * @param {number} [quality] 0..1 for lossy types
 * @returns {Promise<Blob>}
 */
export function canvasToBlob(canvas, type = 'image/png', quality = undefined) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(`The canvas could not be encoded as ${type}`))), type, quality);
  });
}

/**
 * Decodes an image Blob and draws it at the top left of the canvas, after clearing it.
 * @param {HTMLCanvasElement} canvas
 * @param {Blob} blob
 * @param {{resize?: boolean}} [options] resize the canvas to the image first
 * @returns {Promise<{width: number, height: number}>}
 */
export async function drawBlob(canvas, blob, { resize = false } = {}) {
  const bitmap = await createImageBitmap(blob);
  try {
    if (resize) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
    }
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0);
    return { width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}

/**
 * @param {HTMLCanvasElement} a
 * @param {HTMLCanvasElement} b
 * @returns {number} how many pixels differ (Infinity when the sizes differ)
 */
export function differingPixels(a, b) {
  if (a.width !== b.width || a.height !== b.height) return Infinity;
  const pa = a.getContext('2d').getImageData(0, 0, a.width, a.height).data;
  const pb = b.getContext('2d').getImageData(0, 0, b.width, b.height).data;
  let differing = 0;
  for (let i = 0; i < pa.length; i += 4) {
    if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2] || pa[i + 3] !== pb[i + 3]) {
      differing += 1;
    }
  }
  return differing;
}
