import { writeFileSync } from 'node:fs';
import type { Finding } from '../../src/analysis/types';

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
    memory: { samples: [], breakdown: {}, verdict: { kind: 'no-leak', summary: '', advice: [] } },
    snapshots: { baseline: 'b', after: 'a' },
    diff: {},
  };
  writeFileSync(file, JSON.stringify(report));
  return file;
}
