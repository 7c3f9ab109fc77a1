import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultStep, parameterProblem, readParameter } from '../../../webapp/js/image-chain.js';

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

test('parameterProblem refuses what the server would refuse, before sending', () => {
  const radius = { name: 'radius', type: 'integer', min: 0, max: 50, default: 2, description: 'blur radius' };
  const factor = { name: 'factor', type: 'number', min: 0.1, max: 4, default: 1, description: 'scale' };
  const mode = { name: 'mode', type: 'choice', choices: ['fit', 'fill'], default: 'fit', description: 'how' };
  assert.equal(parameterProblem(radius, '999'), 'radius must be between 0 and 50, not 999');
  assert.equal(parameterProblem(radius, '-1'), 'radius must be between 0 and 50, not -1');
  assert.equal(parameterProblem(radius, '2.5'), 'radius must be a whole number (0–50)');
  assert.equal(parameterProblem(radius, 'abc'), 'radius must be a number (0–50)');
  assert.equal(parameterProblem(radius, '50'), null);
  assert.equal(parameterProblem(radius, ''), null, 'empty means the default');
  assert.equal(parameterProblem(factor, '0.5'), null);
  assert.equal(parameterProblem(factor, '5'), 'factor must be between 0.1 and 4, not 5');
  assert.equal(parameterProblem(mode, 'fill'), null);
  assert.equal(parameterProblem(mode, 'stretch'), 'mode must be one of fit, fill');
});
