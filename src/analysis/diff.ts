import { AllocationStacks, userFrame } from '../snapshot/allocationStacks';
import { NONE } from '../snapshot/dominators';
import type { HeapGraph } from '../snapshot/heapGraph';
import { IdSet } from '../snapshot/idSet';
import type { ClassAggregate } from '../snapshot/types';
import { comparableSnapshot, isHeapId, type ComparableSnapshot } from './comparableSnapshot';
import { checkSameProcess } from './sameProcess';
import { MIN_BOUND_EVIDENCE } from './boundEvidence';
import { isTimerList, oneShotCallbacks, pendingExpiries, pendingTimers, timerCallbacks, type PendingTimers } from './pendingTimers';
import type { AllocationSite, ClassDiff, DiffOptions, GroupGrowth, LeakedObject, RetainerGroup, SnapshotDiff } from './types';

export interface DiffInput {
  graph: HeapGraph;
  file: string;
}

/**
 * Compares snapshots of one process by V8 object id. Per class: instances allocated since the
 * baseline, instances collected since, and count, self-size and retained-size deltas. The objects
 * that are new and still alive (in `final` too, when given) are grouped by the pre-existing
 * object that holds them, which is where a leak lives. The baseline may come as a full graph or
 * as the summary a worker thread computed while this thread loaded the others.
 */
export function diffSnapshots(
  baseline: DiffInput | ComparableSnapshot,
  after: DiffInput,
  final?: DiffInput,
  options: DiffOptions = {},
): SnapshotDiff {
  return diffWithHolders(baseline, after, final, options).diff;
}

/** The diff, and the ordinal of each group's holder in the graph the groups were read in (for the detectors). */
export function diffWithHolders(
  baseline: DiffInput | ComparableSnapshot,
  after: DiffInput,
  final?: DiffInput,
  options: DiffOptions = {},
): { diff: SnapshotDiff; holders: number[]; graph: HeapGraph } {
  const base = 'graph' in baseline ? comparableSnapshot(baseline.graph, baseline.file) : baseline;
  checkSameProcess(base, { snapshot: after.graph.snapshot, file: after.file });
  const afterIds = IdSet.of(after.graph.snapshot.nodes.ids);
  if (final) checkSameProcess(comparableSnapshot(after.graph, after.file), { snapshot: final.graph.snapshot, file: final.file });
  const baseIds = IdSet.fromParts(base.ids);

  const population = new Map<string, number>();
  const classes = diffClasses(base, after.graph, baseIds, afterIds, final?.graph, options.maxClasses ?? 200, population);

  // Survivors are looked at in the latest snapshot: its paths are what still holds them.
  const leakGraph = (final ?? after).graph;
  const leakIds = leakGraph.snapshot.nodes.ids;
  const isNew = new Uint8Array(leakGraph.nodeCount);
  for (let i = 0; i < isNew.length; i++) {
    const id = leakIds[i];
    if (isHeapId(id) && !baseIds.has(id) && (!final || afterIds.has(id)) && leakGraph.isReachable(i) && !isRoot(leakGraph, i)) isNew[i] = 1;
  }
  const { groups, holders, totals } = groupByHolder(leakGraph, isNew, options, { population, isOld: (id) => baseIds.has(id) });
  const diff: SnapshotDiff = {
    schemaVersion: 1,
    baseline: { file: base.file, totals: base.totals },
    after: { file: after.file, totals: after.graph.totals() },
    ...(final ? { final: { file: final.file, totals: final.graph.totals() } } : {}),
    classes,
    newObjects: totals,
    groups,
  };
  return { diff, holders, graph: leakGraph };
}

function isRoot(graph: HeapGraph, node: number): boolean {
  return node === graph.snapshot.rootIndex || graph.snapshot.nodes.types[node] === graph.snapshot.nodeTypeIds.synthetic;
}

