import { NeverCancelled, throwIfCancelled } from '../common/cancellation';
import { NoProgress } from '../common/progress';
import { computeDominators, computeRetainedSizes, NONE } from './dominators';
import type { HeapSnapshot } from './heapSnapshot';
import { parseSnapshot } from './parser';
import { computeShortestPaths, type ShortestPaths } from './shortestPaths';
import type {
  AnalyzeOptions,
  ClassAggregate,
  Dominator,
  NodeInfo,
  ParseOptions,
  RetainerPath,
  RetainerStep,
  SnapshotTotals,
} from './types';

const MAX_PATH_STEPS = 64;
const MAX_NAME_LENGTH = 200;

/**
 * A snapshot with its graph analysis: dominator tree, retained sizes, distance from the roots
 * and the shortest-path tree used for retainer paths. All per-node data is in typed arrays.
 */
export class HeapGraph {
  private classes: { ofNode: Uint32Array; names: string[] } | undefined;
  private aggregates: ClassAggregate[] | undefined;

  constructor(
    readonly snapshot: HeapSnapshot,
    /** Immediate dominator by node ordinal; NONE for nodes no strong path reaches. */
    readonly idom: Uint32Array,
    /** Reached nodes in DFS preorder: dominators before the nodes they dominate. */
    readonly order: Uint32Array,
    readonly retainedSizes: Float64Array,
    private paths: ShortestPaths | undefined,
  ) {}

  /** Hops from the root along strong edges; NONE when unreachable. Computed on first use when analysis skipped it. */
  get distances(): Uint32Array {
    return (this.paths ??= computeShortestPaths(this.snapshot, NeverCancelled)).distances;
  }

  /** The edge through which the shortest path reaches each node; NONE for the root and unreachable nodes. */
  get parentEdges(): Uint32Array {
    return (this.paths ??= computeShortestPaths(this.snapshot, NeverCancelled)).parentEdges;
  }

  get nodeCount(): number {
    return this.snapshot.nodeCount;
  }

  retainedSize(node: number): number {
    return this.retainedSizes[node];
  }

  isReachable(node: number): boolean {
    return this.idom[node] !== NONE;
  }

  nodeInfo(node: number): NodeInfo {
    const s = this.snapshot;
    let name = s.nodeName(node);
    if (name.length > MAX_NAME_LENGTH) name = name.slice(0, MAX_NAME_LENGTH) + '…';
    const distance = this.distances[node];
    return {
      id: s.nodeId(node),
      type: s.nodeType(node),
      name,
      className: this.className(node),
      selfSize: s.selfSize(node),
      retainedSize: this.retainedSizes[node],
      distance: distance === NONE ? -1 : distance,
    };
  }

  /** Class name, shared with the aggregates (so a class is one string, not one per node). */
  className(node: number): string {
    const classes = this.classIndex();
    return classes.names[classes.ofNode[node]];
  }

