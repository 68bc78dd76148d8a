import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rssBreakdown } from './breakdown';
import type { MemorySample } from './types';
import { memoryVerdict, trend } from './verdict';

const MB = 1024 * 1024;

function sample(over: Partial<MemorySample> & { rssFile?: number }): MemorySample {
  const { rssFile = 40 * MB, ...rest } = over;
  const base: MemorySample = {
    at: 0,
    rss: 150 * MB,
    heapTotal: 60 * MB,
    heapUsed: 50 * MB,
    external: 5 * MB,
    arrayBuffers: 2 * MB,
    maxRss: 150 * MB,
    heapPhysical: 60 * MB,
    heapSizeLimit: 4096 * MB,
    spaces: [],
    linux: { rssAnon: 110 * MB, rssFile, rssShmem: 0, vmHwm: 150 * MB, vmSwap: 0 },
  };
  return { ...base, ...rest };
}

test('the breakdown adds up to RSS', () => {
  const b = rssBreakdown(sample({}));
  assert.deepEqual(b, { rss: 150 * MB, heapUsed: 50 * MB, heapFree: 10 * MB, external: 5 * MB, fileBacked: 40 * MB, native: 45 * MB });
  assert.equal(b.heapUsed + b.heapFree + b.external + b.fileBacked + b.native, b.rss);
  // Numbers that do not add up (sampled at different instants) never go negative.
  const odd = rssBreakdown(sample({ rss: 50 * MB, heapPhysical: 60 * MB }));
  assert.ok(Object.values(odd).every((v) => v >= 0));
});

test('a live heap that climbs every cycle is a leak', () => {
  const cycles = [50, 54, 58, 62, 66, 70].map((h) =>
    sample({ heapUsed: h * MB, heapTotal: (h + 10) * MB, heapPhysical: (h + 10) * MB, rss: (h + 100) * MB }),
  );
  const v = memoryVerdict(cycles);
  assert.equal(v.kind, 'leak');
  assert.match(v.summary, /per cycle/);
});

test('noise around a flat heap is not a leak', () => {
  const cycles = [50, 51.5, 49.8, 50.6, 50.1, 50.9].map((h) => sample({ heapUsed: h * MB }));
  assert.equal(memoryVerdict(cycles).kind, 'no-leak');
});

test('RSS that climbs while the heap stays flat is allocator retention, not a leak', () => {
  const cycles = [150, 190, 230, 270].map((r) => sample({ rss: r * MB, maxRss: r * MB }));
  const v = memoryVerdict(cycles);
  assert.equal(v.kind, 'allocator-retention');
  assert.match(v.advice ?? '', /MALLOC_ARENA_MAX/);
});

test('a large native share after freeing Buffers is allocator retention', () => {
  const v = memoryVerdict([sample({ rss: 600 * MB, maxRss: 900 * MB })]);
  assert.equal(v.kind, 'allocator-retention');
  assert.match(v.summary, /native memory outside the V8 heap/);
});

test('empty committed heap pages are headroom', () => {
  assert.equal(memoryVerdict([sample({ heapTotal: 160 * MB, heapPhysical: 160 * MB, rss: 260 * MB })]).kind, 'heap-headroom');
});

test('a peak far above the current RSS is a high-water mark', () => {
  const v = memoryVerdict([sample({ maxRss: 400 * MB })]);
  assert.equal(v.kind, 'high-water-mark');
  assert.match(v.summary, /never goes down/);
});

test('heap diff evidence decides the leak question when a leak check ran', () => {
  const flat = [sample({}), sample({}), sample({})];
  assert.equal(memoryVerdict(flat, { retainedGrowth: true }).kind, 'leak');
  const climbing = [50, 60, 70].map((h) => sample({ heapUsed: h * MB }));
  assert.notEqual(memoryVerdict(climbing, { retainedGrowth: false }).kind, 'leak');
});

test('trend fits a line', () => {
  assert.deepEqual(trend([1, 3, 5, 7]), { slope: 2, r2: 1 });
  assert.equal(trend([5]).slope, 0);
});

test('an RSS jump right after the baseline sample (the snapshot costs the target memory) is not allocator retention', () => {
  const cycles = [52, 88, 88.5, 89, 89.5].map((r) =>
    sample({ rss: r * MB, maxRss: r * MB, heapTotal: 20 * MB, heapPhysical: 20 * MB, heapUsed: 15 * MB }),
  );
  assert.equal(memoryVerdict(cycles).kind, 'no-leak');
});

test('one reading cannot tell growth, so it never says memory is stable', () => {
  const v = memoryVerdict([sample({})]);
  assert.equal(v.kind, 'undetermined');
  assert.match(v.summary, /One reading cannot tell/);
  assert.doesNotMatch(v.summary, /stable/);
});

test("RSS steps across the check's own snapshots are its footprint, not allocator retention", () => {
  // --cycles 2: the baseline snapshot sits between the first two samples, the mid one between the last two.
  const rss = [60, 110, 160];
  const cycles = rss.map((r, i) =>
    sample({ rss: r * MB, maxRss: r * MB, heapTotal: 20 * MB, heapPhysical: 20 * MB, heapUsed: 15 * MB, snapshotsTaken: i + 1 }),
  );
  assert.notEqual(memoryVerdict(cycles).kind, 'allocator-retention');
  // The same climb with no snapshot between the samples is the target's own.
  const unsnapped = rss.map((r) =>
    sample({ rss: r * MB, maxRss: r * MB, heapTotal: 20 * MB, heapPhysical: 20 * MB, heapUsed: 15 * MB, snapshotsTaken: 1 }),
  );
  assert.equal(memoryVerdict(unsnapped).kind, 'allocator-retention');
});

test("a worker thread's heap is V8 heap: RSS that climbs with it is the worker's live objects, not the allocator", () => {
  // The main thread's heap is flat; a worker's grows 20 MB a cycle, and RSS with it.
  const cycles = [0, 1, 2, 3, 4, 5].map((i) =>
    sample({
      rss: (150 + 22 * i) * MB,
      workers: [{ id: 1, title: '[worker 1]', url: 'file:///app/worker.js', heapUsed: (10 + 20 * i) * MB, heapTotal: (14 + 20 * i) * MB }],
    }),
  );
  const v = memoryVerdict(cycles);
  assert.equal(v.kind, 'leak', v.summary);
  assert.match(v.summary, /of which 115 MB in one worker thread/);
  const b = rssBreakdown(cycles[5]);
  assert.equal(b.heapUsed, 160 * MB);
  assert.equal(b.workerHeapUsed, 110 * MB);
  assert.equal(b.heapUsed + b.heapFree + b.external + b.fileBacked + b.native, b.rss);
  // Without the worker's heap, the same RSS would have been called the allocator's.
  assert.equal(memoryVerdict(cycles.map(({ workers: _, ...s }) => s)).kind, 'allocator-retention');
});
