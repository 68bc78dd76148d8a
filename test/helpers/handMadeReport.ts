import { writeFileSync } from 'node:fs';
import type { Finding } from '../../src/analysis/types';

const NO_TOTALS = {
  nodeCount: 0,
  edgeCount: 0,
  totalSize: 0,
  reachableSize: 0,
  unreachableCount: 0,
  unreachableSize: 0,
  extraNativeBytes: 0,
  maxNodeId: 0,
};

/** A finding as a hand-made report carries one: steady growth over four cycles, what the caller gives. */
export function handMadeFinding(partial: Pick<Finding, 'kind' | 'title' | 'path' | 'fix'> & Partial<Finding>): Finding {
  return {
    confidence: 'high',
    holderPath: [],
    classes: [],
    growth: {
      objectsPerCycle: 60,
      bytesPerCycle: 9000,
      newBeforeMid: 120,
      newAfterMid: 120,
      cyclesBeforeMid: 2,
      cyclesAfterMid: 2,
      steady: true,
    },
    explanation: 'It grows every cycle.',
    ...partial,
  };
}

/** A report.json as a pull request may carry one: only findings and the launched command are real; the rest is filler. */
export function writeHandMadeReport(file: string, findings: Finding[], command?: string[]): string {
  const report = {
    schemaVersion: 1,
    createdAt: new Date(0).toISOString(),
    verdict: findings.length ? 'leak' : 'no-leak',
    summary: '',
    target: { command, endpoint: 'ws://127.0.0.1:9229/x' },
    settings: { warmup: 1, cycles: 4, trackAllocations: false },
    findings,
    memory: {
      samples: [],
      breakdown: { rss: 0, heapUsed: 0, heapFree: 0, external: 0, fileBacked: 0, native: 0 },
      verdict: { kind: 'no-leak', summary: '' },
    },
    snapshots: { baseline: 'b', after: 'a' },
    diff: {
      schemaVersion: 1,
      baseline: { file: 'b', totals: NO_TOTALS },
      after: { file: 'a', totals: NO_TOTALS },
      classes: [],
      newObjects: { count: 0, selfSize: 0, retainedSize: 0 },
      groups: [],
    },
  };
  writeFileSync(file, JSON.stringify(report));
  return file;
}
