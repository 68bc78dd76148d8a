import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { linuxMemory } from '../memory/procParsers';
import type { MemorySample } from '../memory/types';

const FIELDS = ['at', 'rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers', 'maxRss', 'heapPhysical', 'heapSizeLimit'] as const;
const LINUX = ['rssAnon', 'rssFile', 'rssShmem', 'vmHwm', 'vmSwap', 'pss', 'privateDirty'] as const;
const SPACE = ['size', 'used', 'available', 'physical'] as const;

/**
 * Memory samples of this process, one per iteration, kept in a typed array allocated before the
 * baseline. The samples live in the heap being checked: as objects, one more per iteration,
 * they would be a steady growth of their own, and checkLeaks would report its own bookkeeping.
 */
export class MemoryRecorder {
  private readonly spaces = getHeapSpaceStatistics().map((s) => s.space_name);
  private readonly width = FIELDS.length + 1 + LINUX.length + this.spaces.length * SPACE.length;
  private readonly values: Float64Array;
  private count = 0;

  constructor(private readonly capacity: number) {
    this.values = new Float64Array(capacity * this.width).fill(NaN);
  }

  record(): void {
    if (this.count >= this.capacity) return;
    const row = this.count++ * this.width;
    const memory = process.memoryUsage();
    const heap = getHeapStatistics();
    const linux = process.platform === 'linux' ? linuxMemory(read('/proc/self/status'), read('/proc/self/smaps_rollup')) : undefined;
    const top = [
      Date.now(),
      memory.rss,
      memory.heapTotal,
      memory.heapUsed,
      memory.external,
      memory.arrayBuffers,
      Math.max(process.resourceUsage().maxRSS * 1024, linux?.vmHwm ?? 0),
      heap.total_physical_size,
      heap.heap_size_limit,
    ];
    top.forEach((v, i) => (this.values[row + i] = v));
    let at = row + FIELDS.length;
    this.values[at++] = linux ? 1 : 0;
    for (const key of LINUX) this.values[at++] = linux?.[key] ?? NaN;
    const byName = new Map(getHeapSpaceStatistics().map((s) => [s.space_name, s]));
    for (const name of this.spaces) {
      const s = byName.get(name);
      for (const v of [s?.space_size, s?.space_used_size, s?.space_available_size, s?.physical_space_size]) this.values[at++] = v ?? 0;
    }
  }

  /** The samples recorded so far, the first labelled `baseline` and the others by iteration. */
  samples(): MemorySample[] {
    return Array.from({ length: this.count }, (_, n) => {
      const row = n * this.width;
      const v = (i: number) => this.values[row + i];
      const sample = Object.fromEntries(FIELDS.map((key, i) => [key, v(i)])) as Record<(typeof FIELDS)[number], number>;
      let at = FIELDS.length;
      const hasLinux = v(at++) === 1;
      const linux = Object.fromEntries(LINUX.map((key) => [key, v(at++)]).filter(([, value]) => !Number.isNaN(value)));
      const spaces = this.spaces.map((name) => {
        const [size, used, available, physical] = SPACE.map(() => v(at++));
        return { name, size, used, available, physical };
      });
      return {
        ...sample,
        label: n === 0 ? 'baseline' : `iteration ${n}`,
        spaces,
        ...(hasLinux ? { linux: linux as unknown as NonNullable<MemorySample['linux']> } : {}),
      };
    });
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
