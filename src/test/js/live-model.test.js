import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGED_AFTER_MS, LatencyWindow, LiveModel, dataAge, RateCounter, direction, filterTerms, formatField, formatMs, percentile, visibleSymbols,
} from '../../../webapp/js/live-model.js';

const ACME = { item: 'ACME', seq: 17, ts: 1796112000123456, fields: { last: 101.23, bid: 101.2, ask: 101.26, change: 0.5 } };

test('a snapshot fills the model without flashing; updates flash up or down, only the fields that moved', () => {
  const model = new LiveModel();
  model.snapshot('stocks', [ACME, { item: 'BOLT', seq: 3, ts: 1, fields: { last: 9 } }]);
  let { fresh, changed } = model.takeDirty();
  assert.deepEqual(fresh.map((s) => s.item), ['ACME', 'BOLT']);
  assert.deepEqual([...changed[0].fields], [['last', 'set'], ['bid', 'set'], ['ask', 'set'], ['change', 'set']]);
  assert.equal(model.items('stocks').get('ACME').fields.last, 101.23);

  assert.equal(model.update('stocks', { item: 'ACME', seq: 18, ts: ACME.ts + 500, conflated: 0, fields: { last: 101.25, bid: 101.1, ask: 101.26 } }, 1000), true);
  assert.equal(model.update('stocks', { item: 'ACME', seq: 19, ts: ACME.ts + 900, conflated: 3, fields: { change: 0.5 } }, 1000), true);
  ({ fresh, changed } = model.takeDirty());
  assert.deepEqual(fresh, []);
  assert.equal(changed.length, 1, 'one entry per item, however many updates it had');
  assert.deepEqual([...changed[0].fields], [['last', 'up'], ['bid', 'down']], 'an unchanged value (ask, change) does not flash');
  assert.equal(changed[0].state.seq, 19);
  assert.deepEqual(model.takeDirty().changed, [], 'taken once');
  assert.equal(model.updates, 2);
  assert.equal(model.conflated, 3);
});

test('stale updates are skipped; a new item appears; texts change without a direction', () => {
  const model = new LiveModel();
  model.snapshot('weather', [{ item: 'berlin', seq: 5, ts: 1, fields: { temperature: 4.5, conditions: 'rain' } }]);
  model.takeDirty();
  assert.equal(model.update('weather', { item: 'berlin', seq: 5, ts: 2, conflated: 0, fields: { temperature: 9 } }, 0), false);
  assert.equal(model.stale, 1);
  assert.equal(model.items('weather').get('berlin').fields.temperature, 4.5);
  model.update('weather', { item: 'berlin', seq: 6, ts: 3, conflated: 0, fields: { conditions: 'snow' } }, 0);
  model.update('weather', { item: 'oslo', seq: 1, ts: 3, conflated: 0, fields: { temperature: -2 } }, 0);
  const { fresh, changed } = model.takeDirty();
  assert.deepEqual(fresh.map((s) => s.item), ['oslo']);
  assert.deepEqual(changed.map((c) => [c.state.item, [...c.fields]]), [['berlin', [['conditions', 'set']]], ['oslo', [['temperature', 'set']]]]);
  model.forget('weather');
  assert.equal(model.items('weather').size, 0);
});

test('direction compares numbers; anything else is set', () => {
  assert.equal(direction(1, 2), 'up');
  assert.equal(direction(2, 1), 'down');
  assert.equal(direction(2, 2), 'same');
  assert.equal(direction(undefined, 2), 'set');
  assert.equal(direction('rain', 'snow'), 'set');
});

test('the history keeps the last N prices, oldest first', () => {
  const model = new LiveModel({ historyLength: 3 });
  model.snapshot('stocks', [{ item: 'X', seq: 1, ts: 0, fields: { last: 1 } }]);
  [2, 3, 4].forEach((last, i) => model.update('stocks', { item: 'X', seq: i + 2, ts: 0, conflated: 0, fields: { last } }, 0));
  model.update('stocks', { item: 'X', seq: 9, ts: 0, conflated: 0, fields: { bid: 1 } }, 0);
  assert.deepEqual(model.items('stocks').get('X').historyValues(), [2, 3, 4]);
});

