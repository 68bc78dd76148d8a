import { formatBinaryBytes } from '../common/bytes';

/** Limits are given in binary units (`--memory-limit 1.5G`, cgroup files): every size in these sentences is printed in them. */
const size = formatBinaryBytes;

/** What the target says about itself before a snapshot: files read inside it, so a container answers for itself. */
export interface TargetMemoryFacts {
  pid: number;
  /** `/proc/self/stat`'s start time (clock ticks since boot): with the pid, tells whether a local /proc/PID is this process. */
  startTime?: number;
  rss: number;
  heapUsed: number;
  /** The tightest cgroup memory limit over the target's cgroup and its ancestors (v2 `memory.max`, v1 `memory.limit_in_bytes`). */
  cgroup?: { version: 1 | 2; limit: number; usage?: number; inactiveFile?: number };
  /** `MemAvailable` from the target's /proc/meminfo. */
  memAvailable?: number;
}

/** What a snapshot of this target cost before: the rise of its RSS over the capture against its used heap. */
export interface SnapshotCostSample {
  heapUsed: number;
  rssBefore: number;
  peakRss: number;
}

export interface Headroom {
  fits: boolean;
  /** Bytes the snapshot is expected to add to the target's RSS while V8 builds it. */
  estimate: number;
  /** How `estimate` was made. */
  basis: 'heap-statistics' | 'earlier-snapshots';
  /** Bytes the target may still add before it reaches `limit` (never negative). */
  available?: number;
  limit?: number;
  limitSource: 'memory-limit' | 'cgroup' | 'machine' | 'unknown';
  rss: number;
  heapUsed: number;
  /** The decision in one sentence, with the numbers. */
  reason: string;
}

/**
 * V8 builds the whole snapshot graph in C++ memory before writing a byte: per live object an
 * entry, its edges and its name. Measured on Node 20 with a Map of 750k small records: 209 MB of
 * used heap raised the target's RSS from 282 MB to 3.15 GB (13.7× the used heap); issue 11's 1M
 * records, 3.7 GB. Big strings and buffers cost far less per byte, so this errs on the safe
 * side, and what earlier snapshots of the same target cost replaces it.
 */
export const SNAPSHOT_COST_PER_HEAP_BYTE = 16;
/** Earlier snapshots vary with what the heap holds since; keep a margin over what they measured. */
const OBSERVED_MARGIN = 1.25;
/** Leave this share of the limit unused: the target keeps allocating while the snapshot is built. */
const LIMIT_RESERVE = 0.05;

export function estimateSnapshotCost(
  heapUsed: number,
  earlier: readonly SnapshotCostSample[] = [],
): { estimate: number; basis: Headroom['basis'] } {
  const ratios = earlier.filter((s) => s.heapUsed > 0 && s.peakRss > s.rssBefore).map((s) => (s.peakRss - s.rssBefore) / s.heapUsed);
  if (ratios.length === 0) return { estimate: heapUsed * SNAPSHOT_COST_PER_HEAP_BYTE, basis: 'heap-statistics' };
  return { estimate: heapUsed * Math.max(...ratios) * OBSERVED_MARGIN, basis: 'earlier-snapshots' };
}

/**
 * Whether a snapshot fits in what the target may use: `memoryLimit` (the user knows best), else
 * its cgroup limit, else the machine's available memory. With none of them known it is taken.
 */
export function snapshotHeadroom(
  facts: TargetMemoryFacts,
  options: { memoryLimit?: number; earlier?: readonly SnapshotCostSample[] } = {},
): Headroom {
  const { estimate, basis } = estimateSnapshotCost(facts.heapUsed, options.earlier);
  const base = { estimate, basis, rss: facts.rss, heapUsed: facts.heapUsed };
  const cost = `${size(estimate)} (for ${size(facts.heapUsed)} of used heap, ${basis === 'earlier-snapshots' ? 'from what earlier snapshots of it cost' : 'estimated from its heap statistics'})`;
  let limit: number | undefined;
  let available: number | undefined;
  let limitSource: Headroom['limitSource'] = 'unknown';
  let limitText = '';
  if (options.memoryLimit !== undefined) {
    limit = options.memoryLimit;
    available = limit * (1 - LIMIT_RESERVE) - facts.rss;
    limitSource = 'memory-limit';
    limitText = `its --memory-limit of ${size(limit)} (RSS ${size(facts.rss)})`;
  } else if (facts.cgroup) {
    limit = facts.cgroup.limit;
    // Page cache counts in the cgroup's usage but is given back under pressure.
    const used = facts.cgroup.usage !== undefined ? facts.cgroup.usage - (facts.cgroup.inactiveFile ?? 0) : facts.rss;
    available = limit * (1 - LIMIT_RESERVE) - Math.max(used, facts.rss);
    limitSource = 'cgroup';
    limitText = `its container's limit of ${size(limit)} (cgroup v${facts.cgroup.version}, ${size(Math.max(used, facts.rss))} in use)`;
  }
  if (facts.memAvailable !== undefined && (available === undefined || facts.memAvailable * (1 - LIMIT_RESERVE) < available)) {
    available = facts.memAvailable * (1 - LIMIT_RESERVE);
    const machine = `the machine's available memory of ${size(facts.memAvailable)}`;
    // A user's --memory-limit stays the limit named; the machine merely has less to give.
    if (limitSource === 'memory-limit') limitText += ` and ${machine}`;
    else {
      limitSource = 'machine';
      limitText = machine;
    }
  }
  if (available === undefined) {
    return {
      ...base,
      fits: true,
      limitSource,
      reason: `A heap snapshot would add about ${cost} to the target; its memory limit is unknown, so it is taken.`,
    };
  }
  available = Math.max(0, available);
  const fits = estimate <= available;
  const reason = fits
    ? `A heap snapshot would add about ${cost} to the target, which fits in ${size(available)} left under ${limitText}.`
    : `A heap snapshot would add about ${cost} to the target, more than the ${size(available)} left under ${limitText}, so it is not taken.`;
  return { ...base, fits, available, ...(limit !== undefined ? { limit } : {}), limitSource, reason };
}
