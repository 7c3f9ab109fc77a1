/**
 * Small line charts on a canvas, without a library: one or more series over time, an axis
 * maximum and a legend.
 * @module chart
 */

/**
 * @typedef {object} Series
 * @property {string} label
 * @property {string} color
 * @property {number[]} values  one value per point, oldest first
 */

/**
 * Draws the series scaled to the largest value, newest at the right.
 * @param {HTMLCanvasElement} canvas
 * @param {Series[]} series
 * @param {(value: number) => string} format how to print the axis maximum
 */
export function drawLineChart(canvas, series, format = String) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const top = 18;
  const bottom = height - 4;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#e2e8f0';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i += 1) {
    const y = top + ((bottom - top) * i) / 4;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
    ctx.stroke();
  }
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const points = Math.max(2, ...series.map((s) => s.values.length));
  series.forEach((s) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.values.forEach((value, i) => {
      const x = width - ((s.values.length - 1 - i) * width) / (points - 1);
      const y = bottom - (max === 0 ? 0 : (value / max) * (bottom - top));
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  });
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#475569';
  ctx.fillText(`max ${format(max)}`, 4, 13);
  let x = width;
  [...series].reverse().forEach((s) => {
    const text = s.label;
    x -= ctx.measureText(text).width + 18;
    ctx.fillStyle = s.color;
    ctx.fillRect(x, 5, 10, 10);
    ctx.fillStyle = '#475569';
    ctx.fillText(text, x + 13, 14);
  });
}

/**
 * A round number at or above the value, so that the axis reads well.
 * @param {number} value
 * @returns {number}
 */
export function niceMax(value) {
  if (value <= 0) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value);
  return step * magnitude;
}

/**
 * Per-second rates from samples of running totals.
 * @param {{time: number}[]} samples oldest first
 * @param {string} field the total to differentiate
 * @returns {number[]} one rate per pair of consecutive samples
 */
export function rates(samples, field) {
  const out = [];
  for (let i = 1; i < samples.length; i += 1) {
    const seconds = (samples[i].time - samples[i - 1].time) / 1000;
    const delta = samples[i][field] - samples[i - 1][field];
    out.push(seconds > 0 && delta >= 0 ? delta / seconds : 0);
  }
  return out;
}
