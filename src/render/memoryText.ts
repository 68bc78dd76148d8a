import { formatBytes } from '../common/bytes';
import { liveHeap } from '../memory/breakdown';
import type { MemorySample, MemoryVerdict, RssBreakdown } from '../memory/types';
import { MEMORY_VERDICT_TITLE } from '../report/verdicts';

export interface MemoryReport {
  schemaVersion: 1;
  /** Before and after a forced GC. */
  beforeGc: MemorySample;
  afterGc: MemorySample;
  /** With --samples: every reading after GC, the first being afterGc; the verdict judges them as a series. */
  samples?: MemorySample[];
  breakdown: RssBreakdown;
  verdict: MemoryVerdict;
}

/** `leakscope memory`: where the RSS went, and what that means, in words. */
export function renderMemoryText(report: MemoryReport): string {
  const freed = liveHeap(report.beforeGc) - liveHeap(report.afterGc);
  const series = report.samples ?? [report.afterGc];
  return renderBreakdownText(report.breakdown, report.verdict, Math.max(report.beforeGc.maxRss, ...series.map((s) => s.maxRss)), [
    `A forced GC freed ${formatBytes(Math.max(0, freed))} of the V8 heap.`,
    ...(report.samples
      ? [
          `Live V8 heap after GC, per reading: ${series.map((s) => formatBytes(liveHeap(s))).join(' → ')}`,
          `RSS, per reading: ${series.map((s) => formatBytes(s.rss)).join(' → ')}`,
        ]
      : []),
  ]);
}

/** The memory part of a leak check: the live heap after each cycle's GC, then the breakdown and verdict. */
export function renderSessionMemoryText(samples: MemorySample[], breakdown: RssBreakdown, verdict: MemoryVerdict): string {
  const heap = samples.map((s) => formatBytes(liveHeap(s))).join(' → ');
  const rss = samples.map((s) => formatBytes(s.rss)).join(' → ');
  return renderBreakdownText(breakdown, verdict, samples[samples.length - 1]?.maxRss ?? 0, [
    `Live V8 heap after GC, per cycle: ${heap}`,
    `RSS, per cycle: ${rss}`,
  ]);
}

function renderBreakdownText(b: RssBreakdown, verdict: MemoryVerdict, maxRss: number, notes: string[]): string {
  const pct = (n: number) => (b.rss > 0 ? `${Math.round((n / b.rss) * 100)}%` : '');
  const rows: Array<[string, number]> = [
    ['V8 heap, live objects', b.heapUsed],
    ['V8 heap, free pages kept', b.heapFree],
    ['Buffers and other external', b.external],
    ['Code and files (shared)', b.fileBacked],
    ['Native (malloc and the rest)', b.native],
  ];
  const label = Math.max(...rows.map(([l]) => l.length));
  const sizes = rows.map(([, n]) => formatBytes(n));
  const width = Math.max(...sizes.map((s) => s.length));
  const lines = [
    `RSS ${formatBytes(b.rss)} (peak ${formatBytes(maxRss)})`,
    ...rows.map(([l, n], i) => `  ${l.padEnd(label)}  ${sizes[i].padStart(width)}  ${pct(n).padStart(4)}`),
    ...(b.workerHeapUsed !== undefined ? [`  Of the live V8 heap, in worker threads: ${formatBytes(b.workerHeapUsed)}`] : []),
    ...notes.map((n) => `  ${n}`),
    '',
    `Verdict: ${MEMORY_VERDICT_TITLE[verdict.kind]}. ${verdict.summary}`,
  ];
  if (verdict.advice) lines.push(`What to do: ${verdict.advice}`);
  return lines.join('\n') + '\n';
}
