/**
 * The `draw.bin` subprotocol (docs/PLAY.md): client messages encoded, server messages decoded.
 * Big-endian; the first byte of each binary message is its type. Pinned by the same vectors as the
 * server's codec (src/test/resources/draw/vectors.json).
 * @module draw-codec
 */

export const SUBPROTOCOL = 'draw.bin';
/** The board's size in pixels; every page's canvas has exactly this size. */
export const WIDTH = 1600;
export const HEIGHT = 1000;
/** Samples are quantised to 1/8 pixel. */
export const SUBPIXELS = 8;
export const MAX_X = WIDTH * SUBPIXELS;
export const MAX_Y = HEIGHT * SUBPIXELS;
export const MAX_WIDTH = 64;
export const MAX_SAMPLES_PER_MESSAGE = 255;

/**
 * @typedef {[number, number, number]} Sample x and y in eighths of a pixel, pressure 0-255 (0: none)
 * @typedef {{type: 'join', name: string, board: string}
 *   | {type: 'begin', rgb: number, width: number}
 *   | {type: 'points', samples: Sample[]}
 *   | {type: 'end'} | {type: 'cursor', x: number, y: number} | {type: 'undo'} | {type: 'clear'}
 *   | {type: 'snapshot', request: number, png: Uint8Array}} ClientMessage
 * @typedef {{type: 'welcome', member: number, width: number, height: number}
 *   | {type: 'member', member: number, name: string} | {type: 'left', member: number}
 *   | {type: 'begin', stroke: number, member: number, rgb: number, width: number}
 *   | {type: 'points', stroke: number, samples: Sample[]} | {type: 'end', stroke: number}
 *   | {type: 'cursor', member: number, x: number, y: number} | {type: 'remove', stroke: number}
 *   | {type: 'clear', member: number} | {type: 'snapshot', upTo: number, png: Uint8Array}
 *   | {type: 'snapshotRequest', request: number, upTo: number} | {type: 'compacted', upTo: number}
 *   | {type: 'error', code: number, message: string}} ServerMessage
 */

/** The error codes of the ERROR message, by name (docs/PLAY.md). */
export const ERRORS = Object.freeze({
  1: 'malformed', 2: 'unknown-type', 3: 'out-of-range', 4: 'not-joined', 5: 'already-joined', 6: 'bad-name',
  7: 'board-full', 8: 'sample-rate', 9: 'too-many-strokes', 10: 'board-bytes', 11: 'no-stroke',
  12: 'nothing-to-undo', 13: 'snapshot-refused', 14: 'stroke-too-long', 15: 'too-many-boards',
});

/** A server message this page cannot read. */
export class DrawProtocolError extends Error {}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes one client message.
 * @param {ClientMessage} m
 * @returns {Uint8Array}
 */
export function encode(m) {
  switch (m.type) {
    case 'join': {
      const name = utf8.encode(m.name);
      const board = utf8.encode(m.board);
      if (name.length > 255 || board.length > 255) throw new RangeError('name or board too long');
      const out = new Uint8Array(3 + name.length + board.length);
      out[0] = 0x01;
      out[1] = name.length;
      out.set(name, 2);
      out[2 + name.length] = board.length;
      out.set(board, 3 + name.length);
      return out;
    }
    case 'begin':
      return Uint8Array.of(0x02, (m.rgb >> 16) & 0xff, (m.rgb >> 8) & 0xff, m.rgb & 0xff, m.width);
    case 'points': {
      const n = m.samples.length;
      if (n < 1 || n > MAX_SAMPLES_PER_MESSAGE) throw new RangeError(`1..255 samples, not ${n}`);
      const out = new DataView(new ArrayBuffer(2 + 5 * n));
      out.setUint8(0, 0x03);
      out.setUint8(1, n);
      m.samples.forEach(([x, y, p], i) => {
        out.setUint16(2 + 5 * i, x);
        out.setUint16(4 + 5 * i, y);
        out.setUint8(6 + 5 * i, p);
      });
      return new Uint8Array(out.buffer);
    }
    case 'end': return Uint8Array.of(0x04);
    case 'cursor': {
      const out = new DataView(new ArrayBuffer(5));
      out.setUint8(0, 0x05);
      out.setUint16(1, m.x);
      out.setUint16(3, m.y);
      return new Uint8Array(out.buffer);
    }
    case 'undo': return Uint8Array.of(0x06);
    case 'clear': return Uint8Array.of(0x07);
    case 'snapshot': {
      const out = new Uint8Array(5 + m.png.length);
      new DataView(out.buffer).setUint32(1, m.request);
      out[0] = 0x08;
      out.set(m.png, 5);
      return out;
    }
    default: throw new TypeError(`unknown message type ${m.type}`);
  }
}

