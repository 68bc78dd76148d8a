import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import type { HeapSnapshot } from './heapSnapshot';

/** Marks "no node" in ordinal-valued arrays. */
const NONE = 0xffffffff;
// Exported by name, not as `export const`: CommonJS output would read `exports.NONE` in the hot loops.
export { NONE };

/**
 * Buffers computeDominators is done with, handed on so the next passes reuse them instead of
 * allocating while the garbage waits for a GC: on big heaps that is hundreds of MB of peak RSS.
 */
export interface DominatorScratch {
  /** 8 bytes per node: room for the Float64 retained sizes. */
  pair: ArrayBuffer;
  nodeSized: Uint32Array;
  predStart: Uint32Array;
  preds: Uint32Array;
}

export interface DominatorTree {
  /** Immediate dominator of each node (by ordinal); the root's is itself, unreachable nodes' is NONE. */
  idom: Uint32Array;
  /**
   * Reachable nodes in depth-first preorder from the root. Every node comes after its
   * dominator, so one reverse sweep sums retained sizes and one forward sweep walks the tree top-down.
   */
  order: Uint32Array;
  scratch?: DominatorScratch;
}

const CHECK_EVERY = 1 << 20;

/**
 * Dominators over strong edges (weak edges do not retain), by Lengauer–Tarjan's semidominators
 * with path compression, finished with the Semi-NCA step (idom = nearest common ancestor of
 * parent and semidominator in the DFS tree), which needs no buckets. Everything is iterative
 * (heaps have paths millions of nodes deep) and works in DFS-number space on Uint32Arrays that
 * are reused from phase to phase, so the peak is five node-sized arrays plus the predecessor lists.
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
  // `label` and the DFS-space idom share one buffer, which later holds the Float64 retained sizes.
  const pair = new ArrayBuffer(n * 8);
  // SNCA starts every idom at the DFS parent, so the parent array is the idom array.
  const parent = new Uint32Array(pair, n * 4, n);
  const stackNode = new Uint32Array(n); // becomes `semi`, then the result
  const stackEdge = new Uint32Array(pair, 0, n); // becomes `label`
  // Predecessor counts are taken during the DFS, which sees every strong edge of every reached
  // node exactly once; counts go at each list's end index (see phase 2).
  const predStart = new Uint32Array(n + 1);
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
    if (dfs[w] !== 0) {
      predStart[dfs[w] - 1]++;
      continue;
    }
    const number = count++;
    predStart[number]++;
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
  // Filled walking nodes in ordinal order, not DFS order, so the edge columns are read sequentially.
  for (let d = 1; d <= reached; d++) predStart[d] += predStart[d - 1];
  const preds = new Uint32Array(predStart[reached]);
  for (let v = 0; v < n; v++) {
    const dv = dfs[v];
    if (dv === 0) continue;
    for (let e = firstEdges[v], end = firstEdges[v + 1]; e < end; e++) {
      if (edgeTypes[e] === weak) continue;
      const w = dfs[targets[e]];
      if (w !== 0) preds[--predStart[w - 1]] = dv - 1;
    }
  }
  throwIfCancelled(token);

  // Phase 3: semidominators, vertices in reverse preorder. As in LLVM's Semi-NCA, a vertex counts
  // as linked to its parent once processed, so "linked" is `number > w` rather than a lookup, and
  // a predecessor numbered below w (most are: the DFS parent) is its own candidate with no memory read.
  // `ancestor` starts as a copy of the parent array and is shortened by path compression.
  const ancestor = dfs; // node-indexed map no longer needed
  const semi = stackNode;
  const label = stackEdge;
  const idom = parent;
  for (let d = 0; d < reached; d++) {
    ancestor[d] = parent[d];
    label[d] = d;
  }
  // Compression paths are short in real heaps; the stack grows only for pathological chains.
  let compressStack = new Uint32Array(1024);
  for (let w = reached - 1; w > 0; w--) {
    let best = parent[w];
    for (let p = predStart[w], end = predStart[w + 1]; p < end; p++) {
      const v = preds[p];
      if (v <= w) {
        if (v < best) best = v;
        continue;
      }
      // eval(v): the smallest-semi label on v's path to the root of its linked tree, compressing the path.
      let u: number;
      if (ancestor[v] <= w) u = label[v];
      else {
        let depth = 0;
        let x = v;
        do {
          if (depth === compressStack.length) {
            const grown = new Uint32Array(depth * 2);
            grown.set(compressStack);
            compressStack = grown;
          }
          compressStack[depth++] = x;
          x = ancestor[x];
        } while (ancestor[x] > w);
        // x is the last linked vertex below the tree's root; fold its label down the path.
        let p2 = x;
        let pLabel = label[p2];
        while (depth > 0) {
          const y = compressStack[--depth];
          ancestor[y] = ancestor[p2];
          const yLabel = label[y];
          if (semi[pLabel] < semi[yLabel]) label[y] = pLabel;
          else pLabel = yLabel;
          p2 = y;
        }
        u = label[v];
      }
      const candidate = semi[u];
      if (candidate < best) best = candidate;
    }
    semi[w] = best;
    if ((w & 0xfffff) === 0) throwIfCancelled(token);
  }

  // Phase 4: Semi-NCA — from the parent, walk up the (final) idoms of earlier vertices until at
  // or above the semidominator. In place: idom[w] still holds parent[w] when w is reached.
  idom[0] = 0;
  for (let w = 1; w < reached; w++) {
    let d = idom[w];
    const s = semi[w];
    while (d > s) d = idom[d];
    idom[w] = d;
  }

  // Back to node ordinals, in the array that held `semi`.
  const result = stackNode;
  result.fill(NONE);
  for (let d = 0; d < reached; d++) result[vertex[d]] = vertex[idom[d]];
  return {
    idom: result,
    order: vertex.subarray(0, reached),
    scratch: { pair, nodeSized: dfs, predStart, preds },
  };
}

/** Retained size of every node: its own size plus everything it dominates. */
export function computeRetainedSizes(snapshot: HeapSnapshot, tree: DominatorTree): Float64Array {
  const n = snapshot.nodeCount;
  const retained = tree.scratch ? new Float64Array(tree.scratch.pair, 0, n) : new Float64Array(n);
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
