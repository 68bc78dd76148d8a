/** One reading of a process's memory, taken in the target itself (so it works in a container too). */
export interface MemorySample {
  /** Milliseconds since the epoch, in the target. */
  at: number;
  /** What the session was doing: `baseline`, `cycle 3`, `after`. */
  label?: string;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS, ArrayBuffers included. */
  external: number;
  arrayBuffers: number;
  /** Peak RSS since the process started: a high-water mark that never goes down. */
  maxRss: number;
  /** V8's committed heap pages, physically backed: `heapTotal` as the OS sees it. */
  heapPhysical: number;
  heapSizeLimit: number;
  spaces: HeapSpace[];
  /** Linux only: /proc/self/status and /proc/self/smaps_rollup, in bytes. */
  linux?: LinuxMemory;
  /**
   * Heap snapshots Leakscope had taken of this process when the sample was read (a running
   * count): between two samples whose counts differ, RSS also holds the snapshot's own cost.
   */
  snapshotsTaken?: number;
  /**
   * The process's worker threads at this reading, each with its own V8 heap (read over its
   * inspector session): `heapUsed` and `heapTotal` above are the main thread's alone, RSS is all of them.
   */
  workers?: WorkerHeap[];
}

/** One worker thread's V8 heap at a reading. */
export interface WorkerHeap {
  /** Node's `threadId` of the worker. */
  id: number;
  title: string;
  /** The worker's script, when it has one. */
  url?: string;
  heapUsed: number;
  heapTotal: number;
}

export interface HeapSpace {
  name: string;
  size: number;
  used: number;
  available: number;
  physical: number;
}

export interface LinuxMemory {
  rssAnon: number;
  rssFile: number;
  rssShmem: number;
  vmHwm: number;
  vmSwap: number;
  /** From smaps_rollup, when the kernel has it: proportional set size and private dirty pages. */
  pss?: number;
  privateDirty?: number;
}

/** Where the RSS went, in bytes; the parts add up to `rss`. */
export interface RssBreakdown {
  rss: number;
  /** Live objects in the V8 heaps: the main thread's and every worker thread's. */
  heapUsed: number;
  /** The part of `heapUsed` in worker threads' heaps (present when the process has workers). */
  workerHeapUsed?: number;
  /** V8 heap pages committed but holding no live objects: headroom V8 keeps for the next allocations. */
  heapFree: number;
  /** Buffers, ArrayBuffers and other memory V8 objects own outside the heap. */
  external: number;
  /** Code and other file-backed pages (the node binary, shared libraries) and shared memory. */
  fileBacked: number;
  /** The rest: native allocations outside V8 (malloc arenas), including freed memory the allocator keeps. */
  native: number;
}

/** `undetermined`: one reading, which cannot tell whether memory grows. */
export type MemoryVerdictKind = 'leak' | 'allocator-retention' | 'heap-headroom' | 'high-water-mark' | 'no-leak' | 'undetermined';

export interface MemoryVerdict {
  kind: MemoryVerdictKind;
  /** One or two sentences a user understands, with the numbers that back them. */
  summary: string;
  /** What to do about it, when there is something. */
  advice?: string;
}
