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
  /** Most classes to keep in `classes`. */
  maxClasses?: number;
  /** Most retainer groups to report. */
  maxGroups?: number;
  /** Samples kept per group. */
  samplesPerGroup?: number;
}