function diffClasses(
  base: ComparableSnapshot,
  after: HeapGraph,
  baseIds: IdSet,
  afterIds: IdSet,
  final: HeapGraph | undefined,
  max: number,
  population: Map<string, number>,
): ClassDiff[] {
  const byName = new Map<string, ClassDiff & { baseHeapCount: number; afterHeapCount: number }>();
  const empty = (className: string): ClassAggregate => ({ className, count: 0, selfSize: 0, retainedSize: 0 });
  const entry = (className: string) => {
    let d = byName.get(className);
    if (!d) {
      d = {
        className,
        newCount: 0,
        deletedCount: 0,
        countDelta: 0,
        selfSizeDelta: 0,
        retainedSizeDelta: 0,
        baseline: empty(className),
        after: empty(className),
        newSelfSize: 0,
        baseHeapCount: 0,
        afterHeapCount: 0,
      };
      byName.set(className, d);
    }
    return d;
  };
  base.classes.forEach((a, k) => Object.assign(entry(a.className), { baseline: a, baseHeapCount: base.heapCounts[k] }));
  for (const a of after.classAggregates()) entry(a.className).after = a;
  for (const [name, v] of countByClass(after, isHeapId)) entry(name).afterHeapCount = v.count;
  for (const [name, v] of countByClass(after, (id) => isHeapId(id) && !baseIds.has(id)))
    Object.assign(entry(name), { newCount: v.count, newSelfSize: v.selfSize });
  if (final) {
    for (const d of byName.values()) d.survivorCount = 0;
    for (const [name, v] of countByClass(final, (id) => isHeapId(id) && !baseIds.has(id) && afterIds.has(id)))
      entry(name).survivorCount = v.count;
  }
  const result: ClassDiff[] = [];
  for (const { baseHeapCount, afterHeapCount, ...d } of byName.values()) {
    // An object keeps its class for life, so what the baseline had and `after` lacks is
    // its heap instances minus those that are still there (after's minus the new ones).
    d.deletedCount = Math.max(0, baseHeapCount - (afterHeapCount - d.newCount));
    d.countDelta = d.after.count - d.baseline.count;
    d.selfSizeDelta = d.after.selfSize - d.baseline.selfSize;
    d.retainedSizeDelta = d.after.retainedSize - d.baseline.retainedSize;
    population.set(d.className, afterHeapCount - baseHeapCount);
    if (d.newCount || d.deletedCount || d.countDelta || d.selfSizeDelta || d.retainedSizeDelta) result.push(d);
  }
  // Synthetic roots retain everything; their delta is the heap's, not a class's.
  const roots = after.rootClassNames();
  return result
    .filter((d) => !roots.has(d.className))
    .sort(
      (a, b) =>
        Math.abs(b.retainedSizeDelta) - Math.abs(a.retainedSizeDelta) ||
        Math.abs(b.countDelta) - Math.abs(a.countDelta) ||
        b.newCount - a.newCount,
    )
    .slice(0, max);
}

/** Count and self size, per class name, of the nodes whose id passes `test`. */
function countByClass(graph: HeapGraph, test: (id: number) => boolean): Map<string, { count: number; selfSize: number }> {
  const { ofNode, names } = graph.classIndex();
  const counts = new Float64Array(names.length);
  const sizes = new Float64Array(names.length);
  const ids = graph.snapshot.nodes.ids;
  for (let i = 0; i < ids.length; i++) {
    if (!test(ids[i])) continue;
    counts[ofNode[i]]++;
    sizes[ofNode[i]] += graph.snapshot.selfSize(i);
  }
  const result = new Map<string, { count: number; selfSize: number }>();
  for (let c = 0; c < names.length; c++) if (counts[c] > 0) result.set(names[c], { count: counts[c], selfSize: sizes[c] });
  return result;
}

/**
 * Each new object belongs to its topmost new dominator; each such top object is held by the
 * last pre-existing object on its shortest retainer path (a Map's table, an array's elements and
 * the like may be new, since they are reallocated as the collection grows, so they are passed through).
 * A top object that another pre-existing holder also retains (a list of jobs and an index of the
 * same jobs) counts in that holder's group too: each holder must let go of it, and a holder that
 * only ever shares its objects would otherwise never show its growth.
 */
/** What the baseline tells the grouping: which ids it had, and how each class's population changed since. */
interface BaselineFacts {
  /** Heap instances per class in `after` minus those in the baseline. */
  population: Map<string, number>;
  isOld: (id: number) => boolean;
}

