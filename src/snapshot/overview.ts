import type { HeapGraph } from './heapGraph';
import type { SnapshotOverview } from './types';

/** What `inspect` reports: totals, the heaviest classes, the biggest dominators with their paths. */
export function overviewOf(graph: HeapGraph, file: string, limits: { classes: number; dominators: number }): SnapshotOverview {
  const synthetic = graph.snapshot.nodeTypeIds.synthetic;
  const syntheticClasses = new Set<string>();
  for (let i = 0; i < graph.nodeCount && graph.snapshot.nodes.types[i] === synthetic; i++) syntheticClasses.add(graph.className(i));
  return {
    schemaVersion: 1,
    file,
    totals: graph.totals(),
    // Root groups retain the whole heap; listing them first would say nothing.
    classes: graph.classAggregates().filter((c) => !syntheticClasses.has(c.className)).slice(0, limits.classes),
    dominators: graph.topDominators(limits.dominators),
  };
}
