/**
 * The game.bin messages (docs/PLAY.md) for the page: encodes the client's, decodes the
 * server's, and rebuilds delta snapshots on the base snapshot they name. Big-endian integers,
 * strings as a length byte and UTF-8. Checked against src/test/resources/game/vectors.json by
 * src/test/js/game-codec.test.js, as the Java codec is.
 * @module game-codec
 */

export const JOIN = 0x01;
export const INPUT = 0x02;
export const ACK = 0x03;
export const PING = 0x04;
export const WELCOME = 0x81;
export const SNAPSHOT = 0x82;
export const SCORES = 0x83;
export const PONG = 0x84;
export const ERROR = 0x8f;

/** Ints per entity record: id, kind, x, y, vx, vy, aux. */
export const STRIDE = 7;
export const KIND_SHIP = 1;
export const KIND_BOT = 2;
export const KIND_ORB = 3;
export const REJOINED = 1;
export const SPECTATOR = 2;
export const SCORE_BOT = 1;
export const SCORE_AWAY = 2;

/** A server message the codec cannot read. */
export class GameCodecError extends Error {}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function bytesOf(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new GameCodecError('not binary data');
}

/**
 * @param {{spectate?: boolean, name?: string, room?: string, token?: Uint8Array}} join
 * @returns {Uint8Array}
 */
export function encodeJoin({ spectate = false, name = '', room = '', token = new Uint8Array(0) }) {
  const n = utf8.encode(name);
  const r = utf8.encode(room);
  if (n.length > 16) throw new RangeError('name over 16 bytes');
  if (r.length > 24) throw new RangeError('room over 24 bytes');
  const out = new Uint8Array(5 + n.length + r.length + token.length);
  let at = 0;
  out[at++] = JOIN;
  out[at++] = spectate ? 1 : 0;
  out[at++] = n.length; out.set(n, at); at += n.length;
  out[at++] = r.length; out.set(r, at); at += r.length;
  out[at++] = token.length; out.set(token, at);
  return out;
}

/** @returns {Uint8Array} the 12-byte input message */
export function encodeInput({ seq, ack, dx, dy, buttons }) {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  out[0] = INPUT;
  view.setUint32(1, seq >>> 0);
  view.setUint32(5, ack >>> 0);
  view.setInt8(9, dx);
  view.setInt8(10, dy);
  out[11] = buttons;
  return out;
}

function u32Message(type, value) {
  const out = new Uint8Array(5);
  out[0] = type;
  new DataView(out.buffer).setUint32(1, value >>> 0);
  return out;
}

export const encodeAck = (ack) => u32Message(ACK, ack);
export const encodePing = (time) => u32Message(PING, time);

/** A reader over the bytes that throws GameCodecError when they run out. */
class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }
  need(n) {
    if (this.at + n > this.bytes.length) throw new GameCodecError('truncated message');
  }
  u8() { this.need(1); return this.bytes[this.at++]; }
  u16() { this.need(2); const v = this.view.getUint16(this.at); this.at += 2; return v; }
  i16() { this.need(2); const v = this.view.getInt16(this.at); this.at += 2; return v; }
  u32() { this.need(4); const v = this.view.getUint32(this.at); this.at += 4; return v; }
  take(n) { this.need(n); const v = this.bytes.slice(this.at, this.at + n); this.at += n; return v; }
  str() {
    try {
      return fromUtf8.decode(this.take(this.u8()));
    } catch (e) {
      if (e instanceof GameCodecError) throw e;
      throw new GameCodecError('a string is not UTF-8');
    }
  }
  end() {
    if (this.at !== this.bytes.length) throw new GameCodecError(`${this.bytes.length - this.at} bytes too many`);
  }
}

/**
 * Reads a server message. A snapshot is returned with its entities as given on the wire
 * (`entries`, each with its mask) and `removed`; {@link applySnapshot} rebuilds the whole state.
 * @param {ArrayBuffer|Uint8Array} data
 */
export function decodeServer(data) {
  const r = new Reader(bytesOf(data));
  const type = r.u8();
  let message;
  switch (type) {
    case WELCOME:
      message = { type: 'welcome', you: r.u16(), tickHz: r.u8(), arena: r.u16(), view: r.u16(), flags: r.u8(), token: r.take(16), room: r.str() };
      break;
    case SNAPSHOT: {
      message = { type: 'snapshot', tick: r.u32(), base: r.u32(), inputSeq: r.u32(), entries: [], removed: [] };
      const count = r.u16();
      for (let i = 0; i < count; i++) {
        const id = r.u16();
        const mask = r.u8();
        const fields = [undefined, undefined, undefined, undefined, undefined, undefined];
        if (mask & 1) fields[0] = r.u8();
        if (mask & 2) fields[1] = r.u16();
        if (mask & 4) fields[2] = r.u16();
        if (mask & 8) fields[3] = r.i16();
        if (mask & 16) fields[4] = r.i16();
        if (mask & 32) fields[5] = r.u16();
        message.entries.push({ id, mask, fields });
      }
      const removed = r.u16();
      for (let i = 0; i < removed; i++) message.removed.push(r.u16());
      break;
    }
    case SCORES: {
      const count = r.u8();
      const scores = [];
      for (let i = 0; i < count; i++) scores.push({ id: r.u16(), score: r.u16(), flags: r.u8(), name: r.str() });
      message = { type: 'scores', scores };
      break;
    }
    case PONG:
      message = { type: 'pong', time: r.u32(), tick: r.u32() };
      break;
    case ERROR:
      message = { type: 'error', code: r.u8(), message: r.str() };
      break;
    default:
      throw new GameCodecError(`unknown message type 0x${type.toString(16).padStart(2, '0')}`);
  }
  r.end();
  return message;
}

/**
 * The whole entity state of a decoded snapshot: its base's entities (a Map id -> [id, kind, x, y,
 * vx, vy, aux], null for a full snapshot) less the removed, with the entries laid over.
 * @param {{base: number, entries: Array, removed: number[]}} snapshot
 * @param {Map<number, number[]>|null} base
 * @returns {Map<number, number[]>} sorted by id
 */
export function applySnapshot(snapshot, base) {
  if (snapshot.base !== 0 && !base) throw new GameCodecError(`delta against unknown snapshot ${snapshot.base}`);
  const all = new Map(snapshot.base === 0 ? [] : base);
  for (const id of snapshot.removed) all.delete(id);
  for (const { id, mask, fields } of snapshot.entries) {
    const known = all.get(id);
    if (!known && mask !== 0x3f) throw new GameCodecError(`entity ${id} is new but incomplete`);
    const e = known ? known.slice() : [id, 0, 0, 0, 0, 0, 0];
    for (let f = 0; f < 6; f++) if (mask & (1 << f)) e[f + 1] = fields[f];
    all.set(id, e);
  }
  return new Map([...all.entries()].sort((a, b) => a[0] - b[0]));
}
