import type { MemorySample } from '../memory/types';
import type { MemoryMark } from './protocol';

/** What the chart needs to know of the leak check that took the samples. */
export interface MarkedCheck {
  /** A cleanup expression ran after each cycle's workload. */
  cleanup: boolean;
  /** The cycle after which the mid snapshot was taken; absent when none was (or while it is not known yet). */
  midCycle?: number;
  /** The check has ended, so its last sample is where the after snapshot was taken. */
  ended: boolean;
}

/**
 * The marks on a leak check's memory chart, from its samples' labels (`baseline`, `cycle 3`):
 * the same while the check runs and in its report afterwards, so the live chart and the
 * report's agree on what they share.
 */
export function memoryMarks(samples: readonly MemorySample[], check: MarkedCheck): MemoryMark[] {
  const marks: MemoryMark[] = [];
  for (const s of samples) {
    if (s.label === 'baseline') marks.push({ at: s.at, kind: 'snapshot', label: 'baseline snapshot' });
    else if (check.midCycle !== undefined && s.label === `cycle ${check.midCycle}`)
      marks.push({ at: s.at, kind: 'snapshot', label: 'mid snapshot' });
  }
  const last = samples[samples.length - 1];
  if (check.ended && last) marks.push({ at: last.at, kind: 'snapshot', label: 'after snapshot' });
  if (check.cleanup) {
    for (const s of samples) if (s.label?.startsWith('cycle ')) marks.push({ at: s.at, kind: 'cleanup', label: `cleanup, ${s.label}` });
  }
  return marks.sort((a, b) => a.at - b.at);
}
