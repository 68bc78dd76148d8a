import type { Finding, PackageUsage, SnapshotDiff } from '../analysis/types';
import { rssBreakdown } from '../memory/breakdown';
import type { MemorySample, MemoryVerdict } from '../memory/types';
import { memoryVerdict } from '../memory/verdict';
import type { CaptureReport, LeakReport } from './leakReport';
import { leakVerdict, type LeakVerdict } from './verdicts';

/** What a leak check found, as `buildLeakReport` turns it into report.json (`run`, `attach` and `checkLeaks` alike). */
export interface LeakReportParts {
  findings: Finding[];
  /** Memory after each cycle's GC, the baseline first. */
  samples: MemorySample[];
  /**
   * What the diff says about retained growth, for the memory verdict: `true` when findings name
   * it, `false` when the diff judged the growth it saw bounded, absent to judge from the samples.
   */
  retainedGrowth?: boolean;
  /** The verdict in a sentence or two, once the verdicts are known. */
  summary: (verdict: LeakVerdict, memory: MemoryVerdict) => string;
  target: LeakReport['target'];
  settings: LeakReport['settings'];
  packages?: PackageUsage[];
  snapshots: LeakReport['snapshots'];
  diff: SnapshotDiff;
  capture?: CaptureReport;
}

/** report.json from a check's results: the memory breakdown and verdicts decided once, the same way for every host. */
export function buildLeakReport(parts: LeakReportParts): LeakReport {
  const { findings, samples } = parts;
  const evidence = parts.retainedGrowth === undefined ? {} : { retainedGrowth: parts.retainedGrowth };
  const memory = { samples, breakdown: rssBreakdown(samples[samples.length - 1]), verdict: memoryVerdict(samples, evidence) };
  const verdict = leakVerdict(findings.length, memory.verdict);
  return {
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    verdict,
    summary: parts.summary(verdict, memory.verdict),
    target: parts.target,
    settings: parts.settings,
    findings,
    ...(parts.packages ? { packages: parts.packages } : {}),
    memory,
    snapshots: parts.snapshots,
    diff: parts.diff,
    ...(parts.capture ? { capture: parts.capture } : {}),
  };
}
