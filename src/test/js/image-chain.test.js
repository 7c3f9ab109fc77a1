import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultStep, readParameter } from '../../../webapp/js/image-chain.js';

const radius = { name: 'radius', type: 'integer', min: 1, max: 50, default: 3, description: 'r' };
const amount = { name: 'amount', type: 'number', min: 0.1, max: 5, default: 1, description: 'a' };
const direction = { name: 'direction', type: 'choice', choices: ['h', 'v'], default: 'h', description: 'd' };
const degrees = { name: 'degrees', type: 'integer', min: 90, max: 270, choices: ['90', '180', '270'], default: 90, description: 'd' };

test('parameters are read as the server expects them', () => {
  assert.equal(readParameter(radius, '7'), 7);
  assert.equal(readParameter(amount, ' 2.5 '), 2.5);
  assert.equal(readParameter(direction, 'v'), 'v');
  assert.equal(readParameter(degrees, '270'), 270, 'integers offered as a choice are still numbers');
  assert.equal(readParameter(radius, ''), 3, 'empty means the default');
  assert.equal(readParameter(radius, 'abc'), 'abc', 'nonsense goes to the server, which explains what is valid');
});

test('a new step takes every default', () => {
  assert.deepEqual(defaultStep({ op: 'blur', description: '', parameters: [radius] }), { op: 'blur', radius: 3 });
  assert.deepEqual(defaultStep({ op: 'grayscale', description: '', parameters: [] }), { op: 'grayscale' });
});
