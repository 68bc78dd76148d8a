import { setTimeout as sleep } from 'node:timers/promises';
import { formatBytes } from '../common/bytes';
import { throwIfCancelled, type CancellationToken } from '../common/cancellation';

/** How the heap behaved between the last cycle and the last reading. */
export interface Settling {
  /** The heap stopped falling within the bound. */
  settled: boolean;
  waitedMs: number;
  /** Bytes the heap gave back while waiting, after GC. */
  freed: number;
}

export interface SettleOptions {
  /** Between two readings (default 250 ms). */
  intervalMs?: number;
  /** The longest wait (default 3 s). */
  maxMs?: number;
  token: CancellationToken;
}

/**
 * Waits for the work the cycles queued to end before the last reading. A service answers a
 * request before it finishes what the request started (a task queue draining on timers, a write
 * flushing), so right after the workload its heap still holds that backlog; the last reading
 * decides which cycles' memory survived, and a backlog there looks like growth in every cycle.
 * The heap is read after GC every `intervalMs` until a reading frees less than a rounding error.
 */
export async function settleHeap(collect: () => Promise<void>, heapUsed: () => Promise<number>, options: SettleOptions): Promise<Settling> {
  const interval = options.intervalMs ?? 250;
  const max = options.maxMs ?? 3000;
  const start = Date.now();
  let last = await heapUsed();
  const first = last;
  for (;;) {
    await sleep(interval);
    throwIfCancelled(options.token);
    await collect();
    const now = await heapUsed();
    const freed = last - now;
    last = now;
    const waitedMs = Date.now() - start;
    if (freed < Math.max(16 * 1024, now / 1000)) return { settled: true, waitedMs, freed: Math.max(0, first - now) };
    if (waitedMs >= max) return { settled: false, waitedMs, freed: Math.max(0, first - now) };
  }
}

/** The report's sentence on a heap still falling when the check stopped waiting, or nothing. */
export function settlingNote(s: Settling | undefined): string | undefined {
  if (!s || s.settled) return undefined;
  return (
    `After the last cycle the heap was still falling (${formatBytes(s.freed)} freed in ${(s.waitedMs / 1000).toFixed(1)} s): ` +
    'work the cycles queued was still draining, and growth over a run this short may be that backlog rather than a leak.'
  );
}