  /** Class ordinal of every node and the class names, built once on first use. */
  classIndex(): { ofNode: Uint32Array; names: string[] } {
    if (this.classes) return this.classes;
    const s = this.snapshot;
    const n = s.nodeCount;
    const types = s.nodes.types;
    const names = s.nodes.names;
    const objectType = s.nodeTypeIds.object;
    const nativeType = s.nodeTypeIds.native;
    const syntheticType = s.nodeTypeIds.synthetic;
    const byName = new Int32Array(s.strings.length).fill(-1);
    const byType = new Int32Array(s.nodeTypeNames.length + 1).fill(-1);
    const classNames: string[] = [];
    const byClassName = new Map<string, number>();
    const intern = (className: string) => {
      let c = byClassName.get(className);
      if (c === undefined) {
        c = classNames.length;
        classNames.push(className);
        byClassName.set(className, c);
      }
      return c;
    };
    const ofNode = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const t = types[i];
      // These types are classed by name (constructor, native class, root group); the rest by type.
      if (t === objectType || t === nativeType || t === syntheticType) {
        const name = names[i];
        let c = byName[name];
        if (c < 0) c = byName[name] = intern(s.strings.get(name) ?? '');
        ofNode[i] = c;
      } else {
        let c = byType[t];
        if (c < 0) c = byType[t] = intern(s.className(i));
        ofNode[i] = c;
      }
    }
    this.classes = { ofNode, names: classNames };
    return this.classes;
  }

  /** Class names of the synthetic root nodes: they retain the whole heap, not a part of it, so listings leave them out. */
  rootClassNames(): Set<string> {
    const types = this.snapshot.nodes.types;
    const synthetic = this.snapshot.nodeTypeIds.synthetic;
    const names = new Set<string>([this.className(this.snapshot.rootIndex)]);
    for (let i = 0; i < types.length; i++) if (types[i] === synthetic) names.add(this.className(i));
    return names;
  }

  /** Readable text of an edge: `name`, `[3]`, `(weak) name`, as it would appear in code. */
  edgeText(edge: number): string {
    const s = this.snapshot;
    const type = s.edges.types[edge];
    const ids = s.edgeTypeIds;
    const name = s.edgeName(edge);
    if (type === ids.element) return `[${name}]`;
    if (type === ids.hidden) return `(hidden ${name})`;
    if (type === ids.weak) return `(weak) ${name}`;
    if (type === ids.internal) return `(internal) ${name}`;
    return name.length > MAX_NAME_LENGTH ? name.slice(0, MAX_NAME_LENGTH) + '…' : name;
  }

  /** Ordinal of the node an edge leaves from (edges are stored grouped by source). */
  edgeSource(edge: number): number {
    const firstEdges = this.snapshot.nodes.firstEdges;
    let lo = 0;
    let hi = this.snapshot.nodeCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (firstEdges[mid] <= edge) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Shortest strong path from the root to `node`, preferring named properties; empty if unreachable. */
  retainerPath(node: number): RetainerPath {
    const steps: RetainerStep[] = [];
    let current = node;
    while (current !== this.snapshot.rootIndex && steps.length < MAX_PATH_STEPS) {
      const edge = this.parentEdges[current];
      if (edge === NONE) return [];
      const source = this.edgeSource(edge);
      // The synthetic root is not code: its edges (`(GC roots)`, the global object) carry no name worth reading.
      const text = source === this.snapshot.rootIndex ? '' : this.edgeText(edge);
      steps.push({ edge: text, edgeType: this.snapshot.edgeType(edge), node: this.nodeInfo(current) });
      current = source;
    }
    return steps.reverse();
  }

  /** Ordinals of the nodes on `retainerPath(node)`, in the same order (root side first). */
  retainerOrdinals(node: number): number[] {
    const nodes: number[] = [];
    let current = node;
    while (current !== this.snapshot.rootIndex && nodes.length < MAX_PATH_STEPS) {
      const edge = this.parentEdges[current];
      if (edge === NONE) return [];
      nodes.push(current);
      current = this.edgeSource(edge);
    }
    return nodes.reverse();
  }

  totals(): SnapshotTotals {
    const s = this.snapshot;
    let totalSize = 0;
    let unreachableCount = 0;
    let unreachableSize = 0;
    for (let i = 0; i < s.nodeCount; i++) {
      const size = s.selfSize(i);
      totalSize += size;
      if (this.idom[i] === NONE) {
        unreachableCount++;
        unreachableSize += size;
      }
    }
    return {
      nodeCount: s.nodeCount,
      edgeCount: s.edgeCount,
      totalSize,
      reachableSize: this.retainedSizes[s.rootIndex],
      unreachableCount,
      unreachableSize,
      extraNativeBytes: s.header.extraNativeBytes,
      maxNodeId: s.maxNodeId,
      maxObjectId: s.maxObjectId,
    };
  }

  /**
   * Count, self size and retained size per class, largest retained first. A class's retained size
   * counts only instances with no same-class dominator above them, so a linked list is not
   * counted once per link. Computed once.
   */
  classAggregates(): ClassAggregate[] {
    if (this.aggregates) return this.aggregates;
    const { ofNode, names } = this.classIndex();
    const classCount = names.length;
    const count = new Float64Array(classCount);
    const self = new Float64Array(classCount);
    const retained = new Float64Array(classCount);
    const s = this.snapshot;
    const idom = this.idom;
    const none = NONE;
    for (let i = 0; i < s.nodeCount; i++) {
      const c = ofNode[i];
      const size = s.selfSize(i);
      count[c]++;
      self[c] += size;
      // Unreachable nodes retain only themselves and have no dominator to share a class with.
      if (idom[i] === none) retained[c] += size;
    }
    this.sumOutermostInstances(ofNode, classCount, retained);
    const result: ClassAggregate[] = [];
    for (let c = 0; c < classCount; c++)
      result.push({ className: names[c], count: count[c], selfSize: self[c], retainedSize: retained[c] });
    this.aggregates = result.sort((a, b) => b.retainedSize - a.retainedSize);
    return this.aggregates;
  }

  /**
   * Adds to `retained[class]` the retained size of each node that has no dominator of its own
   * class, by a depth-first walk of the dominator tree that counts, per class, how many
   * instances are on the current path.
   */
  private sumOutermostInstances(ofNode: Uint32Array, classCount: number, retained: Float64Array): void {
    const n = this.snapshot.nodeCount;
    const root = this.snapshot.rootIndex;
    const idom = this.idom;
    const none = NONE;
    const sizes = this.retainedSizes;
    // Children lists of the dominator tree (CSR): counts at each list's end, then filled backwards,
    // which leaves childStart[v] at list v's start without a separate cursor array.
    const childStart = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) if (idom[i] !== none && i !== root) childStart[idom[i]]++;
    for (let i = 1; i <= n; i++) childStart[i] += childStart[i - 1];
    const children = new Uint32Array(childStart[n]);
    for (let i = n - 1; i >= 0; i--) if (idom[i] !== none && i !== root) children[--childStart[idom[i]]] = i;
    // The walk's stack holds (node, next child) pairs and grows with the tree's depth, which is
    // small in real heaps: two node-sized arrays less at the analysis' peak (400 MB on a 4 GB file).
    let stack = new Uint32Array(2048);
    const onPath = new Int32Array(classCount);
    let top = 0;
    stack[0] = root;
    stack[1] = childStart[root];
    retained[ofNode[root]] += sizes[root];
    onPath[ofNode[root]]++;
    while (top >= 0) {
      const v = stack[2 * top];
      const next = stack[2 * top + 1];
      if (next < childStart[v + 1]) {
        stack[2 * top + 1] = next + 1;
        const child = children[next];
        if (2 * (top + 2) > stack.length) {
          const grown = new Uint32Array(stack.length * 2);
          grown.set(stack);
          stack = grown;
        }
        top++;
        stack[2 * top] = child;
        stack[2 * top + 1] = childStart[child];
        const c = ofNode[child];
        if (onPath[c] === 0) retained[c] += sizes[child];
        onPath[c]++;
      } else {
        onPath[ofNode[v]]--;
        top--;
      }
    }
  }

  /**
   * The nodes that hold the most memory, each as specific as possible: where one node retains
   * nearly all of what its dominator does (global → cache → table), the deeper one is shown.
   */
  topDominators(limit: number): Dominator[] {
    const s = this.snapshot;
    const synthetic = s.nodeTypeIds.synthetic;
    const candidateCount = Math.max(limit * 20, 200);
    const candidates = topNodesBy(
      this.retainedSizes,
      candidateCount,
      (i) => i !== s.rootIndex && s.nodes.types[i] !== synthetic && this.idom[i] !== NONE,
    );
    const chosen = new Set(candidates);
    for (const c of candidates) {
      const parent = this.idom[c];
      if (chosen.has(parent) && this.retainedSizes[c] >= 0.9 * this.retainedSizes[parent]) chosen.delete(parent);
    }
    return candidates
      .filter((c) => chosen.has(c))
      .slice(0, limit)
      .map((node) => ({ node: this.nodeInfo(node), path: this.retainerPath(node) }));
  }
}

