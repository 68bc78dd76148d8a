import type { SnapshotDiff } from '../analysis/types';
import type { MemorySample, MemoryVerdict, RssBreakdown } from '../memory/types';
import type { LeakReport } from '../report/leakReport';

export interface Workload {
  /** GET this URL `requests` times per cycle. */
  url?: string;
  requests?: number;
  /** 4xx/5xx statuses (inclusive ranges) that count as a served request; any other fails the check. */
  acceptStatus?: Array<[number, number]>;
  /** Or evaluate this expression in the target (awaited) once per cycle. */
  expression?: string;
}

export interface LeakCheckOptions {
  workload: Workload;
  /** Evaluated in the target after each workload, before GC (clear caches, close pools…). */
  cleanupExpression?: string;
  warmup: number;
  cycles: number;
  /** Run the cycles under allocation tracking, so survivors carry the stack that allocated them (slows the target). */
  trackAllocations?: boolean;
  /** Where the snapshots go. */
  outDir: string;
  /** The launched command, for the report. */
  command?: string[];
  /** Each memory sample as it is taken (the baseline's, then one per cycle), for a live chart. */
  onSample?: (sample: MemorySample) => void;
  /** Growth below both of these per cycle is not reported (defaults: 1 kB and 10 objects). */
  thresholds?: { minBytesPerCycle?: number; minObjectsPerCycle?: number };
}

export interface LeakCheckResult {
  baselineFile: string;
  /** Taken halfway through the cycles, for growth evidence (when there are at least two). */
  midFile?: string;
  afterFile: string;
  diff: SnapshotDiff;
  /** After GC: one at the baseline, then one per cycle. */
  samples: MemorySample[];
  breakdown: RssBreakdown;
  verdict: MemoryVerdict;
  /** report.json: verdict, findings, memory and the diff. */
  report: LeakReport;
  /** Script id → URL, from the inspector, for turning snapshot locations into files. */
  scripts: Record<string, string>;
}
