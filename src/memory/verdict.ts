import { formatBytes } from '../common/bytes';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { liveHeap, rssBreakdown } from './breakdown';
import type { MemorySample, MemoryVerdict } from './types';

const MiB = 1024 * 1024;

/** Least-squares slope of `values` per step, and how well a line fits them (r², 0…1). */
export function trend(values: number[]): { slope: number; r2: number } {
  const n = values.length;
  if (n < 2) return { slope: 0, r2: 0 };
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  values.forEach((y, x) => {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
    syy += (y - meanY) ** 2;
  });
  const slope = sxy / sxx;
  return { slope, r2: syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) };
}

/**
 * RSS and heap change between consecutive samples with no heap snapshot between them (the
 * target's own doing), and how many such steps there are. Samples that do not record snapshots
 * (taken by other means) are read as a leak check takes them: the baseline snapshot right after
 * the first sample, so that first step is left out once there are enough others.
 */
function ownGrowth(samples: MemorySample[]): { rssGrowth: number; heapChange: number; steps: number } {
  const recorded = samples.some((s) => s.snapshotsTaken !== undefined);
  let rssGrowth = 0;
  let heapChange = 0;
  let steps = 0;
  for (let i = 1; i < samples.length; i++) {
    const snapshotBetween = recorded
      ? (samples[i].snapshotsTaken ?? 0) !== (samples[i - 1].snapshotsTaken ?? 0)
      : i === 1 && samples.length >= 4;
    if (snapshotBetween) continue;
    rssGrowth += samples[i].rss - samples[i - 1].rss;
    heapChange += liveHeap(samples[i]) - liveHeap(samples[i - 1]);
    steps++;
  }
  return { rssGrowth, heapChange, steps };
}

/**
 * Whether the live heap grows across cycles: a steady climb (a line fits well) of more than a
 * small share of the heap per cycle. Warm-up is excluded by the caller (samples start at the baseline).
 */
export function heapGrowth(samples: MemorySample[]): { perCycle: number; steady: boolean } {
  // Every thread's heap: a worker's leak grows the process as much as the main thread's would.
  const used = samples.map(liveHeap);
  const { slope, r2 } = trend(used);
  const threshold = Math.max(256 * 1024, used[0] * 0.005);
  return { perCycle: slope, steady: samples.length >= 3 && slope > threshold && r2 >= 0.8 };
}

/**
 * The verdict in words, from memory samples taken after GC (the first at the baseline, then one
 * per cycle) and, when a leak check ran, whether the heap diff found retained growth.
 * In order: a leak (live objects grow); allocator retention (RSS high or growing while the
 * live heap is flat: freed memory the allocator keeps); V8 heap headroom; a high-water mark
 * that never goes down; or nothing to worry about.
 */
export function memoryVerdict(samples: MemorySample[], evidence: { retainedGrowth?: boolean } = {}): MemoryVerdict {
  if (samples.length === 0) throw new LeakscopeError(ErrorCode.Internal, 'memoryVerdict needs at least one sample.', false);
  const first = samples[0];
  const last = samples[samples.length - 1];
  const parts = rssBreakdown(last);
  const growth = heapGrowth(samples);
  const heapChange = liveHeap(last) - liveHeap(first);
  const inWorkers = workersShare(last, parts.workerHeapUsed);

  if (evidence.retainedGrowth || (evidence.retainedGrowth === undefined && growth.steady)) {
    return {
      kind: 'leak',
      summary: `Live objects grow: the V8 heap after GC went from ${formatBytes(liveHeap(first))} to ${formatBytes(liveHeap(last))}${inWorkers} over ${samples.length - 1} cycles (${formatBytes(growth.perCycle)} per cycle). Memory that is still referenced cannot be freed.`,
      advice: 'See the findings for what holds the growth and the line that allocates it.',
    };
  }

  // One reading (leakscope memory): a large native share is the evidence. Across a leak check the
  // target's allocator also keeps what our own heap snapshots used and freed, so only a climb counts.
  const nativeHeavy = samples.length < 3 && parts.native >= Math.max(64 * MiB, parts.rss * 0.4);
  // A heap snapshot costs the target native memory (~50 MB) its allocator then keeps: RSS
  // steps between samples with a snapshot between them are the check's footprint, not the target's.
  const own = ownGrowth(samples);
  const seriesRssGrowth = own.rssGrowth;
  const seriesHeapChange = own.heapChange;
  const rssClimbsHeapFlat = own.steps >= 2 && seriesRssGrowth > Math.max(32 * MiB, 4 * Math.max(0, seriesHeapChange) + 16 * MiB);
  if (nativeHeavy || rssClimbsHeapFlat) {
    const why = rssClimbsHeapFlat
      ? `RSS grew by ${formatBytes(seriesRssGrowth)} while the live V8 heap stayed at ${formatBytes(liveHeap(last))}${inWorkers}`
      : `${formatBytes(parts.native)} of the ${formatBytes(parts.rss)} RSS is native memory outside the V8 heap (live heap ${formatBytes(parts.heapUsed)}${inWorkers}, Buffers and other external memory ${formatBytes(parts.external)})`;
    return {
      kind: 'allocator-retention',
      summary: `${why}. That is most likely memory the program already freed which the allocator (glibc malloc) keeps for reuse instead of returning it to the OS, not a leak of JS objects.`,
      advice:
        'Cap malloc arenas with MALLOC_ARENA_MAX=2, or run with jemalloc (LD_PRELOAD=libjemalloc.so.2); if RSS keeps climbing under a steady load, look for a native addon that leaks.',
    };
  }

  if (parts.heapFree >= Math.max(32 * MiB, parts.rss * 0.3)) {
    return {
      kind: 'heap-headroom',
      summary: `V8 keeps ${formatBytes(parts.heapFree)} of heap pages committed but empty (live objects use ${formatBytes(parts.heapUsed)}${inWorkers}). It reuses them for new objects and gives them back over time; this is headroom, not a leak.`,
      advice: 'If the headroom matters (a tight container limit), lower --max-semi-space-size or --max-old-space-size.',
    };
  }

  if (last.maxRss >= Math.max(last.rss * 1.25, last.rss + 32 * MiB)) {
    return {
      kind: 'high-water-mark',
      summary: `Peak RSS (${formatBytes(last.maxRss)}) is a high-water mark: it records the most the process ever used and never goes down. Current RSS is ${formatBytes(last.rss)}, so the memory was given back.`,
    };
  }

  if (samples.length === 1) {
    return {
      kind: 'undetermined',
      summary: `One reading cannot tell whether memory grows: RSS is ${formatBytes(last.rss)} now, of which the live V8 heap is ${formatBytes(parts.heapUsed)}${inWorkers}, and nothing in it points at a problem by itself.`,
      advice: 'Read it several times under load (leakscope memory --samples 6 --interval 10), or run a leak check.',
    };
  }

  return {
    kind: 'no-leak',
    summary: `Memory is stable: RSS ${formatBytes(last.rss)}, of which the live V8 heap is ${formatBytes(parts.heapUsed)}${inWorkers}${samples.length > 1 ? `, changing by ${formatBytes(heapChange)} over ${samples.length - 1} cycles` : ''}.`,
  };
}

/** ` (of which 40 MB in 2 worker threads)`, when the process has workers. */
function workersShare(sample: MemorySample, workerHeapUsed: number | undefined): string {
  const count = sample.workers?.length ?? 0;
  if (count === 0 || workerHeapUsed === undefined) return '';
  return ` (of which ${formatBytes(workerHeapUsed)} in ${count === 1 ? 'one worker thread' : `${count} worker threads`})`;
}
