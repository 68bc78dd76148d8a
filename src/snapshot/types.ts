import type { CancellationToken } from '../common/cancellation';
import type { Progress } from '../common/progress';

/** The self-description at the top of every .heapsnapshot (`snapshot.meta`), camelCased. */
export interface SnapshotMeta {
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
  locationFields: string[];
  traceFunctionInfoFields: string[];
  traceNodeFields: string[];
}

export interface SnapshotHeader {
  meta: SnapshotMeta;
  nodeCount: number;
  edgeCount: number;
  traceFunctionCount: number;
  /** Native bytes V8 attributes to the heap but not to any node (Node ≥ 20 writes it). */
  extraNativeBytes: number;
}

export interface ParseOptions {
  progress?: Progress;
  token?: CancellationToken;
  /** Bytes read at a time; tests make it tiny to split every token across reads. */
  chunkSize?: number;
  /** Parse the edges section on a second thread; by default for files from 32 MiB on. */
  parallel?: boolean;
}

export interface AnalyzeOptions {
  progress?: Progress;
  token?: CancellationToken;
  /** Compute shortest retainer paths now (default) or on first use. */
  paths?: boolean;
}

export interface SourceLocation {
  scriptId: number;
  /** Zero-based, as V8 writes them. */
  line: number;
  column: number;
  /** The script's file or URL, when known (from the inspector's Debugger.scriptParsed, or the snapshot). */
  url?: string;
}

/** One frame of the stack that allocated an object (`--track-allocations`): the function and where it is defined. */
export interface AllocationFrame {
  functionName: string;
  /** File path or URL; empty for V8-internal frames. */
  url: string;
  scriptId: number;
  /** One-based, as V8's allocation tracker writes them; 0 when unknown. */
  line: number;
  column: number;
}

/** A node as a plain value, for reports. */
export interface NodeInfo {
  /** V8 object id: stable across snapshots of one process. */
  id: number;
  type: string;
  name: string;
  className: string;
  selfSize: number;
  retainedSize: number;
  distance: number;
}

/** One hop of a retainer path, read from the root side: `edge` leads into `node`. */
export interface RetainerStep {
  /** Code-like text of the edge: `sessionCache`, `[3]`, `(context).handler`, `(map entry)`. */
  edge: string;
  edgeType: string;
  node: NodeInfo;
}

/** From a GC root to the object, shortest first and preferring named properties. */
export type RetainerPath = RetainerStep[];

export interface ClassAggregate {
  className: string;
  count: number;
  selfSize: number;
  /**
   * Retained size of the class as a whole: the sum over instances not dominated by another
   * instance of the same class, so nested instances are not counted twice.
   */
  retainedSize: number;
}

export interface SnapshotTotals {
  nodeCount: number;
  edgeCount: number;
  /** Sum of self sizes of all nodes. */
  totalSize: number;
  /** Retained size of the root: what is reachable through strong edges. */
  reachableSize: number;
  unreachableCount: number;
  unreachableSize: number;
  extraNativeBytes: number;
  maxNodeId: number;
  /**
   * The largest heap-object (odd) id. V8 numbers heap objects from a counter, so an object with a
   * larger odd id was allocated later; even ids are embedder addresses and say nothing of age.
   * Absent in reports written before it was added.
   */
  maxObjectId?: number;
}

/** A node that dominates much of the heap, with the path that keeps it alive. */
export interface Dominator {
  node: NodeInfo;
  path: RetainerPath;
}

/** What `leakscope inspect` shows: totals, the heaviest classes and dominators. */
export interface SnapshotOverview {
  schemaVersion: 1;
  file: string;
  totals: SnapshotTotals;
  /** Largest retained size first. */
  classes: ClassAggregate[];
  /** Largest retained size first. */
  dominators: Dominator[];
}
