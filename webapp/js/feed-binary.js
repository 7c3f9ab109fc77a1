/**
 * The `feed.bin` binary layout of docs/FEED.md, read in the browser: a version byte 0x01, a base
 * time (varint, epoch µs), then FIELD, ITEM, SNAPSHOT and VALUE records. One decoder per
 * connection: field indices and item handles bound in one message hold for the later ones.
 * Anything that does not follow the layout throws a {@link FeedBinaryError} that says what and
 * where; the decoder is then as it was before the message (bindings of a bad message are kept only
 * when the whole message reads). No DOM here.
 * @module feed-binary
 */

/** The only version byte this page reads. */
export const VERSION = 0x01;
export const TAG_FIELD = 0x01;
export const TAG_ITEM = 0x02;
export const TAG_SNAPSHOT = 0x03;
export const TAG_VALUE = 0x04;
/** Type bytes 0x00–0x0F are exact decimals of that scale. */
export const TYPE_MAX_SCALE = 0x0f;
export const TYPE_FLOAT64 = 0x10;
export const TYPE_STRING = 0x11;
/** A varint is at most this many bytes (64 bits). */
export const MAX_VARINT_BYTES = 10;

/**
 * @typedef {Object<string, number|string>} Fields field name → value
 * @typedef {{item: string, seq: number, ts: number, fields: Fields}} SnapshotItem
 * @typedef {{type: 'snapshot', id: number, items: SnapshotItem[]}} BinarySnapshot
 *   the topic is not on the wire: it is the one the subscription's subscribe named
 * @typedef {{id: number, item: string, seq: number, ts: number, conflated: number, fields: Fields}} ItemUpdate
 * @typedef {{type: 'updates', updates: ItemUpdate[]}} BinaryUpdates
 */

