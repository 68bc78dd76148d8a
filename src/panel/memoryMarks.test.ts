import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemorySample } from '../memory/types';
import { memoryMarks } from './memoryMarks';

const sample = (at: number, label: string): MemorySample =>
  ({ at, label, rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, maxRss: 0 }) as MemorySample;
const samples = [sample(1, 'baseline'), sample(2, 'cycle 1'), sample(3, 'cycle 2'), sample(4, 'cycle 3'), sample(5, 'cycle 4')];

test('a running check marks its baseline snapshot and each cleanup', () => {
  assert.deepEqual(memoryMarks(samples.slice(0, 3), { cleanup: true, ended: false }), [
    { at: 1, kind: 'snapshot', label: 'baseline snapshot' },
    { at: 2, kind: 'cleanup', label: 'cleanup, cycle 1' },
    { at: 3, kind: 'cleanup', label: 'cleanup, cycle 2' },
  ]);
  assert.deepEqual(memoryMarks(samples.slice(0, 3), { cleanup: false, ended: false }), [
    { at: 1, kind: 'snapshot', label: 'baseline snapshot' },
  ]);
});

test("an ended check's chart marks the mid and after snapshots too", () => {
  assert.deepEqual(memoryMarks(samples, { cleanup: false, midCycle: 2, ended: true }), [
    { at: 1, kind: 'snapshot', label: 'baseline snapshot' },
    { at: 3, kind: 'snapshot', label: 'mid snapshot' },
    { at: 5, kind: 'snapshot', label: 'after snapshot' },
  ]);
});
