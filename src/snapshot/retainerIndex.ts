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
  // Counts at each list's end, then filled backwards: first[n] ends at each list's start with no
  // cursor array (a node-sized array less: 200 MB on a 4 GB snapshot). Lists stay in edge order.
  const first = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) first[targets[e]]++;
  for (let i = 1; i <= n; i++) first[i] += first[i - 1];
  const edges = new Uint32Array(m);
  const sources = new Uint32Array(m);
  for (let node = n - 1; node >= 0; node--) {
    for (let e = firstEdges[node + 1]; e-- > firstEdges[node];) {
      sources[e] = node;
      edges[--first[targets[e]]] = e;
    }
  }
  return { first, edges, sources };
}
