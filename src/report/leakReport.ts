import type { Finding, PackageUsage, SnapshotDiff } from '../analysis/types';
import type { MemorySample, MemoryVerdict, RssBreakdown } from '../memory/types';

export type LeakVerdict = 'leak' | 'no-leak' | 'allocator-retention' | 'heap-headroom';

/** `report.json`: the result of a leak check. Versioned; the README documents it. */
export interface LeakReport {
  schemaVersion: 1;
  createdAt: string;
  /** `leak` when a finding names growth across cycles (or the live heap climbs steadily). */
  verdict: LeakVerdict;
  /** The verdict in a sentence or two. */
  summary: string;
  target: { command?: string[]; endpoint: string };
  settings: {
    warmup: number;
    cycles: number;
    workloadUrl?: string;
    requests?: number;
    workloadExpression?: string;
    cleanupExpression?: string;
    trackAllocations: boolean;
  };
  findings: Finding[];
  /** New memory still alive per package whose code made or holds it, most retained first (absent in older reports). */
  packages?: PackageUsage[];
  memory: { samples: MemorySample[]; breakdown: RssBreakdown; verdict: MemoryVerdict };
  snapshots: { baseline: string; mid?: string; after: string };
  diff: SnapshotDiff;
}
