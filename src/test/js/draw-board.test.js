import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoardModel, cssColour, paintStroke, rgbOf, segmentWidth } from '../../../webapp/js/draw-board.js';

const joined = () => {
  const model = new BoardModel();
  model.apply({ type: 'welcome', member: 2, width: 1600, height: 1000 });
  model.apply({ type: 'member', member: 1, name: 'Ann' });
  model.apply({ type: 'member', member: 2, name: 'Bob' });
  return model;
};
const stroke = (model, id, member) => {
  model.apply({ type: 'begin', stroke: id, member, rgb: 0x102030, width: 4 });
  model.apply({ type: 'points', stroke: id, samples: [[8, 16, 0], [80, 160, 0]] });
  return model.apply({ type: 'end', stroke: id });
};

test('strokes are drawn while in progress and committed in the order they end', () => {
  const model = joined();
  assert.equal(model.apply({ type: 'begin', stroke: 5, member: 1, rgb: 0, width: 2 }), 'overlay');
  assert.equal(model.apply({ type: 'points', stroke: 5, samples: [[800, 400, 0]] }), 'overlay');
  assert.deepEqual(model.members.get(1), { name: 'Ann', x: 800, y: 400, seen: true }, 'the drawer\'s cursor follows its pen');
  assert.equal(stroke(model, 6, 2), 'commit');
  assert.equal(model.apply({ type: 'end', stroke: 5 }), 'commit');
  assert.deepEqual(model.strokes.map((s) => s.id), [6, 5]);
  assert.equal(model.active.size, 0);
});

test('remove, clear and compaction keep the stroke list what the server holds', () => {
  const model = joined();
  [1, 2, 3].forEach((id) => stroke(model, id, 1));
  assert.equal(model.apply({ type: 'remove', stroke: 2 }), 'repaint');
  assert.equal(model.apply({ type: 'remove', stroke: 2 }), 'none');
  assert.deepEqual(model.strokesUpTo(1).map((s) => s.id), [1]);
  const image = { painted: 'up to 1' };
  model.compact(1, image);
  assert.deepEqual(model.strokes.map((s) => s.id), [3]);
  assert.equal(model.snapshot, image);
  assert.equal(model.apply({ type: 'clear', member: 1 }), 'repaint');
  assert.equal(model.snapshot, null);
  assert.deepEqual(model.strokes, []);
});

test('unknown strokes and left members change nothing else', () => {
  const model = joined();
  assert.equal(model.apply({ type: 'points', stroke: 99, samples: [[1, 1, 0]] }), 'none');
  assert.equal(model.apply({ type: 'left', member: 1 }), 'members');
  assert.deepEqual([...model.members.keys()], [2]);
});

test('colours, pressure and painting calls', () => {
  assert.equal(cssColour(0x0000ff), '#0000ff');
  assert.equal(rgbOf('#10a0ff'), 0x10a0ff);
  assert.equal(segmentWidth(8, 0), 8);
  assert.equal(segmentWidth(8, 255), 8);
  assert.equal(segmentWidth(8, 1), 0.5);
  const calls = [];
  const ctx = new Proxy({}, { get: (t, k) => (k in t ? t[k] : (...a) => calls.push([k, ...a])), set: (t, k, v) => { t[k] = v; return true; } });
  paintStroke(ctx, { rgb: 0xff0000, width: 4, samples: [[0, 0, 0], [80, 8, 0]] });
  assert.deepEqual(calls, [['beginPath'], ['moveTo', 0, 0], ['lineTo', 10, 1], ['stroke']]);
  assert.equal(ctx.strokeStyle, '#ff0000');
});
