import type { RetainerGroup, SnapshotDiff, SnapshotSummary } from '../analysis/types';
import { formatBytes, formatBytesDelta, formatCount } from './format';

/** `1,204 new objects still alive, +3.4 MB retained`: the one line a reviewer reads. */
export function diffHeadline(d: SnapshotDiff): string {
  const { count, retainedSize } = d.newObjects;
  if (count === 0) return 'No new objects still alive';
  const noun = count === 1 ? 'object' : 'objects';
  return `${formatCount(count)} new ${noun} still alive, ${formatBytesDelta(retainedSize)} retained`;
}

/** The snapshots compared, in order: baseline, after and, with the three-snapshot technique, final. */
export function diffSnapshots(d: SnapshotDiff): Array<{ role: 'baseline' | 'after' | 'final'; summary: SnapshotSummary }> {
  const list: Array<{ role: 'baseline' | 'after' | 'final'; summary: SnapshotSummary }> = [
    { role: 'baseline', summary: d.baseline },
    { role: 'after', summary: d.after },
  ];
  if (d.final) list.push({ role: 'final', summary: d.final });
  return list;
}

/** `36.1 MB → 40.3 MB → 40.9 MB (+4.8 MB)`: reachable heap across the snapshots. */
export function heapChange(d: SnapshotDiff): string {
  const sizes = diffSnapshots(d).map((s) => s.summary.totals.reachableSize);
  const delta = sizes[sizes.length - 1] - sizes[0];
  return `${sizes.map(formatBytes).join(' → ')} (${formatBytesDelta(delta)})`;
}

/**
 * A group's classes with each class's retained size at most the group's: a class's figure sums
 * its instances' retained sizes, which can count the group's shared structure more than once,
 * and a part never holds more than its whole.
 */
export function groupClasses(group: RetainerGroup): RetainerGroup['classes'] {
  return group.classes.map((c) => (c.retainedSize > group.retainedSize ? { ...c, retainedSize: group.retainedSize } : c));
}