/**
 * Decodes one server message.
 * @param {ArrayBuffer|Uint8Array} data
 * @returns {ServerMessage}
 * @throws {DrawProtocolError} when it is truncated, too long or of an unknown type
 */
export function decode(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n) => {
    if (at + n > bytes.length) throw new DrawProtocolError(`truncated message of type ${bytes[0]}`);
    const here = at;
    at += n;
    return here;
  };
  const u8 = () => view.getUint8(need(1));
  const u16 = () => view.getUint16(need(2));
  const u32 = () => view.getUint32(need(4));
  const rest = () => bytes.slice(need(bytes.length - at));
  const text = (n) => {
    const from = need(n);
    try {
      return strictUtf8.decode(bytes.subarray(from, from + n));
    } catch {
      throw new DrawProtocolError('a name is not UTF-8');
    }
  };
  const type = u8();
  let m;
  switch (type) {
    case 0x81: m = { type: 'welcome', member: u16(), width: u16(), height: u16() }; break;
    case 0x82: { const member = u16(); m = { type: 'member', member, name: text(u8()) }; break; }
    case 0x83: m = { type: 'left', member: u16() }; break;
    case 0x84: {
      const stroke = u32();
      const member = u16();
      const rgb = (u8() << 16) | (u8() << 8) | u8();
      m = { type: 'begin', stroke, member, rgb, width: u8() };
      break;
    }
    case 0x85: {
      const stroke = u32();
      const n = u8();
      const samples = [];
      for (let i = 0; i < n; i += 1) samples.push([u16(), u16(), u8()]);
      m = { type: 'points', stroke, samples };
      break;
    }
    case 0x86: m = { type: 'end', stroke: u32() }; break;
    case 0x87: m = { type: 'cursor', member: u16(), x: u16(), y: u16() }; break;
    case 0x88: m = { type: 'remove', stroke: u32() }; break;
    case 0x89: m = { type: 'clear', member: u16() }; break;
    case 0x8a: { const upTo = u32(); m = { type: 'snapshot', upTo, png: rest() }; break; }
    case 0x8b: m = { type: 'snapshotRequest', request: u32(), upTo: u32() }; break;
    case 0x8c: m = { type: 'compacted', upTo: u32() }; break;
    case 0x8f: { const code = u8(); m = { type: 'error', code, message: text(u8()) }; break; }
    default: throw new DrawProtocolError(`unknown message type 0x${type.toString(16)}`);
  }
  if (at !== bytes.length) throw new DrawProtocolError(`${bytes.length - at} bytes after a message of type 0x${type.toString(16)}`);
  return m;
}

/**
 * A pointer position on a canvas shown at any size, as board coordinates in eighths of a pixel,
 * clamped to the board.
 * @param {number} offsetX CSS pixels from the canvas' left edge
 * @param {number} offsetY
 * @param {number} shownWidth the canvas' CSS width
 * @param {number} shownHeight
 * @returns {[number, number]}
 */
export function quantise(offsetX, offsetY, shownWidth, shownHeight) {
  const clamp = (v, max) => Math.min(max, Math.max(0, Math.round(v)));
  return [clamp((offsetX / shownWidth) * MAX_X, MAX_X), clamp((offsetY / shownHeight) * MAX_Y, MAX_Y)];
}
