import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decodeServer, applySnapshot, encodeJoin, encodeInput, encodeAck, encodePing, GameCodecError,
} from '../../../webapp/js/game-codec.js';
import { physics } from '../../../webapp/js/game-physics.js';

const vectors = JSON.parse(readFileSync(new URL('../resources/game/vectors.json', import.meta.url), 'utf8'));
const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const toMap = (rows) => (rows === null ? null : new Map(rows.map((e) => [e[0], e])));

test('client messages encode to the shared vectors byte for byte', () => {
  for (const { name, hex, message: m } of vectors.client) {
    let bytes;
    switch (m.type) {
      case 'join': bytes = encodeJoin({ spectate: m.spectate, name: m.name, room: m.room, token: fromHex(m.token) }); break;
      case 'input': bytes = encodeInput(m); break;
      case 'ack': bytes = encodeAck(m.ack); break;
      default: bytes = encodePing(m.time);
    }
    assert.equal(toHex(bytes), hex, name);
  }
});

test('server messages decode from the shared vectors', () => {
  for (const { name, hex, message: m } of vectors.server) {
    const decoded = decodeServer(fromHex(hex));
    if (m.type === 'welcome') {
      assert.deepEqual({ ...decoded, token: toHex(decoded.token) }, m, name);
    } else {
      assert.deepEqual(decoded, m, name);
    }
  }
});

test('full and delta snapshots rebuild the entities of the vectors', () => {
  for (const v of vectors.snapshots) {
    const decoded = decodeServer(fromHex(v.hex));
    assert.equal(decoded.tick, v.tick, v.name);
    assert.equal(decoded.base, v.baseTick, v.name);
    assert.equal(decoded.inputSeq, v.inputSeq, v.name);
    assert.deepEqual([...applySnapshot(decoded, toMap(v.base)).values()], v.entities, v.name);
  }
});

test('a delta without its base, truncated or padded messages and unknown types are refused', () => {
  const delta = decodeServer(fromHex(vectors.snapshots[1].hex));
  assert.throws(() => applySnapshot(delta, null), GameCodecError);
  for (const { hex } of [...vectors.server, ...vectors.snapshots]) {
    const bytes = fromHex(hex);
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.throws(() => decodeServer(bytes.slice(0, cut)), GameCodecError, `${hex} cut at ${cut}`);
    }
    assert.throws(() => decodeServer(Uint8Array.from([...bytes, 0])), GameCodecError);
  }
  assert.throws(() => decodeServer(Uint8Array.of(0x7f)), /unknown message type 0x7f/);
});

test('prediction steps land on the server physics of the vectors', () => {
  for (const c of vectors.physics) {
    const p = physics(c.tickHz);
    const s = c.start.slice();
    c.inputs.forEach(([dx, dy, buttons], i) => {
      p.step(s, { dx, dy, buttons });
      assert.deepEqual(s, c.states[i], `${c.name}, step ${i + 1}`);
    });
  }
});
