import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NeverCancelled } from '../common/cancellation';
import { settleHeap, settlingNote } from './settleHeap';

/** A heap that gives back `drops` one reading at a time, then stays. */
function heap(start: number, drops: number[]) {
  let used = start;
  let collections = 0;
  return {
    collect: async () => {
      used -= drops[collections++] ?? 0;
    },
    heapUsed: async () => used,
    get collections() {
      return collections;
    },
  };
}

test('a heap that stops falling settles at the first quiet reading', async () => {
  const h = heap(10_000_000, [2_000_000, 500_000, 1_000]);
  const s = await settleHeap(h.collect, h.heapUsed, { intervalMs: 1, maxMs: 1000, token: NeverCancelled });
  assert.equal(s.settled, true);
  assert.equal(h.collections, 3);
  assert.equal(s.freed, 2_501_000);
  assert.equal(settlingNote(s), undefined);
});

test('a heap still falling at the bound is said to be draining', async () => {
  const h = heap(100_000_000, new Array<number>(1000).fill(1_000_000));
  const s = await settleHeap(h.collect, h.heapUsed, { intervalMs: 5, maxMs: 30, token: NeverCancelled });
  assert.equal(s.settled, false);
  assert.ok(s.waitedMs >= 30);
  assert.match(settlingNote(s) ?? '', /still falling \(\d+(\.\d+)? MB freed in \d\.\d s\)/);
});

test('a small heap counts a few kB of garbage as quiet, a big one a proportionally larger amount', async () => {
  const small = heap(5_000_000, [10_000, 0]);
  assert.equal((await settleHeap(small.collect, small.heapUsed, { intervalMs: 1, token: NeverCancelled })).settled, true);
  assert.equal(small.collections, 1);
  const big = heap(2_000_000_000, [1_500_000, 0]);
  await settleHeap(big.collect, big.heapUsed, { intervalMs: 1, token: NeverCancelled });
  assert.equal(big.collections, 1);
});
