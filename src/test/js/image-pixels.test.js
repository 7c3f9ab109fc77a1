import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithGrayscale, countDifferentPixels, fitWithin, luma, sameBytes } from '../../../webapp/js/image-pixels.js';

test('luma uses the same Rec. 601 weights as the server', () => {
  assert.equal(luma(255, 0, 0), 76);
  assert.equal(luma(0, 255, 0), 150);
  assert.equal(luma(0, 0, 255), 29);
  assert.equal(luma(255, 255, 255), 255);
  assert.equal(luma(0, 0, 0), 0);
});

test('compareWithGrayscale measures how far a result is from the gray of its source', () => {
  const source = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255]);
  assert.deepEqual(compareWithGrayscale(source, new Uint8ClampedArray([76, 76, 76, 255, 150, 150, 150, 255])),
    { maxDifference: 0, notGray: 0 });
  assert.deepEqual(compareWithGrayscale(source, new Uint8ClampedArray([78, 78, 78, 255, 150, 151, 150, 255])),
    { maxDifference: 2, notGray: 1 });
  assert.throws(() => compareWithGrayscale(source, new Uint8ClampedArray(4)), /differ in size/);
});

test('countDifferentPixels counts pixels, not channels', () => {
  const a = new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(countDifferentPixels(a, new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8])), 0);
  assert.equal(countDifferentPixels(a, new Uint8ClampedArray([9, 9, 3, 4, 5, 6, 7, 9])), 2);
  assert.equal(countDifferentPixels(a, new Uint8ClampedArray(4)), Infinity);
});

test('sameBytes compares length and content', () => {
  assert.equal(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
  assert.equal(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
  assert.equal(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), false);
});

test('fitWithin scales to fit the box, keeps the aspect ratio and centres', () => {
  assert.deepEqual(fitWithin(1920, 1080, 512, 384), { x: 0, y: 48, width: 512, height: 288 });
  assert.deepEqual(fitWithin(100, 400, 512, 384), { x: 208, y: 0, width: 96, height: 384 });
  assert.deepEqual(fitWithin(10, 10, 512, 384), { x: 64, y: 0, width: 384, height: 384 }, 'small images are scaled up');
});
