import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceMax, rates, timeTicks } from '../../../webapp/js/chart.js';

test('niceMax rounds up to a readable axis maximum', () => {
  assert.equal(niceMax(0), 0);
  assert.equal(niceMax(7), 10);
  assert.equal(niceMax(13), 20);
  assert.equal(niceMax(230), 250);
  assert.equal(niceMax(4100), 5000);
  assert.equal(niceMax(1000), 1000);
});

test('rates turns running totals into per-second rates', () => {
  const samples = [
    { time: 0, messagesIn: 0 },
    { time: 1000, messagesIn: 500 },
    { time: 3000, messagesIn: 1500 },
    { time: 4000, messagesIn: 10 },
  ];
  assert.deepEqual(rates(samples, 'messagesIn'), [500, 500, 0]);
  assert.deepEqual(rates([], 'messagesIn'), []);
});

test('timeTicks spaces the time axis labels so that they never overlap', () => {
  // ten minutes on a phone's 300 px axis: 45 px labels need a step of 2 minutes
  assert.deepEqual(timeTicks(600, 300, 45), [0, 120, 240, 360, 480, 600]);
  // the same span on a 600 px axis: every minute
  assert.deepEqual(timeTicks(600, 600, 45), [0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600]);
  // a short span: 5 s steps
  assert.deepEqual(timeTicks(20, 300, 45), [0, 5, 10, 15, 20]);
  for (const [span, width] of [[540, 296], [600, 200], [90, 320], [3600, 1000]]) {
    const ticks = timeTicks(span, width, 45);
    const px = ((ticks[1] - ticks[0]) / span) * width;
    assert.ok(px >= 45, `${span} s on ${width} px: labels ${px} px apart`);
  }
  assert.deepEqual(timeTicks(0, 300, 45), [0]);
});
