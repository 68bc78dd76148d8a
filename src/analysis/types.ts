import type { FixId } from '../common/fixIds';
import type { AllocationFrame, ClassAggregate, RetainerPath, SnapshotTotals, SourceLocation } from '../snapshot/types';

export interface SnapshotSummary {
  /** The file the snapshot was read from, as given. */
  file: string;
  totals: SnapshotTotals;
}

/** Per-class difference between two snapshots of one process, matched by V8 object id. */
export interface ClassDiff {
  className: string;
  /** Instances in `after` whose id the baseline did not have (allocated since). */
  newCount: number;
  /** Baseline instances whose id `after` no longer has (collected since). */
  deletedCount: number;
  countDelta: number;
  selfSizeDelta: number;
  retainedSizeDelta: number;
  baseline: ClassAggregate;
  after: ClassAggregate;
  /** Bytes held by the new instances alone (self size). */
  newSelfSize: number;
  /** With a third snapshot: new instances that are still alive in it. */
  survivorCount?: number;
}

/** A new object that is still alive, with the path that keeps it. */
export interface LeakedObject {
  id: number;
  className: string;
  name: string;
  selfSize: number;
  retainedSize: number;
  path: RetainerPath;
  location?: SourceLocation;
  /** With allocation tracking: the stack that allocated it, innermost frame first. */
  allocation?: AllocationFrame[];
}

/** Where a group's objects were allocated: the innermost frame in the user's code, and how many objects. */
export interface AllocationSite {
  functionName: string;
  url: string;
  line: number;
  column: number;
  count: number;
}

/**
 * New objects grouped by the node that holds them: the last pre-existing (baseline) object on
 * their retainer path, which is where a leak usually lives (a cache, an array, a listener list).
 */
export interface RetainerGroup {
  /** Readable retainer path to the holder, from a GC root. */
  holderPath: RetainerPath;
  holderId: number;
  holderClassName: string;
  /** How the new objects hang off the holder, e.g. `table`, `[…]`, `(map entry)`. */
  edgeFromHolder: string;
  count: number;
  selfSize: number;
  retainedSize: number;
  /** Classes of the objects in the group, largest retained size first. */
  classes: Array<{ className: string; count: number; retainedSize: number }>;
  /** A few members, for inspection. */
  samples: LeakedObject[];
  /** With allocation tracking: the code that allocated the group's objects, most objects first. */
  allocationSites?: AllocationSite[];
  /** With a mid snapshot: how the group grew in each half of the cycles. */
  growth?: GroupGrowth;
  /** Other groups' holders that retain some of the same objects, with how many of its top objects they share. */
  sharedWith?: Array<{ holderId: number; count: number }>;
}

/**
 * Growth of a group across the cycles, from a snapshot taken halfway: objects allocated before
 * it that are still alive, and objects allocated after it. A leak adds to both at a steady rate;
 * a bounded cache that filled up, or that evicts, stops adding to the first half.
 */
export interface GroupGrowth {
  cyclesBeforeMid: number;
  cyclesAfterMid: number;
  newBeforeMid: number;
  newAfterMid: number;
  /** Objects the group gains per cycle, over the second half. */
  objectsPerCycle: number;
  /** Bytes the group gains per cycle over the second half: the own size of the objects born in it. */
  bytesPerCycle: number;
  /** Both halves added at least one object per cycle at about the same rate, and nothing shows the holder bounded. */
  steady: boolean;
  /**
   * Growth that is not called steady, and why: the holder replaces what it holds, fills storage
   * sized ahead, or its growth races ahead in the second half. The check was too short to call it
   * a leak; more cycles would tell.
   */
  inconclusive?: string;
  /**
   * Steady growth that pending one-shot timers set during the check reach, as many as half the
   * entries the holder gained: where their callbacks are (zero-based, as V8 writes them; `timers`
   * of them each). If the callbacks drop entries from the holder, it is bounded by time.
   */
  pendingTimers?: {
    count: number;
    callbacks: Array<SourceLocation & { timers: number }>;
  };
  /**
   * Set by the holder-code step when the program's code bounds the holder although it grew
   * during the check (a timer per entry that deletes it, a trim to a length after each insert):
   * the statement that does it (one-based). The growth is then inconclusive, not a leak.
   */
  boundInCode?: CodeLocation & { text: string };
}

