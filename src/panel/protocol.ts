/**
 * The extension ↔ panel protocol, imported by `webview/` type-only.
 * Heap strings in these messages come from the inspected process: the panel renders them as
 * text nodes, never as HTML.
 */
import type { Finding, PackageUsage, RetainerGroup } from '../analysis/types';
import type { MemorySample, MemoryVerdict, RssBreakdown } from '../memory/types';
import type { Dominator, RetainerPath, SnapshotTotals } from '../snapshot/types';
import type { LeakVerdict } from '../report/verdicts';

/** What a panel shows. Each comes with the data that fits in one message; big tables are queried in pages. */
export type PanelModel =
  | { kind: 'report'; title: string; report: ReportView }
  | { kind: 'snapshot'; title: string; snapshot: SnapshotView }
  | { kind: 'diff'; title: string; diff: DiffView }
  /** A session in progress: memory samples arrive as `memory` messages, then a `model` of kind `report`. */
  | { kind: 'session'; title: string; target: string };

/** A leak check's report, without its class table (queried with `classRows`). */
export interface ReportView {
  verdict: LeakVerdict;
  summary: string;
  createdAt: string;
  target: string;
  cycles: number;
  findings: FindingView[];
  memory: { samples: MemorySample[]; marks: MemoryMark[]; breakdown: RssBreakdown; verdict: MemoryVerdict };
  diff: DiffView;
  /** Whether the after snapshot is on disk, so object-level queries (`retainerGraph`) can answer. */
  canQueryObjects: boolean;
  /** The command the check launched: a finding located in a package or nowhere is fixed in its scripts, as `leakscope fix` does. */
  command?: string[];
}

export interface FindingView {
  finding: Finding;
  /** The extension found a quick-fix for this finding at its source line. */
  fixAvailable: boolean;
  /** The holder as the code names it (`summaryCache` (Map), a variable of …); V8's path is `finding.path`. */
  heldBy?: string;
  /** `finding.source` and friends as text: the line that adds to the holder, where it is declared, the package. */
  facts?: {
    source?: string;
    declared?: string;
    alsoAdded?: string;
    package?: string;
    /** `in worker 2 (src/worker.js)`, for a finding in a worker thread. */ thread?: string;
  };
}

export interface DiffView {
  baselineTotals: SnapshotTotals;
  afterTotals: SnapshotTotals;
  newObjects: { count: number; selfSize: number; retainedSize: number };
  classCount: number;
  groups: RetainerGroup[];
}

export interface SnapshotView {
  file: string;
  totals: SnapshotTotals;
  classCount: number;
  dominators: Dominator[];
}

/** A point on the memory chart's time axis that the session marks: a snapshot, a cleanup. */
export interface MemoryMark {
  at: number;
  kind: 'snapshot' | 'cleanup' | 'cycle';
  label: string;
}

/** One row of the class table: a snapshot's classes, or a diff's (with the deltas). */
export interface ClassRow {
  className: string;
  count: number;
  selfSize: number;
  retainedSize: number;
  /** Diff only. */
  newCount?: number;
  deletedCount?: number;
  countDelta?: number;
  selfSizeDelta?: number;
  retainedSizeDelta?: number;
}

export type ClassSortKey =
  'className' | 'count' | 'selfSize' | 'retainedSize' | 'countDelta' | 'selfSizeDelta' | 'retainedSizeDelta' | 'newCount';

/** An object with the path that retains it, for a class expanded in the table. */
export interface ObjectPath {
  id: number;
  name: string;
  selfSize: number;
  retainedSize: number;
  path: RetainerPath;
}

/** The retainers of one object, a few levels up: nodes and the named edges between them. */
export interface RetainerGraph {
  rootId: number;
  nodes: Array<{
    id: number;
    className: string;
    name: string;
    selfSize: number;
    retainedSize: number;
    distance: number;
    isGcRoot: boolean;
  }>;
  /** `from` retains `to` through the property (or element, closure variable…) `name`. */
  edges: Array<{ from: number; to: number; name: string; kind: string }>;
  /** Retainers were cut at this many per node; the panel says so. */
  truncated: boolean;
}

/** Every query the panel can make, with its parameters and result. Calls carry an id and get `{ok}` or `{err}`. */
export interface PanelQueries {
  classRows: {
    params: { start: number; end: number; sortBy: ClassSortKey; descending: boolean; filter?: string };
    result: { total: number; rows: ClassRow[] };
  };
  /** The largest (new, for a diff) objects of a class and their retainer paths. */
  classPaths: { params: { className: string; limit: number }; result: { objects: ObjectPath[] } };
  retainerGraph: { params: { id: number; depth: number; maxRetainersPerNode: number }; result: RetainerGraph };
  /** New memory per package whose code made or holds it (a leak check's report; empty for a bare snapshot or diff). */
  packages: { params: Record<string, never>; result: { packages: PackageUsage[] } };
}

export type QueryMethod = keyof PanelQueries;
/** A call of one method; `QueryCall` is any of them. */
export type QueryCallOf<M extends QueryMethod> = { method: M; params: PanelQueries[M]['params'] };
export type QueryCall = { [M in QueryMethod]: QueryCallOf<M> }[QueryMethod];
export type QueryResult<M extends QueryMethod> = PanelQueries[M]['result'];
/** The result of some query, as a `queryResult` message carries it (its id says which). */
export type AnyQueryResult = { [M in QueryMethod]: QueryResult<M> }[QueryMethod];
/** The answering side: one function per method, each checked against its own result type. */
export type QueryAnswers = { [M in QueryMethod]: (params: PanelQueries[M]['params']) => QueryResult<M> | Promise<QueryResult<M>> };

export type ToWebview =
  | { type: 'model'; model: PanelModel }
  | { type: 'memory'; samples: MemorySample[]; marks: MemoryMark[] }
  | { type: 'progress'; message: string | undefined }
  | { type: 'queryResult'; id: number; ok: AnyQueryResult }
  | { type: 'queryResult'; id: number; err: string }
  /** A quick-fix was applied: the card says so. */
  | { type: 'fixApplied'; findingIndex: number; message: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'query'; id: number; call: QueryCall }
  | { type: 'goToSource'; file: string; line: number; column: number }
  | { type: 'applyFix'; findingIndex: number }
  | { type: 'openFile'; file: string };
