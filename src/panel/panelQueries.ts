import type { SnapshotDiff } from '../analysis/types';
import { NONE } from '../snapshot/dominators';
import type { HeapGraph } from '../snapshot/heapGraph';
import type { RetainerIndex } from '../snapshot/retainerIndex';
import type { ClassRow, ObjectPath, PanelQueries, QueryAnswers, QueryCallOf, QueryMethod, QueryResult, RetainerGraph } from './protocol';

/** Answers `call` with the function `answers` has for its method. */
export async function answerQuery<M extends QueryMethod>(answers: QueryAnswers, call: QueryCallOf<M>): Promise<QueryResult<M>> {
  const answer: QueryAnswers[M] = answers[call.method];
  return answer(call.params);
}

/** The panel's class table is paged: the panel holds a window of rows, never the whole table. */
export function pageClassRows(rows: readonly ClassRow[], params: PanelQueries['classRows']['params']): PanelQueries['classRows']['result'] {
  const filter = params.filter?.trim().toLowerCase();
  const kept = filter ? rows.filter((r) => r.className.toLowerCase().includes(filter)) : rows.slice();
  const key = params.sortBy;
  const sign = params.descending ? -1 : 1;
  kept.sort((a, b) => {
    if (key === 'className') return sign * a.className.localeCompare(b.className);
    // Deltas sort by size of change, so a big drop ranks with a big rise.
    const abs = key.endsWith('Delta');
    const va = abs ? Math.abs(a[key] ?? 0) : (a[key] ?? 0);
    const vb = abs ? Math.abs(b[key] ?? 0) : (b[key] ?? 0);
    return sign * (va - vb) || a.className.localeCompare(b.className);
  });
  const start = Math.max(0, Math.floor(params.start));
  const end = Math.min(kept.length, Math.max(start, Math.floor(params.end)));
  return { total: kept.length, rows: kept.slice(start, end) };
}

export function classRowsOfDiff(diff: SnapshotDiff): ClassRow[] {
  return diff.classes.map((c) => ({
    className: c.className,
    count: c.after.count,
    selfSize: c.after.selfSize,
    retainedSize: c.after.retainedSize,
    newCount: c.newCount,
    deletedCount: c.deletedCount,
    countDelta: c.countDelta,
    selfSizeDelta: c.selfSizeDelta,
    retainedSizeDelta: c.retainedSizeDelta,
  }));
}

export function classRowsOfGraph(graph: HeapGraph): ClassRow[] {
  const roots = graph.rootClassNames();
  return graph
    .classAggregates()
    .filter((c) => !roots.has(c.className))
    .map((c) => ({ className: c.className, count: c.count, selfSize: c.selfSize, retainedSize: c.retainedSize }));
}

/**
 * The largest instances of a class with the paths that keep them; with `newerThan`, only objects
 * allocated after the snapshot whose largest heap-object id that is (a diff's new objects).
 */
export function classPaths(graph: HeapGraph, className: string, limit: number, newerThan?: number): ObjectPath[] {
  const { ofNode, names } = graph.classIndex();
  const wanted = names.indexOf(className);
  if (wanted < 0) return [];
  const ids = graph.snapshot.nodes.ids;
  const sizes = graph.retainedSizes;
  const top: number[] = [];
  const cap = Math.max(1, Math.min(limit, 200));
  for (let i = 0; i < ofNode.length; i++) {
    // Only heap objects (odd ids) carry their age in the id; embedder nodes cannot be told new.
    if (ofNode[i] !== wanted || (newerThan !== undefined && ((ids[i] & 1) === 0 || ids[i] <= newerThan))) continue;
    if (top.length === cap && sizes[i] <= sizes[top[top.length - 1]]) continue;
    let j = top.length === cap ? cap - 1 : top.length;
    while (j > 0 && sizes[top[j - 1]] < sizes[i]) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = i;
  }
  return top.map((node) => {
    const info = graph.nodeInfo(node);
    return { id: info.id, name: info.name, selfSize: info.selfSize, retainedSize: info.retainedSize, path: graph.retainerPath(node) };
  });
}

/** Ordinal of the node with V8 id `id`, or -1. */
export function nodeById(graph: HeapGraph, id: number): number {
  const ids = graph.snapshot.nodes.ids;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) return i;
  return -1;
}

/**
 * Who retains one object, `depth` levels up, strong edges only. Each node keeps the retainers
 * closest to the roots first: those are the ones a path from code goes through.
 */
export function retainerGraph(
  graph: HeapGraph,
  index: RetainerIndex,
  id: number,
  depth: number,
  maxRetainersPerNode: number,
): RetainerGraph {
  const start = nodeById(graph, id);
  if (start < 0) throw new Error(`No object with id @${id} in this snapshot.`);
  const s = graph.snapshot;
  const synthetic = s.nodeTypeIds.synthetic;
  const distances = graph.distances;
  const seen = new Map<number, number>([[start, 0]]);
  const edges: RetainerGraph['edges'] = [];
  let truncated = false;
  let frontier = [start];
  for (let level = 0; level < depth && frontier.length; level++) {
    const next: number[] = [];
    for (const node of frontier) {
      if (s.nodes.types[node] === synthetic) continue;
      const incoming: number[] = [];
      for (let k = index.first[node]; k < index.first[node + 1]; k++) {
        const e = index.edges[k];
        if (!s.isWeakEdge(e) && distances[index.sources[e]] !== NONE) incoming.push(e);
      }
      incoming.sort((a, b) => distances[index.sources[a]] - distances[index.sources[b]]);
      if (incoming.length > maxRetainersPerNode) truncated = true;
      for (const e of incoming.slice(0, maxRetainersPerNode)) {
        const from = index.sources[e];
        edges.push({ from: s.nodeId(from), to: s.nodeId(node), name: graph.edgeText(e), kind: s.edgeType(e) });
        if (!seen.has(from)) {
          seen.set(from, level + 1);
          next.push(from);
        }
      }
    }
    frontier = next;
  }
  const nodes = [...seen.keys()].map((node) => {
    const info = graph.nodeInfo(node);
    return {
      id: info.id,
      className: info.className,
      name: info.name,
      selfSize: info.selfSize,
      retainedSize: info.retainedSize,
      distance: info.distance,
      isGcRoot: s.nodes.types[node] === synthetic || node === s.rootIndex,
    };
  });
  return { rootId: id, nodes, edges, truncated };
}
