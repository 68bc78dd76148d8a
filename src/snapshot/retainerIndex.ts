import type { HeapSnapshot } from './heapSnapshot';

/**
 * Incoming edges of every node (CSR): `edges[first[n] .. first[n + 1])` are the edges that point
 * at `n`. Built on demand: only object-level questions (who retains this?) need it, and it costs
 * one pass and 4 bytes per edge.
 */
export interface RetainerIndex {
  first: Uint32Array;
  edges: Uint32Array;
  /** The node each edge leaves from, by edge ordinal. */
  sources: Uint32Array;
}

export function buildRetainerIndex(snapshot: HeapSnapshot): RetainerIndex {
  const n = snapshot.nodeCount;
  const m = snapshot.edgeCount;
  const targets = snapshot.edges.targets;
  const firstEdges = snapshot.nodes.firstEdges;
  const first = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) first[targets[e] + 1]++;
  for (let i = 1; i <= n; i++) first[i] += first[i - 1];
  const cursor = first.slice(0, n);
  const edges = new Uint32Array(m);
  const sources = new Uint32Array(m);
  for (let node = 0; node < n; node++) {
    for (let e = firstEdges[node], end = firstEdges[node + 1]; e < end; e++) {
      sources[e] = node;
      edges[cursor[targets[e]]++] = e;
    }
  }
  return { first, edges, sources };
}
