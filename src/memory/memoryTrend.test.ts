import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryTrend, parseDuration } from './memoryTrend';

const MB = 1024 * 1024;

test('steady growth under noise is sustained; noise alone is not', () => {
  const noise = [3, -2, 4, -5, 1, 0, -3, 2, 5, -1];
  const growing = noise.map((e, i) => ({ at: i * 60_000, value: 100 * MB + i * 2 * MB + e * 100_000 }));
  const t = memoryTrend(growing);
  assert.equal(t.sustained, true);
  assert.ok(Math.abs(t.slopePerHour - 120 * MB) < 5 * MB, String(t.slopePerHour));
  const flat = noise.map((e, i) => ({ at: i * 60_000, value: 100 * MB + e * MB }));
  assert.equal(memoryTrend(flat).sustained, false);
  assert.equal(memoryTrend(growing.slice(0, 4)).sustained, false, 'too few readings');
});

test('durations', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('1.5m'), 90_000);
  assert.equal(parseDuration('soon'), undefined);
});
