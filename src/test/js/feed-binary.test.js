import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeedBinaryDecoder, FeedBinaryError, varintBytes } from '../../../webapp/js/feed-binary.js';

const BASE = 1796112000124001 - 3;

/** The example of docs/FEED.md: `ACME last=101.25`, handle 0, field 0, seq 18, ts base+3, conflated 0. */
function example() {
  return Uint8Array.from([
    0x01, ...varintBytes(BASE),
    0x01, 0x00, 0x04, 0x6c, 0x61, 0x73, 0x74,
    0x02, 0x00, 0x01, 0x04, 0x41, 0x43, 0x4d, 0x45,
    0x04, 0x00, 0x12, 0x06, 0x00, 0x01,
    0x00, 0x02, 0x9a, 0x9e, 0x01,
  ]);
}

const bytes = (...parts) => Uint8Array.from(parts.flat());
const message = (...records) => bytes(0x01, varintBytes(BASE), ...records);
const str = (text) => { const b = new TextEncoder().encode(text); return [...varintBytes(b.length), ...b]; };

test('the example bytes of docs/FEED.md decode to the documented update', () => {
  const decoder = new FeedBinaryDecoder();
  assert.deepEqual(decoder.decode(example()), [
    { type: 'updates', updates: [{ id: 1, item: 'ACME', seq: 18, ts: 1796112000124001, conflated: 0, fields: { last: 101.25 } }] },
  ]);
  assert.deepEqual(decoder.decode(example().buffer), decoder.decode(example()), 'an ArrayBuffer reads the same');
});

test('bindings hold for later messages; snapshots, floats, strings and negative numbers read', () => {
  const decoder = new FeedBinaryDecoder();
  decoder.decode(example());
  const next = message(
    [0x01, 0x01], str('change'), [0x01, 0x02], str('conditions'),
    [0x02, 0x01, 0x02], str('berlin'),
    [0x03, 0x02, 0x01], // snapshot of subscription 2, one value
    [0x04, 0x01, 0x05, 0x01, 0x00, 0x02], // handle 1, seq 5, ts base-1, conflated 0, 2 fields
    [0x01, 0x10, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0], // change = 1.5 as float64
    [0x02, 0x11], str('Schnee ❄'),
    [0x04, 0x00, 0x13, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01], // ACME seq 19, ts base, conflated 2, change = -1 (scale 2: -0.01)
  );
  assert.deepEqual(decoder.decode(next), [
    { type: 'snapshot', id: 2, items: [{ item: 'berlin', seq: 5, ts: BASE - 1, fields: { change: 1.5, conditions: 'Schnee ❄' } }] },
    { type: 'updates', updates: [{ id: 1, item: 'ACME', seq: 19, ts: BASE, conflated: 2, fields: { change: -0.01 } }] },
  ]);
  assert.deepEqual(decoder.decode(message([0x03, 0x07, 0x00])), [{ type: 'snapshot', id: 7, items: [] }], 'an empty snapshot');
  assert.deepEqual(decoder.decode(message()), [], 'a message of no records');
});

test('exact decimals come out as the numbers JSON would give', () => {
  const decoder = new FeedBinaryDecoder();
  decoder.decode(message([0x01, 0x00], str('v'), [0x02, 0x00, 0x01], str('X')));
  const value = (scale, unscaled) => decoder.decode(message([0x04, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, scale],
    varintBytes(unscaled < 0 ? -2 * unscaled - 1 : 2 * unscaled)))[0].updates[0].fields.v;
  assert.equal(value(2, 10125), 101.25);
  assert.equal(value(1, 3), 0.3);
  assert.equal(value(0, 1234567), 1234567);
  assert.equal(value(4, -15), -0.0015);
  assert.equal(value(15, 1), 1e-15);
});

/** @param {Uint8Array} data @param {RegExp} pattern */
function refuses(data, pattern, decoder = new FeedBinaryDecoder()) {
  assert.throws(() => decoder.decode(data), (e) => e instanceof FeedBinaryError && pattern.test(e.message), pattern.source);
}

test('truncated messages are refused, wherever they stop', () => {
  const whole = example();
  refuses(new Uint8Array(0), /Truncated: the message ends before the version byte/);
  const recordEnds = [9, 16, 24]; // after the base time, the FIELD and the ITEM record: whole messages
  for (let length = 1; length < whole.length; length += 1) {
    if (recordEnds.includes(length)) assert.doesNotThrow(() => new FeedBinaryDecoder().decode(whole.subarray(0, length)));
    else refuses(whole.subarray(0, length), /Truncated/);
  }
  refuses(message([0x01, 0x00, 0x09, 0x61]), /Truncated: a field name says 9 bytes, 1 are left \(at byte \d+\)/);
  refuses(message([0x03, 0x01, 0x02], [0x02, 0x00, 0x01], str('A'), [0x04, 0x00, 0x01, 0x00, 0x00, 0x00]),
    /the snapshot of subscription 1 misses 1 of its values/);
  refuses(message([0x01, 0x00], str('f'), [0x02, 0x00, 0x01], str('A'), [0x04, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x10, 0x3f, 0xf0]),
    /Truncated: the message ends inside the value of field "f"/);
});

