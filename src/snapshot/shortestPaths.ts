import { throwIfCancelled, type CancellationToken } from '../common/cancellation';
import { NONE } from './dominators';
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
export function computeShortestPaths(snapshot: HeapSnapshot, token: CancellationToken): ShortestPaths {
  const n = snapshot.nodeCount;
  const firstEdges = snapshot.nodes.firstEdges;
  const targets = snapshot.edges.targets;
  const types = snapshot.edges.types;
  const ids = snapshot.edgeTypeIds;
  const preferred = new Uint8Array(snapshot.edgeTypeNames.length);
  for (const t of [ids.property, ids.element, ids.context, ids.shortcut]) if (t >= 0) preferred[t] = 1;
  const weak = ids.weak;

  const distances = new Uint32Array(n).fill(NONE);
  const parentEdges = new Uint32Array(n).fill(NONE);
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = snapshot.rootIndex;
  distances[snapshot.rootIndex] = 0;
  while (head < tail) {
    const v = queue[head++];
    const next = distances[v] + 1;
    const start = firstEdges[v];
    const end = firstEdges[v + 1];
    for (let round = 1; round >= 0; round--) {
      for (let e = start; e < end; e++) {
        const t = types[e];
        if (t === weak || preferred[t] !== round) continue;
        const w = targets[e];
        if (distances[w] !== NONE) continue;
        distances[w] = next;
        parentEdges[w] = e;
        queue[tail++] = w;
      }
    }
    if ((head & 0xfffff) === 0) throwIfCancelled(token);
  }
  return { distances, parentEdges };
}
