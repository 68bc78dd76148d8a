import type { Finding, PackageUsage, SnapshotDiff } from '../analysis/types';
import type { MemorySample, MemoryVerdict, RssBreakdown } from '../memory/types';
import type { LeakVerdict } from './verdicts';

export type { LeakVerdict };

/** `report.json`: the result of a leak check. Versioned; the README documents it. */
export interface LeakReport {
  schemaVersion: 1;
  createdAt: string;
  /** `leak` when a finding names growth across cycles (or the live heap climbs steadily). */
  verdict: LeakVerdict;
  /** The verdict in a sentence or two. */
  summary: string;
  target: {
    command?: string[];
    endpoint: string;
    /** The process measured, when the command started several (npm → sh → node): its pid, argv and why it was chosen. */
    pid?: number;
    argv?: string[];
    why?: string;
  };
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
  /** How the check captured the heap and why. Absent in reports written before sampling existed (they took snapshots). */
  capture?: CaptureReport;
  /** With `run --oom-snapshot`: snapshots V8 wrote as the target's heap neared its limit. */
  heapLimitSnapshots?: string[];
}

/**
 * `snapshot`: three heap snapshots and their diff; `sampling`: V8's sampling heap profiler, no
 * snapshot (`snapshots` and `diff` are then empty). With `headroom`, the numbers the choice
 * was made on, in bytes: what a snapshot would add to the target and what it had left.
 */
export interface CaptureReport {
  requested: 'auto' | 'snapshot' | 'sampling';
  mode: 'snapshot' | 'sampling';
  reason: string;
  headroom?: {
    estimate: number;
    basis: 'heap-statistics' | 'earlier-snapshots';
    available?: number;
    limit?: number;
    limitSource: 'memory-limit' | 'cgroup' | 'machine' | 'unknown';
    rss: number;
    heapUsed: number;
  };
  samplingInterval?: number;
  /** Snapshots an `auto` check skipped because they no longer fitted. */
  skipped?: string[];
  /**
   * When an `auto` check began with snapshots and a later one no longer fitted: it finished on the
   * allocation samples kept since the baseline (`mode` is then `sampling`). `snapshot` is the file
   * not taken, `afterCycle` the cycles done by then, `headroom` the numbers of that decision.
   */
  switched?: { snapshot: string; afterCycle: number; reason: string; headroom: NonNullable<CaptureReport['headroom']> };
  /** The wait before the last reading for the work the cycles queued to end (a heap still falling then makes growth doubtful). */
  settling?: { settled: boolean; waitedMs: number; freed: number };
  /** The target's worker threads: each one alive across the check has its own snapshots, diffed like the main thread's. */
  workers?: WorkerCapture[];
}

/** A worker thread in the check: its snapshots, or why it has none (it ended, a snapshot did not fit). */
export interface WorkerCapture {
  id: number;
  title: string;
  url?: string;
  snapshots?: { baseline: string; mid?: string; after: string };
  note?: string;
}
