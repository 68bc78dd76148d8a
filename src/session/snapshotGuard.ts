import { readFileSync } from 'node:fs';
import type { InspectorConnection, SnapshotOptions } from '../inspector/connection';
import { readTargetMemory } from '../inspector/targetMemory';
import { snapshotHeadroom, type Headroom, type SnapshotCostSample, type TargetMemoryFacts } from '../memory/headroom';
import { parseKbFields } from '../memory/procParsers';
import { startTimeOf } from '../memory/targetMemoryFacts';

/** How often the target's RSS is read from /proc while V8 builds a snapshot. */
const POLL_MS = 100;

/**
 * Guards the snapshots of one target: before each, whether it fits in the memory the target may
 * use; during each, when the target's /proc is visible from here (a local process), its peak RSS,
 * so the next estimate is what this target's snapshots really cost instead of the general factor.
 */
export class SnapshotGuard {
  private readonly earlier: SnapshotCostSample[] = [];
  private last?: TargetMemoryFacts;

  constructor(
    private readonly connection: InspectorConnection,
    /**
     * `heapUsed`: the heap the snapshot is of, when it is not the main thread's (a worker
     * thread's): the cost scales with it, while the limit and RSS are the whole process's.
     */
    private readonly options: { memoryLimit?: number; heapUsed?: () => Promise<number> } = {},
  ) {}

  /** What a snapshot now would cost and whether it fits. */
  async headroom(): Promise<Headroom> {
    this.last = await this.facts();
    return snapshotHeadroom(this.last, { memoryLimit: this.options.memoryLimit, earlier: this.earlier });
  }

  private async facts(): Promise<TargetMemoryFacts> {
    const facts = await readTargetMemory(this.connection);
    return this.options.heapUsed ? { ...facts, heapUsed: await this.options.heapUsed() } : facts;
  }

  /** Takes a snapshot through `capture`, recording what it cost the target when it can be seen. */
  async take(capture: (options: SnapshotOptions) => Promise<void>, options: SnapshotOptions = {}): Promise<void> {
    const facts = this.last ?? (await this.facts());
    this.last = undefined;
    const status = localStatusFile(facts);
    if (!status) return capture(options);
    const before = readStatus(status);
    let peak = before?.get('VmRSS') ?? facts.rss;
    const poll = setInterval(() => {
      const rss = readStatus(status)?.get('VmRSS');
      if (rss !== undefined && rss > peak) peak = rss;
    }, POLL_MS);
    try {
      await capture(options);
    } finally {
      clearInterval(poll);
    }
    // The high-water mark catches a peak between two polls, when it rose during this snapshot.
    const hwm = readStatus(status)?.get('VmHWM');
    if (hwm !== undefined && hwm > (before?.get('VmHWM') ?? Infinity)) peak = Math.max(peak, hwm);
    this.earlier.push({ heapUsed: facts.heapUsed, rssBefore: before?.get('VmRSS') ?? facts.rss, peakRss: peak });
  }
}

/** /proc/PID/status of the target when the pid here is the same process (same start time), not a namesake in another pid namespace. */
function localStatusFile(facts: TargetMemoryFacts): string | undefined {
  if (process.platform !== 'linux' || facts.startTime === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${facts.pid}/stat`, 'utf8');
    return startTimeOf(stat) === facts.startTime ? `/proc/${facts.pid}/status` : undefined;
  } catch {
    return undefined;
  }
}

function readStatus(file: string): Map<string, number> | undefined {
  try {
    return parseKbFields(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
