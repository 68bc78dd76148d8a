import type { MemoryVerdict, MemoryVerdictKind } from '../memory/types';

// The one vocabulary for verdicts: report.json's, the memory's, and the words every renderer, the
// panel (bundled for the browser, so this file imports types only) and the MCP schemas use for them.

/** report.json's verdict. */
export type LeakVerdict = 'leak' | 'no-leak' | 'allocator-retention' | 'heap-headroom';

/** A report's verdict as a heading (report.md, compare, the panel). */
export const LEAK_VERDICT_TITLE: Readonly<Record<LeakVerdict, string>> = {
  leak: 'Leak',
  'no-leak': 'No leak',
  'allocator-retention': 'Allocator retention, not a leak',
  'heap-headroom': 'V8 heap headroom, not a leak',
};

/** The memory verdict in a phrase, as "Verdict: …" says it (the CLI, the panel). */
export const MEMORY_VERDICT_TITLE: Readonly<Record<MemoryVerdictKind, string>> = {
  leak: 'a leak',
  'allocator-retention': 'allocator retention',
  'heap-headroom': 'V8 heap headroom',
  'high-water-mark': 'a high-water mark',
  'no-leak': 'no leak',
  undetermined: 'growth unknown from one reading',
};

export const LEAK_VERDICTS = Object.keys(LEAK_VERDICT_TITLE) as [LeakVerdict, ...LeakVerdict[]];
export const MEMORY_VERDICT_KINDS = Object.keys(MEMORY_VERDICT_TITLE) as [MemoryVerdictKind, ...MemoryVerdictKind[]];

/** Findings decide a leak; otherwise what the memory says, a high-water mark being no leak. */
export function leakVerdict(findings: number, memory: MemoryVerdict): LeakVerdict {
  if (findings > 0 || memory.kind === 'leak') return 'leak';
  if (memory.kind === 'allocator-retention' || memory.kind === 'heap-headroom') return memory.kind;
  return 'no-leak';
}
