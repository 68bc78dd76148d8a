import { formatBytes } from '../../common/bytes';
import type { HeapGraph } from '../../snapshot/heapGraph';
import type { Detector } from './detector';
import { fieldNames } from './shape';
import { poolShape } from './undisposedPool';

/** Edges from a JS object to the native handle it owns, and back. */
const HANDLE_EDGES = new Set(['_handle', '<symbol kHandle>']);
const OWNER_EDGE = '<symbol owner_symbol>';
/** Nodes looked at under one handle: a socket and what was made with it, not the whole heap. */
const MAX_SUBTREE = 4000;
/** Hops through plain containers (an array of clients, a Map of pools) that still count as owning. */
const OWN_DEPTH = 4;
/** Classes that are storage, not a resource a program makes. */
const CONTAINERS = new Set(['Object', 'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'Function']);

/**
 * Resources made per request and never closed, found from the handles they keep open. An open
 * socket or timer handle is a GC root, so what it keeps shows up as held by `Node / TCPSocketWrap`;
 * the leak is whoever keeps creating the objects that own those handles. From the handle's JS
 * owner (a Socket), follow ownership upwards (who holds it in a field or a collection of its own)
 * to the outermost object of a real class that owns it: an undici Agent, a ws WebSocket, a
 * database client; that class, made once per request, is the finding.
 */
export const handleOwnerDetector: Detector = {
  id: 'handle-owner',
  title: 'Objects made per request that keep handles open',
  detect({ group, graph, sampleNodes }) {
    // The handle itself holds the growth (a kind of handle, or its wrapper just below it); a path
    // that merely passes through a handle (a server's) is someone else's holder.
    const last = group.holderPath.slice(-2).map((s) => s.edge);
    const fromHandle =
      group.holderClassName.startsWith('Node / ') || last.includes(OWNER_EDGE) || group.edgeFromHolder.includes('native_to_javascript');
    if (!fromHandle) return undefined;
    const votes = new Map<string, { count: number; node: number }>();
    for (const top of sampleNodes) {
      if (top < 0) continue;
      const owner = outermostOwner(graph, top);
      if (owner === undefined) continue;
      const vote = votes.get(graph.className(owner)) ?? { count: 0, node: owner };
      vote.count++;
      votes.set(graph.className(owner), vote);
    }
    const [best, vote] = [...votes].sort((a, b) => b[1].count - a[1].count)[0] ?? [];
    if (!best || !vote) return undefined;
    const made = group.classes.find((c) => c.className === best)?.count ?? 0;
    const perCycle = group.growth ? made / Math.max(1, group.growth.cyclesBeforeMid + group.growth.cyclesAfterMid) : 0;
    // A pool or agent whose library is known by its fields reads as that library's (three call a class `Pool`).
    const shape = poolShape(graph, vote.node);
    return {
      kind: 'undisposed-pool',
      title: shape
        ? `${shape.what[0].toUpperCase()}${shape.what.slice(1)} (${best}) are created every cycle and never ended: their open handles keep them`
        : `${best} objects are made every cycle and never closed: their open handles keep them`,
      confidence: 'high',
      explanation:
        `${made} ${best} objects appeared during the check${perCycle >= 1 ? ` (${Math.round(perCycle)} per cycle)` : ''} and each still owns an open handle (a socket, a timer), ` +
        `which is a GC root: the handle keeps the ${best} and everything it holds (${Math.round(group.growth?.objectsPerCycle ?? 0)} objects, ` +
        `${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle). The code that makes one ${best} per request is the leak; with --track-allocations the finding names its line.`,
      fix: {
        id: 'hoist-pool',
        summary: `Create the ${best} once and reuse it, or close it (close(), destroy(), end()) when the request is done.`,
      },
    };
  },
};

/**
 * Under one handle's JS wrapper: the objects it keeps (its dominator subtree, bounded), the
 * handle's owner (the Socket), and the owner of that owner, and so on, to the class object that
 * no other class object in the subtree owns. Ties go to the one owning the most.
 */
function outermostOwner(graph: HeapGraph, top: number): number | undefined {
  const s = graph.snapshot;
  const subtree = dominatedFrom(graph, top);
  const handleOwners = new Set<number>();
  // The handles' own JS wrappers (TCP, Timer): they point at their owner, they are not one.
  const wrappers = new Set<number>();
  for (const node of subtree) {
    for (let e = s.firstEdge(node); e < s.edgeEnd(node); e++) {
      const name = s.edgeName(e);
      if (name === OWNER_EDGE && subtree.has(s.edgeTarget(e))) {
        handleOwners.add(s.edgeTarget(e));
        wrappers.add(node);
      } else if (HANDLE_EDGES.has(name) && s.nodeType(node) === 'object') handleOwners.add(node);
    }
  }
  if (handleOwners.size === 0) return undefined;
  const candidates = [...subtree].filter((n) => isResourceObject(graph, n) && !handleOwners.has(n) && !wrappers.has(n));
  const candidateSet = new Set(candidates);
  // owns[a]: the candidates and handle owners `a` holds through plain containers.
  const owns = new Map<number, number[]>();
  for (const a of candidates) owns.set(a, ownedBy(graph, a, candidateSet, handleOwners, subtree));
  const ownsHandle = new Map<number, number>();
  const reach = (a: number, seen: Set<number>): number => {
    if (ownsHandle.has(a)) return ownsHandle.get(a)!;
    seen.add(a);
    let count = 0;
    for (const b of owns.get(a) ?? []) {
      if (handleOwners.has(b)) count++;
      else if (!seen.has(b)) count += 1 + reach(b, seen);
    }
    ownsHandle.set(a, count);
    return count;
  };
  const owned = new Set(candidates.flatMap((a) => owns.get(a)!.filter((b) => candidateSet.has(b))));
  const tops = candidates.filter((a) => !owned.has(a) && reach(a, new Set()) > 0);
  tops.sort((a, b) => ownsHandle.get(b)! - ownsHandle.get(a)!);
  return tops[0];
}

/** Nodes reachable from `top` by strong edges that `top` dominates, at most MAX_SUBTREE. */
function dominatedFrom(graph: HeapGraph, top: number): Set<number> {
  const s = graph.snapshot;
  const result = new Set([top]);
  const queue = [top];
  while (queue.length > 0 && result.size < MAX_SUBTREE) {
    const node = queue.shift()!;
    for (let e = s.firstEdge(node); e < s.edgeEnd(node); e++) {
      if (s.isWeakEdge(e)) continue;
      const t = s.edgeTarget(e);
      if (result.has(t) || !dominates(graph, top, t)) continue;
      result.add(t);
      queue.push(t);
    }
  }
  return result;
}

function dominates(graph: HeapGraph, a: number, b: number): boolean {
  const idom = graph.idom;
  for (let v = b, hops = 0; hops < 64; hops++) {
    if (v === a) return true;
    const up = idom[v];
    if (up === v || up === undefined || up >= graph.nodeCount) return false;
    v = up;
  }
  return false;
}

/** An object of a class of its own: what a program makes with `new`, not storage or V8's internals. */
function isResourceObject(graph: HeapGraph, node: number): boolean {
  const s = graph.snapshot;
  if (s.nodeType(node) !== 'object') return false;
  const cls = graph.className(node);
  if (CONTAINERS.has(cls) || cls.startsWith('system /') || cls.startsWith('(')) return false;
  return !fieldNames(graph, node).has('constructor');
}

/** The candidates and handle owners `a` holds directly or through plain containers, not through closures or other classes. */
function ownedBy(graph: HeapGraph, a: number, candidates: Set<number>, handleOwners: Set<number>, subtree: Set<number>): number[] {
  const s = graph.snapshot;
  const found: number[] = [];
  const seen = new Set([a]);
  let frontier = [a];
  for (let depth = 0; depth < OWN_DEPTH && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const node of frontier) {
      for (let e = s.firstEdge(node); e < s.edgeEnd(node); e++) {
        if (s.isWeakEdge(e)) continue;
        const name = s.edgeName(e);
        if (name === '__proto__' || name === 'map' || name === 'constructor') continue;
        const t = s.edgeTarget(e);
        if (seen.has(t) || !subtree.has(t)) continue;
        seen.add(t);
        if (candidates.has(t) || handleOwners.has(t)) found.push(t);
        else if (s.nodeType(t) !== 'closure' && graph.className(t) !== 'system / Context') next.push(t);
      }
    }
    frontier = next;
  }
  return found;
}
