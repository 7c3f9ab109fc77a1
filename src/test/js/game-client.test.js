import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GameClient, INTERPOLATION_MS } from '../../../webapp/js/game-client.js';
import { physics } from '../../../webapp/js/game-physics.js';

const welcome = { you: 1, tickHz: 30, flags: 0 };
/** A decoded full snapshot of the given entities ([id, kind, x, y, vx, vy, aux]). */
const full = (tick, inputSeq, ...entities) => ({
  type: 'snapshot', tick, base: 0, inputSeq, removed: [],
  entries: entities.map(([id, ...f]) => ({ id, mask: 0x3f, fields: f })),
});

test('the own ship is predicted from unacknowledged inputs and lands where the server puts it', () => {
  const client = new GameClient(welcome);
  client.snapshot(full(1, 0, [1, 1, 16000, 16000, 0, 0, 0]), 0);
  for (let i = 0; i < 5; i++) client.input(127, 0, 0, i * 33);
  // the server's truth after it applied inputs 1..3, computed with the shared physics
  const p = physics(30);
  const server = [16000, 16000, 0, 0];
  for (let i = 0; i < 3; i++) p.step(server, { dx: 127, dy: 0, buttons: 0 });
  const predictedBefore = client.predicted.slice();
  client.snapshot(full(4, 3, [1, 1, server[0], server[1], server[2], server[3], 0]), 140);
  assert.deepEqual(client.pending.map((i) => i.seq), [4, 5], 'applied inputs are dropped');
  assert.deepEqual(client.predicted, predictedBefore, 'no correction when the server agrees');
  assert.equal(client.corrections, 0);
  // the server disagrees (a wall, a lost input): the prediction restarts from its state
  client.snapshot(full(5, 4, [1, 1, 100, 100, 0, 0, 0]), 170);
  assert.equal(client.corrections, 1);
  const replay = [100, 100, 0, 0];
  p.step(replay, { dx: 127, dy: 0, buttons: 0 });
  assert.deepEqual(client.predicted, replay);
});

test('others are drawn interpolated 100 ms behind the newest snapshot; orbs jump', () => {
  const client = new GameClient(welcome);
  client.snapshot(full(1, 0, [2, 2, 1600, 1600, 0, 0, 0], [0x8000, 3, 160, 160, 0, 0, 0]), 1000);
  client.snapshot(full(2, 0, [2, 2, 3200, 1600, 0, 0, 0], [0x8000, 3, 320, 320, 0, 0, 0]), 1100);
  const halfway = client.frame(1050 + INTERPOLATION_MS).entities;
  const ship = halfway.find((e) => e.id === 2);
  assert.equal(ship.x, 150, 'halfway between 100 and 200 world units');
  assert.equal(ship.y, 100);
  const orb = halfway.find((e) => e.id === 0x8000);
  assert.equal(orb.x, 20, 'a collected orb reappears where it is now');
  assert.equal(client.frame(5000).entities.find((e) => e.id === 2).x, 200, 'past the newest: the newest');
});

test('gaps in the ticks count as loss, and a delta on an unknown base is set aside', () => {
  const client = new GameClient(welcome);
  client.snapshot(full(1, 0, [2, 2, 0, 0, 0, 0, 0]), 0);
  client.snapshot(full(4, 0, [2, 2, 0, 0, 0, 0, 0]), 100);
  assert.equal(client.loss(), 2 / 4);
  assert.equal(client.snapshot({ ...full(5, 0), base: 3 }, 130), false);
  assert.equal(client.lastTick, 4);
});

test('inputs carry increasing sequence numbers and the newest acknowledged tick', () => {
  const client = new GameClient(welcome);
  client.snapshot(full(7, 0, [1, 1, 16000, 16000, 0, 0, 0]), 0);
  const a = client.input(-127, 5, 1, 10);
  const b = client.input(0, 0, 0, 43);
  const view = (m) => new DataView(m.buffer);
  assert.equal(view(a).getUint32(1), 1);
  assert.equal(view(b).getUint32(1), 2);
  assert.equal(view(b).getUint32(5), 7);
});