/** A binary message that does not follow the layout; `offset` is where the reading stopped. */
export class FeedBinaryError extends Error {
  /**
   * @param {string} message
   * @param {number} offset
   */
  constructor(message, offset) {
    super(`${message} (at byte ${offset})`);
    this.name = 'FeedBinaryError';
    this.offset = offset;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const hex = (b) => `0x${b.toString(16).padStart(2, '0')}`;

/** Reads one message's bytes front to back. */
class Reader {
  /** @param {Uint8Array} bytes */
  constructor(bytes) {
    this.bytes = bytes;
    this.offset = 0;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done() {
    return this.offset >= this.bytes.length;
  }

  /** @param {string} what */
  byte(what) {
    if (this.offset >= this.bytes.length) throw new FeedBinaryError(`Truncated: the message ends before ${what}`, this.offset);
    return this.bytes[this.offset++];
  }

  /**
   * An unsigned LEB128 varint. Values above 2^53 lose precision as JavaScript numbers; nothing in
   * the feed comes near that (timestamps in µs are about 2^51).
   * @param {string} what
   */
  varint(what) {
    const start = this.offset;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i += 1) {
      const b = this.byte(what);
      if (i === MAX_VARINT_BYTES - 1 && b > 0x01) {
        throw new FeedBinaryError(`Varint too long: ${what} does not fit in 64 bits`, start);
      }
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new FeedBinaryError(`Varint too long: ${what} has more than ${MAX_VARINT_BYTES} bytes`, start);
  }

  /** A zigzag varint: 0, -1, 1, -2… from 0, 1, 2, 3… @param {string} what */
  zigzag(what) {
    const n = this.varint(what);
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** @param {string} what */
  string(what) {
    const length = this.varint(`the length of ${what}`);
    if (length > this.bytes.length - this.offset) {
      throw new FeedBinaryError(`Truncated: ${what} says ${length} bytes, ${this.bytes.length - this.offset} are left`, this.offset);
    }
    const start = this.offset;
    this.offset += length;
    try {
      return utf8.decode(this.bytes.subarray(start, this.offset));
    } catch {
      throw new FeedBinaryError(`${what} is not valid UTF-8`, start);
    }
  }

  /** @param {string} what */
  float64(what) {
    if (this.bytes.length - this.offset < 8) throw new FeedBinaryError(`Truncated: the message ends inside ${what}`, this.offset);
    const value = this.view.getFloat64(this.offset, false);
    this.offset += 8;
    return value;
  }
}

/** Decodes the binary messages of one `feed.bin` connection. */
export class FeedBinaryDecoder {
  constructor() {
    /** @type {Map<number, string>} field index → name */
    this.fields = new Map();
    /** @type {Map<number, {id: number, item: string}>} handle → subscription and item */
    this.handles = new Map();
  }

  /**
   * @param {ArrayBuffer|Uint8Array} data one binary message
   * @returns {Array<BinarySnapshot|BinaryUpdates>} in the order of their records; VALUE records
   *   outside a snapshot that follow each other make one `updates`
   * @throws {FeedBinaryError}
   */
  decode(data) {
    const reader = new Reader(data instanceof Uint8Array ? data : new Uint8Array(data));
    const version = reader.byte('the version byte');
    if (version !== VERSION) throw new FeedBinaryError(`Unsupported version ${hex(version)} (this page reads ${hex(VERSION)})`, 0);
    const base = reader.varint('the base time');
    // bindings are staged, so that a message that fails leaves the decoder as it was
    const fields = new Map(this.fields);
    const handles = new Map(this.handles);
    /** @type {Array<BinarySnapshot|BinaryUpdates>} */
    const messages = [];
    /** @type {BinarySnapshot|null} */
    let snapshot = null;
    let snapshotLeft = 0;
    /** @type {BinaryUpdates|null} */
    let updates = null;
    while (!reader.done) {
      const at = reader.offset;
      const tag = reader.byte('a record tag');
      switch (tag) {
        case TAG_FIELD: {
          const index = reader.varint('a field index');
          const name = reader.string('a field name');
          const bound = fields.get(index);
          if (bound !== undefined && bound !== name) {
            throw new FeedBinaryError(`Field index ${index} is already "${bound}", cannot become "${name}"`, at);
          }
          fields.set(index, name);
          break;
        }
        case TAG_ITEM: {
          const handle = reader.varint('an item handle');
          const id = reader.varint('a subscription id');
          const item = reader.string('an item name');
          const bound = handles.get(handle);
          if (bound !== undefined && (bound.id !== id || bound.item !== item)) {
            throw new FeedBinaryError(`Item handle ${handle} is already bound, cannot be rebound`, at);
          }
          handles.set(handle, { id, item });
          break;
        }
        case TAG_SNAPSHOT: {
          if (snapshotLeft > 0) throw new FeedBinaryError(`A snapshot starts while ${snapshotLeft} values of the previous one are missing`, at);
          const id = reader.varint('a snapshot\'s subscription id');
          const count = reader.varint('a snapshot\'s item count');
          if (count > reader.bytes.length - reader.offset) {
            throw new FeedBinaryError(`Truncated: a snapshot of ${count} items cannot fit in the ${reader.bytes.length - reader.offset} bytes left`, at);
          }
          snapshot = { type: 'snapshot', id, items: [] };
          messages.push(snapshot);
          updates = null;
          snapshotLeft = count;
          break;
        }
        case TAG_VALUE: {
          const handle = reader.varint('a value\'s item handle');
          const bound = handles.get(handle);
          if (bound === undefined) throw new FeedBinaryError(`Unknown item handle ${handle}`, at);
          const seq = reader.varint('a value\'s seq');
          const ts = base + reader.zigzag('a value\'s time');
          const conflated = reader.varint('a value\'s conflated count');
          const values = readFields(reader, fields);
          if (snapshotLeft > 0) {
            if (bound.id !== snapshot.id) {
              throw new FeedBinaryError(`A value of subscription ${bound.id} inside the snapshot of subscription ${snapshot.id}`, at);
            }
            snapshot.items.push({ item: bound.item, seq, ts, fields: values });
            snapshotLeft -= 1;
          } else {
            if (updates === null) {
              updates = { type: 'updates', updates: [] };
              messages.push(updates);
            }
            updates.updates.push({ id: bound.id, item: bound.item, seq, ts, conflated, fields: values });
          }
          break;
        }
        default:
          throw new FeedBinaryError(`Unknown record tag ${hex(tag)}`, at);
      }
    }
    if (snapshotLeft > 0) {
      throw new FeedBinaryError(`Truncated: the snapshot of subscription ${snapshot.id} misses ${snapshotLeft} of its values`, reader.offset);
    }
    this.fields = fields;
    this.handles = handles;
    return messages;
  }
}

/**
 * A VALUE record's fields.
 * @param {Reader} reader
 * @param {Map<number, string>} names
 * @returns {Fields}
 */
function readFields(reader, names) {
  const count = reader.varint('a value\'s field count');
  if (count > reader.bytes.length - reader.offset) {
    throw new FeedBinaryError(`Truncated: ${count} fields cannot fit in the ${reader.bytes.length - reader.offset} bytes left`, reader.offset);
  }
  /** @type {Fields} */
  const fields = {};
  for (let i = 0; i < count; i += 1) {
    const at = reader.offset;
    const index = reader.varint('a field index');
    const name = names.get(index);
    if (name === undefined) throw new FeedBinaryError(`Unknown field index ${index}`, at);
    const type = reader.byte(`the type of field "${name}"`);
    if (type <= TYPE_MAX_SCALE) {
      const unscaled = reader.zigzag(`the value of field "${name}"`);
      // both exact doubles (|unscaled| < 2^53, 10^15 < 2^53): the division rounds once, like parsing the decimal
      fields[name] = type === 0 ? unscaled : unscaled / 10 ** type;
    } else if (type === TYPE_FLOAT64) {
      fields[name] = reader.float64(`the value of field "${name}"`);
    } else if (type === TYPE_STRING) {
      fields[name] = reader.string(`the value of field "${name}"`);
    } else {
      throw new FeedBinaryError(`Unknown value type ${hex(type)} of field "${name}"`, at);
    }
  }
  return fields;
}

/**
 * Writes an unsigned varint; for tests and the workbench's examples.
 * @param {number} value a non-negative safe integer
 * @returns {number[]}
 */
export function varintBytes(value) {
  const out = [];
  let n = value;
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
