import type { HeapGraph } from '../snapshot/heapGraph';
import type { SourceLocation } from '../snapshot/types';
import { MIN_BOUND_EVIDENCE } from './boundEvidence';
import type { GroupGrowth } from './types';

// The one-shot timers a check leaves pending, and what their callbacks reach: the evidence that a
// growing holder drops what it holds on timers (an expiry per entry), for analysis/diff.ts.

/** Context links followed from a timer's callback: its own scope and the scopes around it. */
const TIMER_SCOPES = 3;
/** Fields of a callback's `this` looked at: an object's own, not a collection's entries. */
const MAX_OWNER_FIELDS = 200;

/** New one-shot timers still pending, each with what its callback's scopes reach. */
export interface PendingTimers {
  /** Timer → the objects its callback reaches (each variable's object, and the fields of `this`). */
  reach: Map<number, number[]>;
  /** Timer → its callback (a closure node, whose location is the callback's code). */
  callback: Map<number, number>;
  /** Object → how many of the timers reach it. */
  reachCount: Map<number, number>;
}

export function pendingTimers(graph: HeapGraph, isOld: (id: number) => boolean): PendingTimers {
  const s = graph.snapshot;
  const found: PendingTimers = { reach: new Map(), callback: new Map(), reachCount: new Map() };
  const { ofNode, names } = graph.classIndex();
  const timeout = names.indexOf('Timeout');
  if (timeout < 0) return found;
  const edgeTo = (node: number, name: string) => edgeNamed(graph, node, name);
  for (let node = 0; node < ofNode.length; node++) {
    if (ofNode[node] !== timeout || isOld(s.nodeId(node))) continue;
    // A one-shot timer's `_repeat` is null (an edge to it); an interval's is a number, no edge.
    if (edgeTo(node, '_repeat') === undefined || edgeTo(node, '_idleNext') === undefined) continue;
    const callback = edgeTo(node, '_onTimeout');
    if (callback === undefined || s.nodeType(callback) !== 'closure') continue;
    const seen = new Set<number>();
    let context = edgeTo(callback, 'context');
    for (let depth = 0; context !== undefined && depth < TIMER_SCOPES; depth++) {
      for (let e = s.firstEdge(context); e < s.edgeEnd(context); e++) {
        if (s.edges.types[e] !== s.edgeTypeIds.context) continue;
        const value = s.edgeTarget(e);
        seen.add(value);
        if (s.edgeName(e) !== 'this') continue;
        const end = Math.min(s.edgeEnd(value), s.firstEdge(value) + MAX_OWNER_FIELDS);
        for (let f = s.firstEdge(value); f < end; f++) if (!s.isWeakEdge(f)) seen.add(s.edgeTarget(f));
      }
      context = edgeTo(context, 'previous');
    }
    const list = [...seen];
    found.reach.set(node, list);
    found.callback.set(node, callback);
    for (const value of list) found.reachCount.set(value, (found.reachCount.get(value) ?? 0) + 1);
  }
  return found;
}

/**
 * What new one-shot timers, still pending, can reach through their callbacks' scopes, with how
 * many such timers reach it: counted only for timers that something they reach also keeps, to
 * cancel or reschedule them. That is a store setting a timer per entry to drop it (an expiry,
 * lru-cache's `ttlAutopurge`), bounded by time, not size: it holds what arrives in one delay. A
 * timeout a request drops is no such bookkeeping, and intervals drop nothing by firing; neither is
 * counted here. A timer nothing keeps whose callback deletes from the store is bounded too, but
 * only its code tells (see {@link timerCallbacks}).
 */
export function pendingExpiries(graph: HeapGraph, timers: PendingTimers): Map<number, number> {
  const s = graph.snapshot;
  const reached = new Map<number, number>();
  // Keepers: reached by many of the timers, and holding at least half of those that reach them.
  const keepers = new Set<number>();
  for (const [value, count] of timers.reachCount) {
    if (count < MIN_BOUND_EVIDENCE) continue;
    let held = 0;
    for (let e = s.firstEdge(value); e < s.edgeEnd(value); e++) if (!s.isWeakEdge(e) && timers.reach.has(s.edgeTarget(e))) held++;
    if (held >= 0.5 * count) keepers.add(value);
  }
  if (keepers.size === 0) return reached;
  for (const list of timers.reach.values()) {
    if (!list.some((value) => keepers.has(value))) continue;
    for (const value of list) reached.set(value, (reached.get(value) ?? 0) + 1);
  }
  return reached;
}

/**
 * The pending timers that reach a holder, when there are as many as half the entries it gained,
 * and where their callbacks' code is (most timers first). Whether the callbacks drop entries is
 * for the code to say (`session/attachHolderCode.ts` asks `fixes/timerCallback.ts`, which reads the
 * callback's source); the heap only says they are pending.
 */
export function timerCallbacks(graph: HeapGraph, timers: PendingTimers, holder: number, tops: number): GroupGrowth['pendingTimers'] {
  const count = timers.reachCount.get(holder) ?? 0;
  if (tops < MIN_BOUND_EVIDENCE || count < 0.5 * tops) return undefined;
  const sites = new Map<string, { location: SourceLocation; count: number }>();
  for (const [timer, list] of timers.reach) {
    if (!list.includes(holder)) continue;
    const location = graph.snapshot.location(timers.callback.get(timer)!);
    if (!location) continue;
    const key = `${location.scriptId}:${location.line}:${location.column}`;
    const site = sites.get(key) ?? { location: { ...location }, count: 0 };
    site.count++;
    sites.set(key, site);
  }
  if (sites.size === 0) return undefined;
  return {
    count,
    callbacks: [...sites.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, 3)
      .map((site) => ({ ...site.location, timers: site.count })),
  };
}

/**
 * A group of Timeouts (the timer list's) whose sampled members are all one-shot: where their
 * callbacks are. Whether they are expiries (a callback that takes an entry out of a collection)
 * is for the code to say; an interval is never one.
 */
export function oneShotCallbacks(graph: HeapGraph, acc: { samples: number[] }, count: number): GroupGrowth['pendingTimers'] {
  if (count < MIN_BOUND_EVIDENCE) return undefined;
  const s = graph.snapshot;
  const edgeTo = (node: number, name: string) => edgeNamed(graph, node, name);
  const sites = new Map<string, SourceLocation & { timers: number }>();
  for (const node of acc.samples) {
    const callback = edgeTo(node, '_onTimeout');
    if (callback === undefined) continue;
    if (edgeTo(node, '_repeat') === undefined) return undefined;
    const location = s.location(callback);
    if (!location) continue;
    const key = `${location.scriptId}:${location.line}:${location.column}`;
    const site = sites.get(key) ?? { ...location, timers: 0 };
    site.timers++;
    sites.set(key, site);
  }
  if (sites.size === 0) return undefined;
  return { count, callbacks: [...sites.values()].sort((a, b) => b.timers - a.timers).slice(0, 3) };
}

/** Node's list of active timers of one duration, or a Timeout in it: both link timers through `_idleNext`. */
export function isTimerList(graph: HeapGraph, holder: number): boolean {
  return edgeNamed(graph, holder, '_idleNext') !== undefined && edgeNamed(graph, holder, '_idlePrev') !== undefined;
}

function edgeNamed(graph: HeapGraph, node: number, name: string): number | undefined {
  const s = graph.snapshot;
  for (let e = s.firstEdge(node); e < s.edgeEnd(node); e++) if (s.edgeName(e) === name) return s.edgeTarget(e);
  return undefined;
}
