/**
 * A sparkline: the last N values of a series as a line on a small canvas, with the last point
 * marked. The canvas keeps its CSS size; its backing store follows devicePixelRatio.
 * @module sparkline
 */

/**
 * Where the points go: x spread evenly over the width, y scaled between the series' min and max
 * (a flat series sits in the middle), with `pad` pixels kept free at the top and bottom.
 * @param {ArrayLike<number>} values
 * @param {number} width
 * @param {number} height
 * @param {number} [pad]
 * @returns {Array<[number, number]>}
 */
export function sparkPoints(values, width, height, pad = 2) {
  const n = values.length;
  if (n === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i += 1) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const span = max - min;
  const usable = height - 2 * pad;
  const step = n > 1 ? width / (n - 1) : 0;
  const points = [];
  for (let i = 0; i < n; i += 1) {
    const y = span === 0 ? height / 2 : pad + usable - ((values[i] - min) / span) * usable;
    points.push([n > 1 ? i * step : width / 2, y]);
  }
  return points;
}

/**
 * Draws the series on the canvas, replacing what was there.
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} values oldest first
 * @param {{up: string, down: string, flat: string}} colours the line's colour by the series' net move
 * @param {number} width the canvas's CSS width: given, never measured, so that drawing many
 *   sparklines in one frame never forces a layout
 * @param {number} height its CSS height
 */
export function drawSparkline(canvas, values, colours, width, height) {
  const ratio = globalThis.devicePixelRatio || 1;
  const backingWidth = Math.round(width * ratio);
  const backingHeight = Math.round(height * ratio);
  if (canvas.width !== backingWidth || canvas.height !== backingHeight) {
    canvas.width = backingWidth;
    canvas.height = backingHeight;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const points = sparkPoints(values, width, height);
  if (points.length === 0) return;
  const first = values[0];
  const last = values[values.length - 1];
  ctx.strokeStyle = last > first ? colours.up : last < first ? colours.down : colours.flat;
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = 1.25;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.stroke();
  const [x, y] = points[points.length - 1];
  ctx.beginPath();
  ctx.arc(Math.min(x, width - 1.5), y, 1.5, 0, 2 * Math.PI);
  ctx.fill();
}
