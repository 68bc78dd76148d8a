import type { HeapGraph } from './heapGraph';
import type { SnapshotOverview } from './types';

/** What `inspect` reports: totals, the heaviest classes, the biggest dominators with their paths. */
export function overviewOf(graph: HeapGraph, file: string, limits: { classes: number; dominators: number }): SnapshotOverview {
  const roots = graph.rootClassNames();
  return {
    schemaVersion: 1,
    file,
    totals: graph.totals(),
    // Root groups retain the whole heap; listing them first would say nothing.
    classes: graph
      .classAggregates()
      .filter((c) => !roots.has(c.className))
      .slice(0, limits.classes),
    dominators: graph.topDominators(limits.dominators),
  };
}
