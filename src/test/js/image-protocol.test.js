import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  configureMessage, describeError, describeMessage, describeStep, parseReply, ReplyPairer,
} from '../../../webapp/js/image-protocol.js';

test('control messages have the shapes the server reads', () => {
  assert.deepEqual(JSON.parse(configureMessage([{ op: 'blur', radius: 3 }, { op: 'grayscale' }], 'jpeg', 0.8)),
    { type: 'configure', ops: [{ op: 'blur', radius: 3 }, { op: 'grayscale' }], format: 'jpeg', quality: 0.8 });
  assert.deepEqual(JSON.parse(describeMessage()), { type: 'describe' });
});

test('parseReply takes the four replies and refuses anything else', () => {
  assert.equal(parseReply('{"type":"configured","ops":[],"format":"png","quality":0.9}').type, 'configured');
  assert.equal(parseReply('{"type":"error","code":"busy","message":"later","valid":[]}').code, 'busy');
  assert.throws(() => parseReply('not json'), /not JSON/);
  assert.throws(() => parseReply('{"type":"hello"}'), /unknown message/);
  assert.throws(() => parseReply('[1]'), /unknown message/);
  assert.throws(() => parseReply('{"type":"result","seq":1}'), /without seq, width or ops/);
  assert.throws(() => parseReply('{"type":"error","code":"x"}'), /without a message/);
});

test('a result is paired with the binary message after it', () => {
  const pairer = new ReplyPairer();
  const result = { type: 'result', seq: 1, ops: [{ op: 'echo' }], width: 2, height: 1 };
  assert.equal(pairer.accept(JSON.stringify(result)), null, 'waits for the image');
  const image = new Uint8Array([1, 2, 3]).buffer;
  const done = pairer.accept(image);
  assert.equal(done.kind, 'result');
  assert.equal(done.result.seq, 1);
  assert.equal(done.image, image);
  assert.equal(pairer.accept('{"type":"error","seq":2,"code":"not-an-image","message":"no","valid":[]}').kind, 'error');
  assert.equal(pairer.accept('{"type":"configured","ops":[],"format":"png","quality":0.9}').kind, 'configured');
});

test('out-of-protocol sequences are reported, not thrown', () => {
  const pairer = new ReplyPairer();
  assert.match(pairer.accept(new ArrayBuffer(4)).problem, /4 bytes came without a result/);
  pairer.accept('{"type":"result","seq":5,"ops":[],"width":1,"height":1}');
  assert.match(pairer.accept('{"type":"configured","ops":[],"format":"png","quality":0.9}').problem, /Result 5 came without its image/);
  pairer.accept('{"type":"result","seq":6,"ops":[],"width":1,"height":1}');
  pairer.reset();
  assert.match(pairer.accept(new ArrayBuffer(1)).problem, /without a result/, 'reset forgets the waiting result');
  assert.equal(pairer.accept('garbage').kind, 'protocol');
});

test('steps and errors read well', () => {
  assert.equal(describeStep({ op: 'grayscale' }), 'grayscale');
  assert.equal(describeStep({ op: 'resize', maxWidth: 640, maxHeight: 800 }), 'resize (maxWidth 640, maxHeight 800)');
  assert.equal(describeError({ type: 'error', seq: 3, code: 'too-many-pixels', message: 'Too big.', valid: [] }),
    'Image 3: Too big. [too-many-pixels]');
  assert.equal(describeError({ type: 'error', code: 'unknown-operation', message: "Unknown operation 'x'", valid: ['echo', 'blur'] }),
    "Unknown operation 'x' [unknown-operation] Valid: echo; blur.");
});