export interface SnapshotDiff {
  schemaVersion: 1;
  baseline: SnapshotSummary;
  after: SnapshotSummary;
  final?: SnapshotSummary;
  /** Largest absolute retained delta first. Classes with no change are left out. */
  classes: ClassDiff[];
  /** New since the baseline and alive in `after` (and in `final`, when given). */
  newObjects: { count: number; selfSize: number; retainedSize: number };
  groups: RetainerGroup[];
}

export interface DiffOptions {
  /** Ids alive at a snapshot taken between baseline and after, with the cycles on each side of it. */
  mid?: { ids: import('../snapshot/idSet').IdSetParts; cyclesBefore: number; cyclesAfter: number };
  /** Most classes to keep in `classes`. */
  maxClasses?: number;
  /** Most retainer groups to report. */
  maxGroups?: number;
  /** Samples kept per group. */
  samplesPerGroup?: number;
}

/** An installed package, from the package.json of its folder under node_modules. */
export interface PackageRef {
  name: string;
  version?: string;
}

/** Memory that the leak check saw new and alive, attributed to the package whose code made or holds it. */
export interface PackageUsage {
  /** The package's name, or `(your code)` for the program's own files, `(node)` for Node's internals. */
  name: string;
  version?: string;
  /** Holders (diff groups) attributed to it. */
  holders: number;
  /** New objects still alive, and the bytes they retain. */
  objects: number;
  retainedSize: number;
  /** What its steadily growing holders gain per cycle. */
  bytesPerCycle: number;
  /**
   * What its objects dominate in the heap at the end, new or not (`heldByOwner`). Absent in
   * reports written before it was measured.
   */
  heldSize?: number;
}

/** A one-based place in a file. */
export interface CodeLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * Maps a one-based location in the code V8 ran to the code the user wrote (through the
 * script's source map), or answers undefined when the script has no usable map.
 */
export type LocationMapper = (location: CodeLocation) => (CodeLocation & { name?: string }) | undefined;

export type FindingKind =
  | 'unbounded-collection'
  | 'identity-map'
  | 'undisposed-pool'
  | 'timer'
  | 'listener'
  | 'metric-cardinality'
  | 'retained-large-object'
  | 'closure-context';

/** A leak, named: what grows across cycles, what holds it, where it comes from and what to do. */
export interface Finding {
  kind: FindingKind;
  title: string;
  confidence: 'high' | 'medium' | 'low';
  /** The holder's retainer path as readable steps, from a GC root: `summaryCache (Map)`. */
  path: string[];
  holderPath: RetainerPath;
  /** The classes that grew under the holder. */
  classes: Array<{ className: string; countDelta: number; retainedSizeDelta: number }>;
  growth: GroupGrowth;
  /**
   * One-based. `allocated`: the function that allocated the objects (allocation tracking);
   * `holder`: the function whose scope holds the collection (the nearest closure on the path).
   */
  source?: {
    file: string;
    line: number;
    column: number;
    functionName?: string;
    /** `inserts`: the statement that adds to the holder, found in that function's code. */
    role: 'allocated' | 'holder' | 'inserts';
    /** Where V8 ran it, when a source map moved the location to the code the user wrote. */
    generated?: CodeLocation;
  };
  /** The statements that add to the holder (`cache.set(…)`, `bus.on(…)`), one-based, in the code the user wrote. */
  insertions?: Array<CodeLocation & { text: string }>;
  /** Where the holder is declared: `const cache = new Map()`, a class field, `this.cache = …`. */
  holderDeclaration?: CodeLocation & { name: string; text: string };
  /**
   * The installed package whose code holds the growth (its closure or object on the holder's
   * path, or the code that allocated it): the fix is in how the package is configured or used.
   */
  package?: PackageRef;
  fix: { id: FixId; summary: string };
  /** From a sampling check: the stack that allocated the growing memory, innermost frame first (one-based). */
  stack?: Array<{ functionName: string; url: string; line: number; column: number }>;
  /** Why this is a leak, in a sentence or two. */
  explanation: string;
  /** The worker thread whose heap holds the growth; absent for the main thread. */
  thread?: FindingThread;
}

/** A worker thread of the target, as a finding names it: `worker 1 (src/worker.js)`. */
export interface FindingThread {
  /** Node's `threadId` of the worker. */
  id: number;
  /** What the inspector calls it: `[worker 1] name`. */
  title: string;
  /** The worker's script (a `file://` URL), when it has one. */
  url?: string;
}
