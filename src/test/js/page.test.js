import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../webapp/js/backoff.js';
import { readyStateLabel, socketUrl } from '../../../webapp/js/endpoint.js';
import { imageType } from '../../../webapp/js/sniff.js';

test('socketUrl follows the page: ws for http, wss for https, any context root', () => {
  assert.equal(socketUrl('echo', new URL('http://localhost:8080/')), 'ws://localhost:8080/echo');
  assert.equal(socketUrl('echo', new URL('https://example.org/duplex/workbench.html#x')), 'wss://example.org/duplex/echo');
  assert.equal(socketUrl('image?op=invert', new URL('http://h/app/')), 'ws://h/app/image?op=invert');
});

test('readyStateLabel names the state and its number', () => {
  assert.equal(readyStateLabel(0), 'CONNECTING (0)');
  assert.equal(readyStateLabel(3), 'CLOSED (3)');
});

test('backoff doubles up to its ceiling, with jitter, and starts over after reset', () => {
  const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
  assert.deepEqual([low.next(), low.next(), low.next(), low.next(), low.next(), low.next()], [50, 100, 200, 400, 500, 500]);
  const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
  assert.deepEqual([high.next(), high.next(), high.next()], [100, 200, 400]);
  high.reset();
  assert.equal(high.next(), 100);
});

test('imageType recognises image formats by their magic numbers', () => {
  assert.equal(imageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'image/png');
  assert.equal(imageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(imageType(new TextEncoder().encode('GIF89a')), 'image/gif');
  assert.equal(imageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'image/webp');
  assert.equal(imageType(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt ')), null);
  assert.equal(imageType(new TextEncoder().encode('hello')), null);
  assert.equal(imageType(new Uint8Array([])), null);
});
