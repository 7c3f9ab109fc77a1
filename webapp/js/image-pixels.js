/**
 * Pixel arithmetic for the image studio, on plain RGBA arrays (ImageData.data), so that it runs
 * in Node's tests as well as in the page.
 * @module image-pixels
 */

/**
 * Rec. 601 luma as the server computes it: 16-bit fixed-point weights that sum to one.
 * @param {number} r
 * @param {number} g
 * @param {number} b
 * @returns {number} 0..255
 */
export function luma(r, g, b) {
  return (19595 * r + 38470 * g + 7471 * b + 32768) >>> 16;
}

/**
 * Compares a result with the grayscale of its source.
 * @param {Uint8ClampedArray|Uint8Array} source RGBA
 * @param {Uint8ClampedArray|Uint8Array} result RGBA, same size
 * @returns {{maxDifference: number, notGray: number}} the largest |result − luma(source)| and how
 *          many result pixels have r, g and b not all equal
 */
export function compareWithGrayscale(source, result) {
  if (source.length !== result.length) throw new Error('The images differ in size');
  let maxDifference = 0;
  let notGray = 0;
  for (let i = 0; i < source.length; i += 4) {
    const expected = luma(source[i], source[i + 1], source[i + 2]);
    if (result[i] !== result[i + 1] || result[i] !== result[i + 2]) notGray += 1;
    maxDifference = Math.max(maxDifference, Math.abs(result[i] - expected));
  }
  return { maxDifference, notGray };
}

/**
 * @param {Uint8ClampedArray|Uint8Array} a RGBA
 * @param {Uint8ClampedArray|Uint8Array} b RGBA
 * @returns {number} how many pixels differ in any channel (Infinity when the sizes differ)
 */
export function countDifferentPixels(a, b) {
  if (a.length !== b.length) return Infinity;
  let differing = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) differing += 1;
  }
  return differing;
}

/**
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean} whether the two hold the same bytes
 */
export function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * Where to draw an image so that it fits a box, aspect kept, centred (scaled up or down).
 * @param {number} width  of the image
 * @param {number} height of the image
 * @param {number} boxWidth
 * @param {number} boxHeight
 * @returns {{x: number, y: number, width: number, height: number}}
 */
export function fitWithin(width, height, boxWidth, boxHeight) {
  const scale = Math.min(boxWidth / width, boxHeight / height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  return { x: Math.floor((boxWidth - w) / 2), y: Math.floor((boxHeight - h) / 2), width: w, height: h };
}
