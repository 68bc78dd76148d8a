import { answerWorkerJob } from '../common/workerThread';
import { loadHeapGraph } from '../snapshot/heapGraph';
import { comparableSnapshot, type ComparableSnapshot } from './comparableSnapshot';

/** What loadForDiff gives its baseline worker. */
export interface ComparableJob {
  path: string;
}

/** Worker thread: loads the baseline of a diff and sends back only what the diff needs of it. */
answerWorkerJob<ComparableJob, ComparableSnapshot>(
  // One thread here and one loading the other snapshot: a third, for edges, would only contend.
  async ({ path }) => comparableSnapshot(await loadHeapGraph(path, { parallel: false, paths: false }), path),
  // The id bitmap is the one large part: move it rather than copy it.
  (value) => [value.ids.bits.buffer as ArrayBuffer, value.ids.even.buffer as ArrayBuffer],
);