function groupByHolder(
  graph: HeapGraph,
  isNew: Uint8Array,
  options: DiffOptions,
  baseline: BaselineFacts,
): { groups: RetainerGroup[]; holders: number[]; totals: SnapshotDiff['newObjects'] } {
  const s = graph.snapshot;
  const n = graph.nodeCount;
  const idom = graph.idom;
  const order = graph.order;
  const retained = graph.retainedSizes;
  const { ofNode } = graph.classIndex();

  // top[v]: the topmost new node among v's dominators (v included), or NONE. Preorder puts dominators first.
  const top = new Uint32Array(n).fill(NONE);
  for (let k = 0; k < order.length; k++) {
    const v = order[k];
    const above = v === s.rootIndex ? NONE : top[idom[v]];
    top[v] = above !== NONE ? above : isNew[v] ? v : NONE;
  }

  // Each top node's group, found once: the holder walk and its key are per top, not per object.
  const groupOfTop = new Int32Array(n).fill(-1);
  const groupIndex = new Map<string, number>();
  /** Groups of other holders that retain a top node too, by top node. */
  const alsoIn = new Map<number, number[]>();
  const sampleCount = options.samplesPerGroup ?? 3;
  interface Acc {
    holder: number;
    edge: number;
    count: number;
    selfSize: number;
    retainedSize: number;
    classes: Map<number, { count: number; retainedSize: number }>;
    samples: number[];
    /** Objects per allocation trace node, when the snapshot has them. */
    traces: Map<number, number>;
    /** With a mid snapshot: objects alive at it, and the own size of objects allocated after it. */
    beforeMid: number;
    afterMidSelf: number;
    /** Top objects (the group's own entries). */
    tops: number;
  }
  const midIds = options.mid ? IdSet.fromParts(options.mid.ids) : undefined;
  const ids = graph.snapshot.nodes.ids;
  const traceNodeIds = graph.snapshot.trace ? graph.snapshot.nodes.traceNodeIds : undefined;
  const accs: Acc[] = [];
  let totalCount = 0;
  let totalSelf = 0;
  let totalRetained = 0;

  const groupOf = (h: { holder: number; edge: number }): number => {
    // Embedder nodes (one per socket, handle, wrap) have no identity across snapshots, and a
    // program that leaks sockets has one per request: they are one holder by kind, not by node.
    const holderKey = isHeapId(graph.snapshot.nodeId(h.holder)) ? String(h.holder) : `native ${graph.className(h.holder)}`;
    const key = `${holderKey}:${holderEdgeLabel(graph, h.edge)}`;
    let g = groupIndex.get(key) ?? -1;
    if (g < 0) {
      g = accs.length;
      groupIndex.set(key, g);
      accs.push({
        holder: h.holder,
        edge: h.edge,
        count: 0,
        selfSize: 0,
        retainedSize: 0,
        classes: new Map(),
        samples: [],
        traces: new Map(),
        beforeMid: 0,
        afterMidSelf: 0,
        tops: 0,
      });
    }
    return g;
  };
  for (let k = 0; k < order.length; k++) {
    const t = order[k];
    if (top[t] === t) groupOfTop[t] = groupOf(findHolder(graph, t, isNew));
  }
  findCoHolders(graph, top, isNew, groupOfTop, groupOf, alsoIn);

  for (let k = 0; k < order.length; k++) {
    const v = order[k];
    if (!isNew[v]) continue;
    const t = top[v];
    const g = groupOfTop[t];
    const self = s.selfSize(v);
    totalCount++;
    totalSelf += self;
    if (t === v) totalRetained += retained[v];
    const bornBeforeMid = midIds?.has(ids[v]) ?? false;
    const c = ofNode[v];
    // Count retained size once per class chain: skip objects whose dominator is a new one of the same class.
    const d = idom[v];
    const outermost = !(isNew[d] && ofNode[d] === c);
    add(accs[g], v, t === v, self, bornBeforeMid, c, outermost);
    const shared = alsoIn.size > 0 ? alsoIn.get(t) : undefined;
    if (shared) for (const other of shared) add(accs[other], v, t === v, self, bornBeforeMid, c, outermost);
  }

  function add(acc: Acc, v: number, isTop: boolean, self: number, bornBeforeMid: boolean, c: number, outermost: boolean): void {
    acc.count++;
    acc.selfSize += self;
    if (bornBeforeMid) acc.beforeMid++;
    // Growth in bytes is what the objects born after the mid snapshot occupy themselves: a
    // collection's storage may predate it while its new entries do not.
    else if (midIds) acc.afterMidSelf += self;
    if (isTop) {
      acc.tops++;
      acc.retainedSize += retained[v];
      keepLargest(acc.samples, v, retained, sampleCount);
    }
    if (traceNodeIds && traceNodeIds[v] !== 0) acc.traces.set(traceNodeIds[v], (acc.traces.get(traceNodeIds[v]) ?? 0) + 1);
    let cls = acc.classes.get(c);
    if (!cls) acc.classes.set(c, (cls = { count: 0, retainedSize: 0 }));
    cls.count++;
    if (outermost) cls.retainedSize += retained[v];
  }

  // How many top objects each pair of groups shares, for `sharedWith`.
  const shares = new Map<Acc, Map<Acc, number>>();
  for (const [t, extra] of alsoIn) {
    const members = [accs[groupOfTop[t]], ...extra.map((g) => accs[g])];
    for (const a of members) {
      let row = shares.get(a);
      if (!row) shares.set(a, (row = new Map()));
      for (const b of members) if (b !== a) row.set(b, (row.get(b) ?? 0) + 1);
    }
  }
  const { names } = graph.classIndex();
  const stacks = AllocationStacks.of(graph.snapshot);
  const kept = accs.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count).slice(0, options.maxGroups ?? 20);
  let pending: PendingTimers | undefined;
  const timers = () => (pending ??= pendingTimers(graph, (id) => baseline.isOld(id)));
  const bounds = options.mid ? boundsOf(graph, kept, shares, baseline, names, options.mid, timers) : new Map<Acc, string>();
  const growthOf = (acc: Acc, mid: NonNullable<DiffOptions['mid']>): GroupGrowth => {
    const growth = groupGrowth(acc.count, acc.beforeMid, acc.afterMidSelf, mid, bounds.get(acc));
    const callbacks = !growth.steady
      ? undefined
      : isTimerList(graph, acc.holder)
        ? oneShotCallbacks(graph, acc, acc.classes.get(names.indexOf('Timeout'))?.count ?? 0)
        : timerCallbacks(graph, timers(), acc.holder, acc.tops);
    return callbacks ? { ...growth, pendingTimers: callbacks } : growth;
  };
  const groups = kept.map((acc): RetainerGroup => {
    return {
      holderPath: graph.retainerPath(acc.holder),
      holderId: s.nodeId(acc.holder),
      holderClassName: graph.className(acc.holder),
      edgeFromHolder: holderEdgeLabel(graph, acc.edge),
      count: acc.count,
      selfSize: acc.selfSize,
      retainedSize: acc.retainedSize,
      classes: [...acc.classes.entries()]
        .map(([c, v]) => ({ className: names[c], count: v.count, retainedSize: v.retainedSize }))
        .sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count),
      samples: acc.samples.map((node) => leakedObject(graph, node, stacks)),
      ...(stacks && acc.traces.size > 0 ? { allocationSites: allocationSites(stacks, acc.traces) } : {}),
      ...(options.mid ? { growth: growthOf(acc, options.mid) } : {}),
      ...(shares.has(acc)
        ? {
            sharedWith: [...shares.get(acc)!]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 5)
              .map(([other, count]) => ({ holderId: s.nodeId(other.holder), count })),
          }
        : {}),
    };
  });
  return {
    groups,
    holders: kept.map((acc) => acc.holder),
    totals: { count: totalCount, selfSize: totalSelf, retainedSize: totalRetained },
  };
}

