import type { MemorySample, RssBreakdown } from './types';

/**
 * Splits RSS into what V8 holds live, what it keeps committed but free, memory owned by JS
 * objects outside the heap, file-backed pages, and the rest: native allocations, where memory a
 * program freed but the allocator did not return to the OS shows up.
 */
export function rssBreakdown(sample: MemorySample): RssBreakdown {
  const rss = sample.rss;
  // The heap as the OS sees it: committed pages that are physically backed.
  const heapResident = Math.min(sample.heapPhysical || sample.heapTotal, rss);
  const heapUsed = Math.min(sample.heapUsed, heapResident);
  const heapFree = heapResident - heapUsed;
  const fileBacked = sample.linux ? Math.min(sample.linux.rssFile + sample.linux.rssShmem, rss - heapResident) : 0;
  // External memory may be partly unresident or counted elsewhere; never let it exceed what is left.
  const external = Math.min(sample.external, Math.max(0, rss - heapResident - fileBacked));
  const native = Math.max(0, rss - heapResident - fileBacked - external);
  return { rss, heapUsed, heapFree, external, fileBacked, native };
}
