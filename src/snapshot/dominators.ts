import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import type { HeapSnapshot } from './heapSnapshot';

/** Marks "no node" in ordinal-valued arrays. */
export const NONE = 0xffffffff;

export interface DominatorTree {
  /** Immediate dominator of each node (by ordinal); the root's is itself, unreachable nodes' is NONE. */
  idom: Uint32Array;
  /**
   * Reachable nodes in depth-first preorder from the root. Every node comes after its
   * dominator, so one reverse sweep sums retained sizes and one forward sweep walks the tree top-down.
   */
  order: Uint32Array;
}

const CHECK_EVERY = 1 << 20;

/**
 * Dominators over strong edges (weak edges do not retain), by Lengauer–Tarjan's semidominators
 * with path compression, finished with the Semi-NCA step (idom = nearest common ancestor of
 * parent and semidominator in the DFS tree), which needs no buckets. Everything is iterative
 * (heaps have paths millions of nodes deep) and works in DFS-number space on Uint32Arrays that
 * are reused from phase to phase, so the peak is six node-sized arrays plus the predecessor lists.
 */
export function computeDominators(snapshot: HeapSnapshot, token: CancellationToken = NeverCancelled): DominatorTree {
  const n = snapshot.nodeCount;
  const firstEdges = snapshot.nodes.firstEdges;
  const targets = snapshot.edges.targets;
  const edgeTypes = snapshot.edges.types;
  const weak = snapshot.edgeTypeIds.weak;

  // Phase 1: DFS preorder. `dfs` maps node → number + 1 (0 = not reached).
  const dfs = new Uint32Array(n);
  const vertex = new Uint32Array(n);
  const parent = new Uint32Array(n);
  const stackNode = new Uint32Array(n); // becomes `semi`, then the result
  const stackEdge = new Uint32Array(n); // becomes `label`
  let count = 0;
  let top = 0;
  dfs[snapshot.rootIndex] = ++count;
  vertex[0] = snapshot.rootIndex;
  parent[0] = 0;
  stackNode[0] = snapshot.rootIndex;
  stackEdge[0] = firstEdges[snapshot.rootIndex];
  let steps = 0;
  while (top >= 0) {
    const v = stackNode[top];
    const e = stackEdge[top];
    if (e >= firstEdges[v + 1]) {
      top--;
      continue;
    }
    stackEdge[top] = e + 1;
    if (edgeTypes[e] === weak) continue;
    const w = targets[e];
    if (dfs[w] !== 0) continue;
    const number = count++;
    dfs[w] = number + 1;
    vertex[number] = w;
    parent[number] = dfs[v] - 1;
    top++;
    stackNode[top] = w;
    stackEdge[top] = firstEdges[w];
    if (++steps === CHECK_EVERY) {
      steps = 0;
      throwIfCancelled(token);
    }
  }
  const reached = count;

  // Phase 2: predecessor lists in DFS-number space, from strong edges between reached nodes.
  // Counts go at each list's end index; filling backwards then leaves predStart[d] at list d's start.
  const predStart = new Uint32Array(reached + 1);
  for (let d = 0; d < reached; d++) {
    const v = vertex[d];
    for (let e = firstEdges[v], end = firstEdges[v + 1]; e < end; e++) {
      if (edgeTypes[e] === weak) continue;
      const w = dfs[targets[e]];
      if (w !== 0) predStart[w - 1]++;
    }
  }
  for (let d = 1; d <= reached; d++) predStart[d] += predStart[d - 1];
  const preds = new Uint32Array(predStart[reached]);
  // Fill backwards from each list's end so predStart ends up holding the list starts.
  for (let d = reached - 1; d >= 0; d--) {
    const v = vertex[d];
    for (let e = firstEdges[v + 1]; e-- > firstEdges[v];) {
      if (edgeTypes[e] === weak) continue;
      const w = dfs[targets[e]];
      if (w !== 0) preds[--predStart[w - 1]] = d;
    }
  }
  throwIfCancelled(token);

  // Phase 3: semidominators, processing vertices in reverse preorder and linking each to its parent.
  const ancestor = dfs; // node-indexed map no longer needed
  const semi = stackNode;
  const label = stackEdge;
  const idom = new Uint32Array(reached); // doubles as the path-compression stack until phase 4
  for (let d = 0; d < reached; d++) {
    semi[d] = d;
    label[d] = d;
    ancestor[d] = NONE;
  }
  const compressStack = idom;
  for (let w = reached - 1; w > 0; w--) {
    let best = semi[w];
    for (let p = predStart[w], end = predStart[w + 1]; p < end; p++) {
      const v = preds[p];
      let u: number;
      if (ancestor[v] === NONE) u = v;
      else {
        // eval(v) with iterative path compression
        let depth = 0;
        let x = v;
        while (ancestor[ancestor[x]] !== NONE) {
          compressStack[depth++] = x;
          x = ancestor[x];
        }
        while (depth > 0) {
          const y = compressStack[--depth];
          const a = ancestor[y];
          if (semi[label[a]] < semi[label[y]]) label[y] = label[a];
          ancestor[y] = ancestor[a];
        }
        u = label[v];
      }
      if (semi[u] < best) best = semi[u];
    }
    semi[w] = best;
    ancestor[w] = parent[w];
    if ((w & 0xfffff) === 0) throwIfCancelled(token);
  }

  // Phase 4: Semi-NCA — walk up from the parent until at or above the semidominator.
  idom[0] = 0;
  for (let w = 1; w < reached; w++) {
    let d = parent[w];
    const s = semi[w];
    while (d > s) d = idom[d];
    idom[w] = d;
  }

  // Back to node ordinals, in the array that held `semi`.
  const result = stackNode;
  result.fill(NONE);
  for (let d = 0; d < reached; d++) result[vertex[d]] = vertex[idom[d]];
  return { idom: result, order: vertex.slice(0, reached) };
}

/** Retained size of every node: its own size plus everything it dominates. */
export function computeRetainedSizes(snapshot: HeapSnapshot, tree: DominatorTree): Float64Array {
  const n = snapshot.nodeCount;
  const retained = new Float64Array(n);
  const sizes = snapshot.nodes.selfSizes;
  for (let i = 0; i < n; i++) retained[i] = sizes[i];
  for (const [node, size] of snapshot.nodes.largeSelfSizes) retained[node] = size;
  const { idom, order } = tree;
  for (let d = order.length - 1; d > 0; d--) {
    const v = order[d];
    retained[idom[v]] += retained[v];
  }
  return retained;
}
