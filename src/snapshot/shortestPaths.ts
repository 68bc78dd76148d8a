import { throwIfCancelled, type CancellationToken } from '../common/cancellation';
import { NONE, type DominatorScratch } from './dominators';
import type { HeapSnapshot } from './heapSnapshot';

export interface ShortestPaths {
  distances: Uint32Array;
  parentEdges: Uint32Array;
}

/**
 * Breadth-first search from the root over strong edges. Each node's edges are taken in two
 * rounds, properties and elements first and V8's internal links after, so among equally short
 * paths the one that reads like code (`cache.table[3]`) wins over `(internal) 4`.
 */
export function computeShortestPaths(snapshot: HeapSnapshot, token: CancellationToken, scratch?: DominatorScratch): ShortestPaths {
  const n = snapshot.nodeCount;
  const firstEdges = snapshot.nodes.firstEdges;
  const targets = snapshot.edges.targets;
  const types = snapshot.edges.types;
  const ids = snapshot.edgeTypeIds;
  const preferred = new Uint8Array(snapshot.edgeTypeNames.length);
  for (const t of [ids.property, ids.element, ids.context, ids.shortcut]) if (t >= 0) preferred[t] = 1;
  const weak = ids.weak;

  const none = NONE; // a local: the imported binding is a property load in the hot loop
  // The dominator pass's dead buffers, when given, hold these arrays: no new allocation at the peak.
  // The results go in the node-sized ones; the queue, which only ever holds nodes a strong path
  // reaches (each has a predecessor but the root), goes in the predecessor list, which is then
  // garbage: kept as parentEdges, its edge-sized buffer stayed alive through the overview's peak.
  const distances = (scratch ? scratch.nodeSized : new Uint32Array(n)).fill(none);
  const parentEdges = (scratch ? scratch.predStart.subarray(0, n) : new Uint32Array(n)).fill(none);
  const queue = scratch && scratch.preds.length >= n ? scratch.preds : new Uint32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = snapshot.rootIndex;
  distances[snapshot.rootIndex] = 0;
  while (head < tail) {
    const v = queue[head++];
    const next = distances[v] + 1;
    const start = firstEdges[v];
    const end = firstEdges[v + 1];
    // Round one takes the preferred edges and notes whether any other edge leads somewhere new;
    // only then is there a round two.
    let pending = false;
    for (let e = start; e < end; e++) {
      const t = types[e];
      if (t === weak) continue;
      const w = targets[e];
      if (distances[w] !== none) continue;
      if (preferred[t] === 0) {
        pending = true;
        continue;
      }
      distances[w] = next;
      parentEdges[w] = e;
      queue[tail++] = w;
    }
    if (pending) {
      for (let e = start; e < end; e++) {
        const t = types[e];
        if (t === weak || preferred[t] === 1) continue;
        const w = targets[e];
        if (distances[w] !== none) continue;
        distances[w] = next;
        parentEdges[w] = e;
        queue[tail++] = w;
      }
    }
    if ((head & 0xfffff) === 0) throwIfCancelled(token);
  }
  return { distances, parentEdges };
}
