import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint, formatBytes, hexDump, parseHex, prettyText, utf8Length } from '../../../webapp/js/format.js';

test('utf8Length counts bytes on the wire', () => {
  assert.equal(utf8Length('abc'), 3);
  assert.equal(utf8Length('é'), 2);
  assert.equal(utf8Length('€'), 3);
  assert.equal(utf8Length('😀'), 4);
});

test('formatBytes picks a readable unit', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(16 * 1024 * 1024), '16.0 MiB');
});

test('hexDump shows offsets, hex and printable ASCII, and says what it left out', () => {
  const bytes = new Uint8Array([0x48, 0x69, 0x00, 0xff, ...new Array(20).fill(0x41)]);
  const lines = hexDump(bytes).split('\n');
  assert.equal(lines[0], '00000000  48 69 00 ff 41 41 41 41 41 41 41 41 41 41 41 41  Hi..AAAAAAAAAAAA');
  assert.equal(lines[1].slice(0, 10), '00000010  ');
  assert.equal(hexDump(new Uint8Array(300)).split('\n').at(-1), '… 44 more bytes');
});

test('parseHex reads common spellings and refuses what is not hex', () => {
  assert.deepEqual([...parseHex('de ad be ef')], [0xde, 0xad, 0xbe, 0xef]);
  assert.deepEqual([...parseHex('0xDE, 0xAD')], [0xde, 0xad]);
  assert.deepEqual([...parseHex('cafe:babe')], [0xca, 0xfe, 0xba, 0xbe]);
  assert.deepEqual([...parseHex('')], []);
  assert.throws(() => parseHex('abc'), /even number/);
  assert.throws(() => parseHex('zz'), /only 0-9/);
});

test('prettyText indents JSON and leaves other text alone', () => {
  assert.deepEqual(prettyText('{"a":[1]}'), { text: '{\n  "a": [\n    1\n  ]\n}', json: true });
  assert.deepEqual(prettyText('{not json'), { text: '{not json', json: false });
  assert.deepEqual(prettyText('hello'), { text: 'hello', json: false });
});

test('fingerprint tells different bytes apart', () => {
  assert.equal(fingerprint(new Uint8Array([1, 2, 3])), fingerprint(new Uint8Array([1, 2, 3])));
  assert.notEqual(fingerprint(new Uint8Array([1, 2, 3])), fingerprint(new Uint8Array([1, 2, 4])));
  assert.equal(fingerprint(new Uint8Array([])), 0x811c9dc5);
});
