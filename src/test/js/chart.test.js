import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceMax, rates } from '../../../webapp/js/chart.js';

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
