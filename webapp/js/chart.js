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
 * Draws the series scaled to a round maximum, newest at the right, with a value axis (0, half and
 * the maximum, in the series' unit) and a time axis (seconds before the newest point). Lines are
 * drawn in order with their own width and dash, so that a series equal to another stays visible.
 * The canvas is resized to its displayed width so that text stays sharp.
 * @param {HTMLCanvasElement} canvas
 * @param {Series[]} series  each may have width and dash (e.g. [6, 4])
 * @param {(value: number) => string} format how to print a value with its unit
 * @param {{times?: number[]}} [options] times: one timestamp (ms) per point, for the time axis
 */
export function drawLineChart(canvas, series, format = String, { times = [] } = {}) {
  const shown = Math.round(canvas.clientWidth);
  if (shown > 0 && canvas.width !== shown) canvas.width = shown;
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const styles = getComputedStyle(canvas);
  const ink = styles.getPropertyValue('--muted').trim() || '#475569';
  const grid = styles.getPropertyValue('--line').trim() || '#e2e8f0';
  const left = 64;
  const right = width - 6;
  const top = 22;
  const bottom = height - 18;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = styles.getPropertyValue('--panel').trim() || '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  ctx.font = '11px sans-serif';
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = ink;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let i = 0; i <= 2; i += 1) {
    const y = top + ((bottom - top) * i) / 2;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.fillText(format((max * (2 - i)) / 2), left - 4, y);
  }
  const points = Math.max(2, ...series.map((s) => s.values.length));
  const xOf = (fromEnd) => right - (fromEnd * (right - left)) / (points - 1);
  // time axis: seconds before the newest point
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  if (times.length >= 2) {
    const newest = times[times.length - 1];
    const span = (newest - times[0]) / 1000;
    // labels from the right; one that would touch the previous one is left out (ticks stay)
    let freeRight = Infinity;
    for (const ago of timeTicks(span, right - left, ctx.measureText('−600 s').width + 8)) {
      const x = right - (ago / span) * (right - left);
      ctx.beginPath();
      ctx.moveTo(x, bottom);
      ctx.lineTo(x, bottom + 3);
      ctx.stroke();
      const text = ago === 0 ? 'now' : `−${ago} s`;
      const half = ctx.measureText(text).width / 2;
      const at = Math.max(left + half, Math.min(right - half, x));
      if (at + half + 4 <= freeRight) {
        ctx.fillText(text, at, bottom + 4);
        freeRight = at - half;
      }
    }
  }
  series.forEach((s) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    s.values.forEach((value, i) => {
      const x = xOf(s.values.length - 1 - i);
      const y = bottom - (max === 0 ? 0 : (value / max) * (bottom - top));
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  });
  ctx.setLineDash([]);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  let x = width;
  [...series].reverse().forEach((s) => {
    const text = s.label;
    x -= ctx.measureText(text).width + 22;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    ctx.moveTo(x, 10);
    ctx.lineTo(x + 14, 10);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = ink;
    ctx.fillText(text, x + 17, 14);
  });
}

/**
 * The time axis' ticks, in seconds before the newest point: the smallest round step whose labels,
 * `labelWidth` pixels each, fit side by side in `width` pixels for a span of `span` seconds.
 * @param {number} span seconds from the oldest point to the newest
 * @param {number} width pixels of the axis
 * @param {number} labelWidth pixels one label needs, with its gap
 * @returns {number[]} 0 (now), step, 2 × step… up to the span
 */
export function timeTicks(span, width, labelWidth) {
  if (!(span > 0) || !(width > 0)) return [0];
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => (s / span) * width >= labelWidth) ?? Math.ceil(span);
  const ticks = [];
  for (let ago = 0; ago <= span + 1e-9; ago += step) ticks.push(ago);
  return ticks;
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
