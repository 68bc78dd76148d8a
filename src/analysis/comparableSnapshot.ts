import type { HeapGraph } from '../snapshot/heapGraph';
import { IdSet, type IdSetParts } from '../snapshot/idSet';
import type { ClassAggregate, SnapshotTotals } from '../snapshot/types';

/**
 * What a diff needs of an earlier snapshot, small enough to compute on another thread and send
 * back: per-class aggregates, the set of ids, and a sample of objects to check that a later
 * snapshot comes from the same process.
 */
export interface ComparableSnapshot {
  file: string;
  totals: SnapshotTotals;
  classes: ClassAggregate[];
  /** Per class (same order as `classes`), instances with heap (odd) ids: the ones a diff can match. */
  heapCounts: Float64Array;
  ids: IdSetParts;
  sample: { ids: Uint32Array; types: Uint8Array; sizes: Float64Array; names: string[] };
}

const SAMPLE = 50_000;

/**
 * V8 numbers heap objects with odd ids from a counter; embedder (native C++) nodes get even ids
 * derived from addresses that change from one snapshot to the next, so they cannot be matched.
 */
export function isHeapId(id: number): boolean {
  return (id & 1) === 1;
}

export function comparableSnapshot(graph: HeapGraph, file: string): ComparableSnapshot {
  const s = graph.snapshot;
  const classes = graph.classAggregates();
  const { ofNode, names } = graph.classIndex();
  const heapByClass = new Float64Array(names.length);
  const ids = s.nodes.ids;
  for (let i = 0; i < ids.length; i++) if (isHeapId(ids[i])) heapByClass[ofNode[i]]++;
  const classOrdinal = new Map(names.map((name, c) => [name, c]));
  const heapCounts = Float64Array.from(classes, (c) => heapByClass[classOrdinal.get(c.className)!]);

  const step = Math.max(1, Math.floor(s.nodeCount / SAMPLE));
  const picked: number[] = [];
  for (let i = 1; i < s.nodeCount; i += step) if (isHeapId(ids[i])) picked.push(i);
  return {
    file,
    totals: graph.totals(),
    classes,
    heapCounts,
    ids: IdSet.of(ids).parts,
    sample: {
      ids: Uint32Array.from(picked, (i) => ids[i]),
      types: Uint8Array.from(picked, (i) => s.nodes.types[i]),
      sizes: Float64Array.from(picked, (i) => s.selfSize(i)),
      names: picked.map((i) => s.nodeName(i)),
    },
  };
}
