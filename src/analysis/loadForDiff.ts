import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { startWorkerJob, type WorkerJob } from '../common/workerThread';
import { roomForReaderThreads } from '../snapshot/addressSpace';
import { loadHeapGraph } from '../snapshot/heapGraph';
import type { HeapGraph } from '../snapshot/heapGraph';
import { IdSet, type IdSetParts } from '../snapshot/idSet';
import { parseSnapshot } from '../snapshot/parser';
import type { AnalyzeOptions, ParseOptions } from '../snapshot/types';
import { comparableSnapshot, type ComparableSnapshot } from './comparableSnapshot';
import type { ComparableJob } from './comparableWorker';
import type { DiffInput } from './diff';

/** Below this, a worker thread's start-up costs more than loading the baseline in line. */
const WORKER_MIN_BYTES = 32 << 20;

export interface DiffInputs {
  baseline: ComparableSnapshot;
  after: DiffInput;
  final?: DiffInput;
  /** The ids of a snapshot taken between baseline and after (growth evidence); only its ids are read. */
  midIds?: IdSetParts;
}

/**
 * Loads the snapshots of a diff, the baseline on a worker thread while this one loads the rest:
 * the two biggest costs, parsing and dominators, then run on both cores.
 */
export async function loadForDiff(
  files: { baseline: string; after: string; final?: string; mid?: string },
  options: { token?: CancellationToken; load?: (file: string, options: ParseOptions & AnalyzeOptions) => Promise<HeapGraph> } = {},
): Promise<DiffInputs> {
  const token = options.token ?? NeverCancelled;
  const load = options.load ?? ((file: string, more: ParseOptions & AnalyzeOptions) => loadHeapGraph(file, { token, ...more }));
  const size = await fs.stat(files.baseline).then(
    (s) => s.size,
    () => 0,
  );
  // A worker thread needs its own WebAssembly memory, which a low `ulimit -v` may not leave room for.
  const baselineJob = size >= WORKER_MIN_BYTES && roomForReaderThreads() ? comparableInWorker(files.baseline, token) : undefined;
  try {
    // Without a worker the baseline loads first, so errors come in the order the files were given.
    const inline = baselineJob ? undefined : comparableSnapshot(await load(files.baseline, { paths: false }), files.baseline);
    // While the worker has the other core, parsing here stays on this thread.
    const parallel = baselineJob ? false : undefined;
    const after = { graph: await load(files.after, { parallel }), file: files.after };
    const final = files.final ? { graph: await load(files.final, { parallel }), file: files.final } : undefined;
    // The mid snapshot is only asked which objects it holds: a parse, no analysis.
    const midIds = files.mid ? IdSet.of((await parseSnapshot(files.mid, { token, parallel })).nodes.ids).parts : undefined;
    const baseline = inline ?? (await baselineJob!.result);
    return { baseline, after, ...(final ? { final } : {}), ...(midIds ? { midIds } : {}) };
  } finally {
    await baselineJob?.terminate();
  }
}

function comparableInWorker(path: string, token: CancellationToken): WorkerJob<ComparableSnapshot> {
  return startWorkerJob<ComparableJob, ComparableSnapshot>(join(__dirname, 'comparableWorker.js'), { path }, `Loading ${path}`, token);
}