/** Indices of the `k` largest values that pass `accept`, largest first, via a bounded min-heap. */
function topNodesBy(values: Float64Array, k: number, accept: (i: number) => boolean): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => values[a] < values[b];
  for (let i = 0; i < values.length; i++) {
    if (heap.length === k && values[i] <= values[heap[0]]) continue;
    if (!accept(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      let j = heap.length - 1;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!less(heap[j], heap[p])) break;
        [heap[j], heap[p]] = [heap[p], heap[j]];
        j = p;
      }
    } else {
      heap[0] = i;
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        const r = l + 1;
        let m = j;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === j) break;
        [heap[j], heap[m]] = [heap[m], heap[j]];
        j = m;
      }
    }
  }
  return heap.sort((a, b) => values[b] - values[a]);
}

/** Dominators, retained sizes and shortest paths for a parsed snapshot. */
export function analyzeSnapshot(snapshot: HeapSnapshot, options: AnalyzeOptions = {}): HeapGraph {
  const token = options.token ?? NeverCancelled;
  const progress = options.progress ?? NoProgress;
  progress.report({ message: 'Computing dominators' });
  const tree = computeDominators(snapshot, token);
  throwIfCancelled(token);
  progress.report({ message: 'Computing retained sizes' });
  const retained = computeRetainedSizes(snapshot, tree);
  // A diff's baseline never shows a path; everything else does, and the BFS is cheapest here,
  // reusing the dominator pass's buffers.
  const paths = options.paths === false ? undefined : computeShortestPaths(snapshot, token, tree.scratch);
  return new HeapGraph(snapshot, tree.idom, tree.order, retained, paths);
}

/** Parse and analyse in one step: the usual way in. */
export async function loadHeapGraph(path: string, options: ParseOptions & AnalyzeOptions = {}): Promise<HeapGraph> {
  const snapshot = await parseSnapshot(path, options);
  return analyzeSnapshot(snapshot, options);
}