test('percentiles by nearest rank', () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('latency percentiles come from the paint time minus the publication time, over a sliding window', () => {
  const model = new LiveModel({ latencyWindowMs: 1000 });
  model.snapshot('stocks', [{ item: 'X', seq: 1, ts: 0, fields: { last: 1 } }]);
  const published = 1_700_000_000_000; // ms
  for (let i = 1; i <= 100; i += 1) {
    model.update('stocks', { item: 'X', seq: i + 1, ts: (published - i) * 1000, conflated: 0, fields: { last: i } }, 0);
  }
  model.painted(published, 0); // latencies 1..100 ms
  assert.deepEqual(model.figures(500), { rate: model.rate.rate(500), updates: 100, conflated: 0, p50: 50, p99: 99, samples: 100 });
  model.painted(published, 600);
  assert.equal(model.figures(600).samples, 100, 'nothing pending: nothing added');
  assert.equal(model.figures(1001).samples, 0, 'all older than the window');
  assert.ok(Number.isNaN(model.figures(1001).p50));
});

test('the latency window keeps at most its capacity, the newest', () => {
  const window = new LatencyWindow({ windowMs: 10_000, capacity: 4 });
  [1, 2, 3, 4, 5, 6].forEach((v) => window.add(v, 0));
  assert.deepEqual(window.summary(0), { count: 4, p50: 4, p99: 6 });
});

test('the rate counts per second over the window and forgets what fell out', () => {
  const rate = new RateCounter({ windowMs: 1000, bucketMs: 250 });
  for (let t = 0; t < 1000; t += 10) rate.add(1, t); // 100 in one second
  assert.equal(rate.rate(999), 100);
  assert.equal(rate.rate(1100), 75, 'the first quarter fell out');
  assert.equal(rate.rate(5000), 0);
  assert.equal(rate.total, 100);
  rate.add(3, 5000);
  assert.equal(rate.rate(5000), 3);
});

test('pending latencies are bounded while no frame is painted (a hidden tab)', () => {
  const model = new LiveModel({ maxPending: 10 });
  model.snapshot('stocks', [{ item: 'X', seq: 1, ts: 0, fields: { last: 1 } }]);
  for (let i = 0; i < 50; i += 1) model.update('stocks', { item: 'X', seq: i + 2, ts: 1000, conflated: 0, fields: { last: i + 2 } }, 0);
  model.painted(2, 0);
  assert.equal(model.figures(0).samples, 10);
  assert.equal(model.figures(0).updates, 50);
});

test('the filter shows symbols starting with any of its terms, up to the limit', () => {
  const symbols = ['ACME', 'ACRE', 'BOLT', 'CORE', 'DYNA'];
  assert.deepEqual([...visibleSymbols(symbols, '', 0)], symbols);
  assert.deepEqual([...visibleSymbols(symbols, '', 2)], ['ACME', 'ACRE']);
  assert.deepEqual([...visibleSymbols(symbols, 'ac', 0)], ['ACME', 'ACRE']);
  assert.deepEqual([...visibleSymbols(symbols, ' bolt, dy ', 0)], ['BOLT', 'DYNA']);
  assert.deepEqual([...visibleSymbols(symbols, 'zz', 0)], []);
  assert.deepEqual(filterTerms('a;b  c,'), ['A', 'B', 'C']);
});

test('fields read as a trader or a forecast would', () => {
  assert.equal(formatField('stocks', 'last', 101.2), '101.20');
  assert.equal(formatField('stocks', 'change', -0.456), '−0.46');
  assert.equal(formatField('stocks', 'change', 1.5), '+1.50');
  assert.equal(formatField('stocks', 'volume', 1234567), '1,234,567');
  assert.equal(formatField('weather', 'temperature', -2.25), '-2.3 °C'.replace('-2.3', (-2.25).toFixed(1)));
  assert.equal(formatField('weather', 'conditions', 'light rain'), 'light rain');
  assert.equal(formatField('weather', 'dew', 3), '3');
  assert.equal(formatField('stocks', 'last', undefined), '–');
  assert.equal(formatMs(3.456), '3.5 ms');
  assert.equal(formatMs(123.6), '124 ms');
  assert.equal(formatMs(NaN), '–');
});

test('weather readings carry the simulator units', () => {
  assert.equal(formatField('weather', 'pressure', 1013.25), '1013.3 hPa');
  assert.equal(formatField('weather', 'wind', 12), '12.0 km/h');
  assert.equal(formatField('weather', 'humidity', 61), '61 %');
});

test('dataAge gives the oldest shown value and the items past the threshold, from ts in microseconds', () => {
  const model = new LiveModel();
  model.snapshot('stocks', [
    { item: 'S000', seq: 1, ts: 10_000_000, fields: { last: 1 } },
    { item: 'S001', seq: 1, ts: 12_500_000, fields: { last: 2 } },
  ]);
  const states = [...model.items('stocks').values()];
  const { oldestMs, aged } = dataAge(states, 13_000);
  assert.equal(oldestMs, 3000);
  assert.deepEqual([...aged].map((s) => s.item), ['S000'], 'older than AGED_AFTER_MS only');
  assert.equal(AGED_AFTER_MS, 2000);
  model.update('stocks', { item: 'S000', seq: 2, ts: 12_900_000, conflated: 3, fields: { last: 1.5 } }, 13_000);
  assert.equal(dataAge(states, 13_000).aged.size, 0, 'an update makes it current again');
  assert.ok(Number.isNaN(dataAge([], 13_000).oldestMs));
});