/**
 * How a group hangs off its holder. Element indexes are dropped (`[…]`): the 2,000 records in an
 * array are one group, not 2,000 groups of one, whether reached by index or through the array's storage.
 */
function holderEdgeLabel(graph: HeapGraph, edge: number): string {
  if (edge === NONE) return '';
  const s = graph.snapshot;
  const type = s.edges.types[edge];
  if (type === s.edgeTypeIds.element || type === s.edgeTypeIds.hidden) return '[…]';
  // An object with this many own properties is used as a map (label sets, ids, event names):
  // its keys are data, so its entries are its contents, as an array's indexes are.
  if (type === s.edgeTypeIds.property && isDictionary(graph, graph.edgeSource(edge))) return '[…]';
  // A collection's backing store (`elements`, `table`) is its contents too.
  if (type === s.edgeTypeIds.internal && s.nodes.types[s.edges.targets[edge]] === s.nodeTypeIds.array) return '[…]';
  return graph.edgeText(edge);
}

/** Keeps `list` as the `k` nodes of largest retained size seen so far, largest first. */
function keepLargest(list: number[], node: number, retained: Float64Array, k: number): void {
  if (k <= 0 || (list.length === k && retained[node] <= retained[list[k - 1]])) return;
  let i = list.length < k ? list.length : k - 1;
  while (i > 0 && retained[list[i - 1]] < retained[node]) {
    if (i < k) list[i] = list[i - 1];
    i--;
  }
  list[i] = node;
}

