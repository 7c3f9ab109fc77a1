/**
 * Formatting helpers for what the pages show: sizes, times, hex dumps, JSON.
 * @module format
 */

const encoder = new TextEncoder();

/**
 * @param {string} text
 * @returns {number} the size of the text in UTF-8, as it travels on the wire
 */
export function utf8Length(text) {
  return encoder.encode(text).length;
}

/**
 * @param {number} bytes
 * @returns {string} e.g. "1.5 KiB"
 */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1024;
    unit += 1;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/**
 * @param {Date} date
 * @returns {string} local time with milliseconds, e.g. "14:03:07.125"
 */
export function formatClock(date) {
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * A classic hex dump: offset, sixteen bytes in hex, and their printable ASCII.
 * @param {Uint8Array} bytes
 * @param {number} [limit] how many bytes to show at most
 * @returns {string}
 */
export function hexDump(bytes, limit = 256) {
  const shown = bytes.subarray(0, limit);
  const lines = [];
  for (let offset = 0; offset < shown.length; offset += 16) {
    const row = shown.subarray(offset, offset + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47, ' ')}  ${ascii}`);
  }
  if (bytes.length > limit) {
    lines.push(`… ${bytes.length - limit} more bytes`);
  }
  return lines.join('\n');
}

/**
 * Reads hex such as "48 65 6c 6c 6f", "48656c6c6f" or "0x48, 0x65".
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {Error} when the text is not whole bytes of hex
 */
export function parseHex(text) {
  const digits = text.replace(/0x/gi, '').replace(/[\s,:;-]/g, '');
  if (!/^[0-9a-f]*$/i.test(digits)) {
    throw new Error('Hex may hold only 0-9, a-f, spaces, commas and 0x prefixes');
  }
  if (digits.length % 2 !== 0) {
    throw new Error(`Hex needs an even number of digits (got ${digits.length})`);
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = parseInt(digits.substring(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

/**
 * Text as it is best read: JSON pretty-printed when it parses as an object or array.
 * @param {string} text
 * @returns {{text: string, json: boolean}}
 */
export function prettyText(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
    } catch {
      // not JSON after all: show it as it is
    }
  }
  return { text, json: false };
}

/**
 * FNV-1a, 32 bits: a fast fingerprint to recognise a message that comes back.
 * @param {Uint8Array} bytes
 * @returns {number}
 */
export function fingerprint(bytes) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i += 1) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
