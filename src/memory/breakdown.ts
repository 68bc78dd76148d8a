import type { MemorySample, RssBreakdown } from './types';

/**
 * Splits RSS into what V8 holds live, what it keeps committed but free, memory owned by JS
 * objects outside the heap, file-backed pages, and the rest: native allocations, where memory a
 * program freed but the allocator did not return to the OS shows up.
 */
export function rssBreakdown(sample: MemorySample): RssBreakdown {
  const rss = sample.rss;
  // Worker threads' heaps are V8 heap too, in the same RSS: counted before anything is called native.
  const workers = sample.workers ?? [];
  const workerUsed = sum(workers.map((w) => w.heapUsed));
  const workerCommitted = sum(workers.map((w) => Math.max(w.heapTotal, w.heapUsed)));
  // The heap as the OS sees it: committed pages that are physically backed.
  const heapResident = Math.min((sample.heapPhysical || sample.heapTotal) + workerCommitted, rss);
  const heapUsed = Math.min(liveHeap(sample), heapResident);
  const heapFree = heapResident - heapUsed;
  const fileBacked = sample.linux ? Math.min(sample.linux.rssFile + sample.linux.rssShmem, rss - heapResident) : 0;
  // External memory may be partly unresident or counted elsewhere; never let it exceed what is left.
  const external = Math.min(sample.external, Math.max(0, rss - heapResident - fileBacked));
  const native = Math.max(0, rss - heapResident - fileBacked - external);
  return {
    rss,
    heapUsed,
    ...(workers.length ? { workerHeapUsed: Math.min(workerUsed, heapUsed) } : {}),
    heapFree,
    external,
    fileBacked,
    native,
  };
}

/** Live objects in every V8 heap of the process at a reading: the main thread's and its workers'. */
export function liveHeap(sample: MemorySample): number {
  return sample.heapUsed + sum((sample.workers ?? []).map((w) => w.heapUsed));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