const DICTIONARY_PROPERTIES = 32;

/** Per graph and holder: a map-like object is asked once, not once per entry (a 100k-key cache). */
const dictionaries = new WeakMap<HeapGraph, Map<number, boolean>>();

function isDictionary(graph: HeapGraph, node: number): boolean {
  let known = dictionaries.get(graph);
  if (!known) dictionaries.set(graph, (known = new Map()));
  let answer = known.get(node);
  if (answer === undefined) {
    const s = graph.snapshot;
    let count = 0;
    for (let e = s.firstEdge(node); e < s.edgeEnd(node) && count <= DICTIONARY_PROPERTIES; e++)
      if (s.edges.types[e] === s.edgeTypeIds.property) count++;
    answer = count > DICTIONARY_PROPERTIES;
    known.set(node, answer);
  }
  return answer;
}

/**
 * Other holders of the top nodes: every strong edge into a top node that is not the one its
 * shortest path arrives by, followed up to a pre-existing holder as the shortest path is. An
 * edge from inside the top's own group (a child pointing back at its parent) leads to the same
 * group and is ignored. One pass over the edges.
 */
function findCoHolders(
  graph: HeapGraph,
  top: Uint32Array,
  isNew: Uint8Array,
  groupOfTop: Int32Array,
  groupOf: (h: { holder: number; edge: number }) => number,
  alsoIn: Map<number, number[]>,
): void {
  const s = graph.snapshot;
  const { firstEdges } = s.nodes;
  const { targets, types } = s.edges;
  const weak = s.edgeTypeIds.weak;
  const shortcut = s.edgeTypeIds.shortcut;
  const { element, hidden } = s.edgeTypeIds;
  const parentEdges = graph.parentEdges;
  const holderGroupOf = new Map<number, number>();
  const idom = graph.idom;
  const nodeTypes = s.nodes.types;
  const synthetic = s.nodeTypeIds.synthetic;
  const root = s.rootIndex;
  for (let v = 0; v < s.nodeCount; v++) {
    // GC roots hold what the program holds; they are not a holder of their own.
    if (idom[v] === NONE || v === root || nodeTypes[v] === synthetic) continue;
    for (let e = firstEdges[v], end = firstEdges[v + 1]; e < end; e++) {
      const t = targets[e];
      // isNew first: a byte per node stays in cache, and most edges lead to old objects.
      if (!isNew[t] || top[t] !== t || parentEdges[t] === e || types[e] === weak || types[e] === shortcut || t === v) continue;
      let g: number;
      if (isNew[v]) g = groupOfTop[top[v]];
      else if (types[e] === element || types[e] === hidden) {
        // A collection's storage reaches many tops, by index: walk up from it once.
        g = holderGroupOf.get(v) ?? -1;
        if (g < 0) holderGroupOf.set(v, (g = groupOf(findHolder(graph, v, isNew, e))));
      } else g = groupOf(findHolder(graph, v, isNew, e));
      if (g < 0 || g === groupOfTop[t]) continue;
      const list = alsoIn.get(t);
      if (!list) alsoIn.set(t, [g]);
      else if (!list.includes(g)) list.push(g);
    }
  }
}

