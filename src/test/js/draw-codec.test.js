import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DrawProtocolError, decode, encode, quantise } from '../../../webapp/js/draw-codec.js';

const vectors = JSON.parse(readFileSync(new URL('../resources/draw/vectors.json', import.meta.url), 'utf8'));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const unhex = (text) => new Uint8Array(Buffer.from(text, 'hex'));

test('every client message encodes to the bytes of its shared vector', () => {
  assert.equal(vectors.client.length, 8);
  for (const { name, hex: expected, command } of vectors.client) {
    const message = command.type === 'snapshot' ? { ...command, png: unhex(command.png) } : command;
    assert.equal(hex(encode(message)), expected, name);
  }
});

test('every server vector decodes to its message', () => {
  assert.equal(vectors.server.length, 13);
  for (const { name, hex: bytes, message } of vectors.server) {
    const decoded = decode(unhex(bytes));
    const expected = message.type === 'snapshot' ? { ...message, png: unhex(message.png) } : message;
    assert.deepEqual(decoded, expected, name);
  }
});

test('truncated, overlong and unknown server messages throw DrawProtocolError', () => {
  for (const bad of ['', '84000000', '8600000009ff', '7f', '8201000241', '820001'+'01ff', '8f0102c3']) {
    assert.throws(() => decode(unhex(bad)), DrawProtocolError, bad);
  }
});

test('an ArrayBuffer decodes as its bytes do, and a sub-array reads from its own offset', () => {
  const welcome = vectors.server.find((v) => v.name === 'welcome');
  assert.deepEqual(decode(unhex(welcome.hex).buffer), welcome.message);
  const padded = unhex(`00${welcome.hex}`).subarray(1);
  assert.deepEqual(decode(padded), welcome.message);
});

test('pointer positions quantise to eighths of a board pixel at any shown size, clamped to the board', () => {
  assert.deepEqual(quantise(0, 0, 390, 243.75), [0, 0]);
  assert.deepEqual(quantise(195, 121.875, 390, 243.75), [6400, 4000]);
  assert.deepEqual(quantise(500, -3, 390, 243.75), [12800, 0]);
});