test('an unknown tag, type, handle or index is refused with its number', () => {
  refuses(message([0x05]), /Unknown record tag 0x05 \(at byte 9\)/);
  refuses(message([0x04, 0x03, 0x01, 0x00, 0x00, 0x00]), /Unknown item handle 3/);
  refuses(message([0x02, 0x00, 0x01], str('A'), [0x04, 0x00, 0x01, 0x00, 0x00, 0x01, 0x09, 0x00, 0x00]), /Unknown field index 9/);
  refuses(message([0x01, 0x00], str('f'), [0x02, 0x00, 0x01], str('A'), [0x04, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x12]),
    /Unknown value type 0x12 of field "f"/);
});

test('a bad version, an overlong varint, bad UTF-8 and a rebinding are refused', () => {
  refuses(bytes(0x02, 0x00), /Unsupported version 0x02 \(this page reads 0x01\) \(at byte 0\)/);
  refuses(bytes(0x01, Array(10).fill(0xff), 0x01), /Varint too long: the base time does not fit in 64 bits/);
  refuses(bytes(0x01, Array(9).fill(0x80), 0x80, 0x01), /Varint too long/);
  refuses(message([0x01, 0x00, 0x02, 0xc3, 0x28]), /a field name is not valid UTF-8/);
  const decoder = new FeedBinaryDecoder();
  decoder.decode(message([0x01, 0x00], str('last')));
  refuses(message([0x01, 0x00], str('bid')), /Field index 0 is already "last", cannot become "bid"/, decoder);
  decoder.decode(message([0x01, 0x00], str('last')));
  refuses(message([0x02, 0x00, 0x01], str('A'), [0x02, 0x00, 0x02], str('A')), /Item handle 0 is already bound/, decoder);
  // the largest 10-byte varint (2^64 - 1) is read, as a rounded number
  assert.deepEqual(new FeedBinaryDecoder().decode(bytes(0x01, Array(9).fill(0xff), 0x01)), []);
});

test('a message that fails binds nothing', () => {
  const decoder = new FeedBinaryDecoder();
  refuses(message([0x01, 0x00], str('last'), [0x05]), /Unknown record tag/, decoder);
  refuses(message([0x02, 0x00, 0x01], str('A'), [0x04, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]), /Unknown field index 0/, decoder);
});

test('bytes made by the server\'s BinaryFeedEncoder decode to what it was given', () => {
  // BinaryFeedEncoder (branch wt-codec) encoding a snapshot of subscription 3, then two updates
  const fromHex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
  const decoder = new FeedBinaryDecoder();
  const [snapshot] = decoder.decode(fromHex('01f880facddeb198030100046c6173740101066368616e6765010206766f6c756d650103036f64640104046e6567300105036269670200030441434d4501060a636f6e646974696f6e7301070b74656d7065726174757265020103066265726c696e0303020400119007000600029a9e0101024902008eda960103103fd33333333333340410800000000000000005107e37e43c8800759c040102000002061111706172746c7920636c6f75647920e29881070145'));
  assert.equal(snapshot.id, 3);
  assert.deepEqual(snapshot.items[0], { item: 'ACME', seq: 17, ts: 1796112000123456,
    fields: { last: 101.25, change: -0.37, volume: 1234567, odd: 0.1 + 0.2, neg0: -0, big: 1e300 } });
  assert.ok(Object.is(snapshot.items[0].fields.neg0, -0), '-0 travels as a float64');
  assert.deepEqual(snapshot.items[1], { item: 'berlin', seq: 2, ts: 1796112000123000, fields: { conditions: 'partly cloudy ☁', temperature: -3.5 } });
  assert.deepEqual(decoder.decode(fromHex('01e088facddeb198030400120202010001ea0f02020304424f4c5404020100000100000e')), [{ type: 'updates', updates: [
    { id: 3, item: 'ACME', seq: 18, ts: 1796112000124001, conflated: 2, fields: { last: 101.3 } },
    { id: 3, item: 'BOLT', seq: 1, ts: 1796112000124000, conflated: 0, fields: { last: 7 } },
  ] }]);
});