/** The pre-existing object that holds `node`, walking its shortest path up from `edgeOut` (the edge `node` holds it by, if any). */
function findHolder(graph: HeapGraph, node: number, isNew: Uint8Array, edgeOut = NONE): { holder: number; edge: number } {
  let current = node;
  let edge = edgeOut;
  while (isNew[current] || isBackingStore(graph, current, edge)) {
    edge = graph.parentEdges[current];
    if (edge === NONE) return { holder: current, edge: NONE };
    current = graph.edgeSource(edge);
  }
  return { holder: current, edge };
}

/**
 * A V8-internal array reached by an internal edge (a Map's `table`, an Array's `elements`) is
 * part of the collection that owns it: report the collection, which is what the code names.
 */
function isBackingStore(graph: HeapGraph, node: number, edgeOut: number): boolean {
  if (edgeOut === NONE) return false;
  const s = graph.snapshot;
  const type = s.nodes.types[node];
  if (type !== s.nodeTypeIds.array && type !== s.nodeTypeIds.hidden) return false;
  const edgeIn = graph.parentEdges[node];
  if (edgeIn === NONE) return false;
  const t = s.edges.types[edgeIn];
  return t === s.edgeTypeIds.internal || t === s.edgeTypeIds.hidden;
}

/** What a group needs for the bound judgement; `Acc` in groupByHolder has it. */
interface BoundInput {
  holder: number;
  tops: number;
  count: number;
  beforeMid: number;
  classes: Map<number, { count: number }>;
}

/**
 * Groups whose growth is bounded by what holds them, with why. A collection is judged by its size
 * over the cycles and by what it drops, not by its new objects alone:
 * - it replaces what it holds: as many of its objects' kind were dropped as were added (a Map that
 *   stays at 50 keys gets a new value per call);
 * - it fills storage sized ahead: its backing store predates the check and is larger than growth
 *   by appending would have made it (an LRU's `new Array(max)`), so the store is its bound;
 * - it indexes a bounded store: nearly all its entries are held by a group judged bounded too
 *   (an LRU's key map beside its key list);
 * - it drops what it holds on timers: as many pending one-shot timers, set during the check, reach
 *   it through their callbacks' scopes as it gained (a TTL cache purging each entry when it expires);
 * - it drops what it added early: far more survivors from the second half than from the first,
 *   while its kind of object grew by less than it gained (a cache filling up and evicting). A
 *   linked list that only grows splits between two holders unevenly but drops nothing.
 */
