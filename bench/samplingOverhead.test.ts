import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanWithInterval, percent } from './samplingOverhead';

test('the interval is the mean ± t·s/√n, with t from the degrees of freedom', () => {
  // Ten values 0..9: mean 4.5, s = 3.0277; t(9) = 2.2622, so the half-width is 2.1659.
  const { mean, halfWidth } = meanWithInterval([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(mean, 4.5);
  assert.ok(Math.abs(halfWidth - 2.1659) < 0.005, String(halfWidth));
  // Thirty pairs, the bench's count: t(29) = 2.0452.
  const thirty = Array.from({ length: 30 }, (_, i) => (i % 2 ? 1 : -1));
  assert.ok(Math.abs(meanWithInterval(thirty).halfWidth - (2.0452 * Math.sqrt(30 / 29)) / Math.sqrt(30)) < 0.001);
  assert.equal(meanWithInterval([0.04]).halfWidth, Infinity);
});

test('a share prints with one decimal and never as -0.0%', () => {
  assert.equal(percent(0.0404), '4.0%');
  assert.equal(percent(-0.0004), '0.0%');
  assert.equal(percent(-0.124), '-12.4%');
});
