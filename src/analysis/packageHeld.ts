import { NONE } from '../snapshot/dominators';
import type { HeapGraph } from '../snapshot/heapGraph';

/**
 * Who an object belongs to, by the script its constructor or function lives in: an index into the
 * caller's list of owners, or -1 for objects no script claims (literals, strings, V8's internals).
 */
export type ScriptOwner = (scriptId: number) => number;

/** Owners are numbered in 16 bits: one Uint16 per node keeps the walk at 2 bytes a node on multi-GB heaps. */
const UNOWNED = 0xffff;
const MAX_OWNERS = UNOWNED;

/** What kind of code an owner is: the program's own code keeps what it makes, wherever it is held. */
export const enum OwnerKind {
  Own = 0,
  Package = 1,
  Node = 2,
}

/**
 * The whole heap split between owners, by the dominator tree: each object counts for the nearest
 * dominating object an owner's code made, with two turns that answer "which dependency holds the
 * memory". What a package's object dominates stays that package's, Node's objects and other
 * packages' included (a socket and a queue inside ioredis's client count for ioredis, the package
 * the program uses); but the program's own objects stay the program's wherever they are held (a
 * route handler kept by express, and the cache in its scope, are your code). Returns bytes per
 * owner index; what no owner dominates is left out, so the shares add up to at most the heap.
 */
export function heldByOwner(graph: HeapGraph, ownerOfScript: ScriptOwner, kindOf: (owner: number) => OwnerKind): Float64Array {
  const s = graph.snapshot;
  const n = s.nodeCount;
  const owners = new Map<number, number>();
  let ownerCount = 0;
  const own = new Uint16Array(n).fill(UNOWNED);
  const { nodes: locatedNodes, scriptIds } = s.locations;
  for (let i = 0; i < locatedNodes.length; i++) {
    let owner = owners.get(scriptIds[i]);
    if (owner === undefined) {
      owner = ownerOfScript(scriptIds[i]);
      owners.set(scriptIds[i], owner);
    }
    if (owner >= 0 && owner < MAX_OWNERS) {
      own[locatedNodes[i]] = owner;
      ownerCount = Math.max(ownerCount, owner + 1);
    }
  }
  const kinds = new Uint8Array(ownerCount);
  for (let o = 0; o < ownerCount; o++) kinds[o] = kindOf(o);

  // Dominators come before what they dominate in `order`, so one pass settles each node from its
  // dominator's settled owner, in place.
  const held = new Float64Array(ownerCount);
  const { order, idom } = graph;
  for (let k = 0; k < order.length; k++) {
    const v = order[k];
    const d = idom[v];
    if (d !== NONE && d !== v) {
      const above = own[d];
      const mine = own[v];
      if (above !== UNOWNED && (mine === UNOWNED || (kinds[mine] !== OwnerKind.Own && kinds[above] === OwnerKind.Package))) own[v] = above;
    }
    if (own[v] !== UNOWNED) held[own[v]] += s.selfSize(v);
  }
  return held;
}