function boundsOf<A extends BoundInput>(
  graph: HeapGraph,
  accs: A[],
  shares: Map<A, Map<A, number>>,
  baseline: BaselineFacts,
  names: string[],
  mid: NonNullable<DiffOptions['mid']>,
  timers: () => PendingTimers,
): Map<A, string> {
  const result = new Map<A, string>();
  let expiring: Map<number, number> | undefined;
  for (const acc of accs) {
    // A class's population says what a holder drops only for the program's own kinds of object:
    // strings, closures and V8's internals churn everywhere. And a holder that is a handle kind,
    // not one object, splits its growth by chance.
    const main = [...acc.classes].sort((a, b) => b[1].count - a[1].count)[0];
    const ownKind = main && !/^[(]|^system \/|^Node \//.test(names[main[0]]) && isHeapId(graph.snapshot.nodeId(acc.holder));
    const delta = ownKind ? baseline.population.get(names[main[0]]) : undefined;
    if (main && delta !== undefined && main[1].count >= MIN_BOUND_EVIDENCE && delta < 0.25 * main[1].count) {
      result.set(
        acc,
        `it replaces what it holds: ${main[1].count} ${names[main[0]]} objects are new since the baseline, but there are only ${Math.max(0, delta)} more of them`,
      );
      continue;
    }
    const rateBefore = acc.beforeMid / Math.max(1, mid.cyclesBefore);
    const rateAfter = (acc.count - acc.beforeMid) / Math.max(1, mid.cyclesAfter);
    if (main && delta !== undefined && rateAfter > 2 * rateBefore + 1 && delta < 0.75 * main[1].count) {
      result.set(
        acc,
        `it kept ${Math.round(rateBefore)} objects per cycle from the first half and ${Math.round(rateAfter)} from the second, and drops what it added early: it is still filling towards a bound; run more cycles to tell`,
      );
      continue;
    }
    const replaced = replacedUnderOldKeys(graph, acc.holder, baseline);
    if (replaced !== undefined) {
      result.set(acc, `it replaces what it holds: ${replaced} of its new entries went under keys it already had before the check`);
      continue;
    }
    expiring ??= pendingExpiries(graph, timers());
    const expiries = expiring.get(acc.holder) ?? 0;
    if (acc.tops >= MIN_BOUND_EVIDENCE && expiries >= 0.5 * acc.tops) {
      result.set(
        acc,
        `it drops what it holds on timers: ${expiries} one-shot timers set during the check close over it and have not fired yet (an expiry, a TTL purge); run the check for longer than their delay to see them fire`,
      );
      continue;
    }
    const capacity = reservedCapacity(graph, acc.holder, acc.tops, baseline);
    if (capacity !== undefined)
      result.set(
        acc,
        `it fills storage sized ahead (${capacity} slots, reserved before the check), which bounds it; run more cycles to see it evict`,
      );
  }
  for (const acc of accs) {
    const row = shares.get(acc);
    if (result.has(acc) || !row || acc.tops < MIN_BOUND_EVIDENCE) continue;
    let covered = 0;
    for (const [other, n] of row) if (result.has(other)) covered += n;
    if (covered >= 0.9 * acc.tops) result.set(acc, 'its entries are those of a bounded store beside it, which it indexes');
  }
  return result;
}

/**
 * For a Map or Set whose hash table predates the check: how many new values sit under keys that
 * predate it too, when nearly all new values do (a Map that stays at its 50 keys); undefined when
 * the new values came with new keys, as a growing map's do. The table stores each entry's key in
 * the slot before its value; a small-integer key has no node and counts as neither.
 */
function replacedUnderOldKeys(graph: HeapGraph, holder: number, baseline: BaselineFacts): number | undefined {
  const s = graph.snapshot;
  for (let e = s.firstEdge(holder); e < s.edgeEnd(holder); e++) {
    if (s.edges.types[e] !== s.edgeTypeIds.internal || s.edgeName(e) !== 'table') continue;
    const table = s.edgeTarget(e);
    if (!baseline.isOld(s.nodeId(table))) return undefined;
    const bySlot = new Map<string, number>();
    for (let f = s.firstEdge(table); f < s.edgeEnd(table); f++) bySlot.set(s.edgeName(f), s.edgeTarget(f));
    let replaced = 0;
    let added = 0;
    for (const [slot, value] of bySlot) {
      if (baseline.isOld(s.nodeId(value)) || s.nodes.types[value] === s.nodeTypeIds.hidden) continue;
      const key = bySlot.get(String(Number(slot) - 1));
      if (key === undefined) continue;
      if (baseline.isOld(s.nodeId(key))) replaced++;
      else added++;
    }
    return replaced >= MIN_BOUND_EVIDENCE && replaced >= 0.9 * (replaced + added) ? replaced : undefined;
  }
  return undefined;
}

/**
 * The slots of a holder's backing store (an Array's elements), when the store is older than the
 * check and larger than appending would have grown it (V8 grows by half plus 16): storage that
 * was reserved up front. Undefined otherwise.
 */
function reservedCapacity(graph: HeapGraph, holder: number, added: number, baseline: BaselineFacts): number | undefined {
  if (added < MIN_BOUND_EVIDENCE) return undefined;
  const s = graph.snapshot;
  for (let e = s.firstEdge(holder); e < s.edgeEnd(holder); e++) {
    if (s.edges.types[e] !== s.edgeTypeIds.internal || s.edgeName(e) !== 'elements') continue;
    const store = s.edgeTarget(e);
    if (s.nodes.types[store] !== s.nodeTypeIds.array || !baseline.isOld(s.nodeId(store))) return undefined;
    let used = 0;
    for (let f = s.firstEdge(store); f < s.edgeEnd(store); f++)
      if (!s.isWeakEdge(f) && s.nodes.types[s.edgeTarget(f)] !== s.nodeTypeIds.hidden) used++;
    // A FixedArray: a 16-byte header, then one pointer per slot.
    const capacity = Math.floor((s.selfSize(store) - 16) / 8);
    return capacity > 1.5 * Math.max(0, used - added) + 16 && capacity >= used ? capacity : undefined;
  }
  return undefined;
}

/** The second half's rate above this many times the first's (plus a few objects for small counts) is a burst, not steady growth. */
const BURST_RATIO = 4;
const BURST_SLACK_PER_CYCLE = 5;

function groupGrowth(
  count: number,
  beforeMid: number,
  afterMidBytes: number,
  mid: NonNullable<DiffOptions['mid']>,
  bound: string | undefined,
): GroupGrowth {
  const newAfterMid = count - beforeMid;
  const rateBefore = beforeMid / Math.max(1, mid.cyclesBefore);
  const rateAfter = newAfterMid / Math.max(1, mid.cyclesAfter);
  const grows = beforeMid >= mid.cyclesBefore && newAfterMid >= mid.cyclesAfter && rateAfter >= 0.5 * rateBefore;
  // A leak adds at about the same rate in both halves. Growth many times faster in the second is
  // work in progress the last snapshot caught (a client reconnecting on a timer holds one attempt's
  // socket and closures) or a structure that only began to fill: not evidence of a leak yet.
  const burst =
    rateAfter > BURST_RATIO * rateBefore + BURST_SLACK_PER_CYCLE
      ? `added ${beforeMid} objects in the first half of the cycles and ${newAfterMid} in the second; growth that speeds up this much is a burst or a fill, not yet a steady leak (more cycles tell)`
      : undefined;
  const note = grows ? (bound ?? burst) : undefined;
  return {
    cyclesBeforeMid: mid.cyclesBefore,
    cyclesAfterMid: mid.cyclesAfter,
    newBeforeMid: beforeMid,
    newAfterMid,
    objectsPerCycle: rateAfter,
    bytesPerCycle: afterMidBytes / Math.max(1, mid.cyclesAfter),
    // At least one new object per cycle in each window (a reallocated backing store is one per
    // window, not growth), the second window not slowing to under half the first, and nothing
    // showing the holder bounded.
    steady: grows && note === undefined,
    ...(note ? { inconclusive: note } : {}),
  };
}

/** The user-code frames that allocated a group's objects, by how many objects each allocated. */
function allocationSites(stacks: AllocationStacks, traces: Map<number, number>): AllocationSite[] {
  const sites = new Map<string, AllocationSite>();
  for (const [traceNode, count] of traces) {
    const frame = userFrame(stacks.framesOfTrace(traceNode));
    if (!frame) continue;
    const key = `${frame.url}:${frame.line}:${frame.column}:${frame.functionName}`;
    const site = sites.get(key);
    if (site) site.count += count;
    else sites.set(key, { functionName: frame.functionName, url: frame.url, line: frame.line, column: frame.column, count });
  }
  return [...sites.values()].sort((a, b) => b.count - a.count).slice(0, 5);
}

function leakedObject(graph: HeapGraph, node: number, stacks: AllocationStacks | undefined): LeakedObject {
  const info = graph.nodeInfo(node);
  const location = graph.snapshot.location(node);
  const allocation = stacks?.framesOf(node);
  return {
    id: info.id,
    className: info.className,
    name: info.name,
    selfSize: info.selfSize,
    retainedSize: info.retainedSize,
    path: graph.retainerPath(node),
    ...(location ? { location } : {}),
    ...(allocation && allocation.length > 0 ? { allocation } : {}),
  };
}

/**
 * One sentence on the holders that grew during the check but showed a bound (they replace what
 * they hold, fill storage sized ahead, or drop what they added early) or grew in a burst at the
 * end, for a report's summary: not a leak, and a longer run would settle them. Undefined when there are none.
 */
export function inconclusiveGrowth(diff: SnapshotDiff): string | undefined {
  const unsettled = diff.groups.filter((g) => g.growth?.inconclusive && g.count >= MIN_BOUND_EVIDENCE);
  if (unsettled.length === 0) return undefined;
  const named = unsettled
    .slice(0, 3)
    .map((g) => `${g.holderPath.at(-1)?.edge || g.holderClassName} (${g.holderClassName}): ${g.growth!.inconclusive}`);
  return `Inconclusive for ${unsettled.length === 1 ? 'one holder' : `${unsettled.length} holders`} that grew but not like a leak (bounded, or in a burst), not called ${unsettled.length === 1 ? 'a leak' : 'leaks'}: ${named.join('; ')}.`;
}
