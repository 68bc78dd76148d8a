import { parentPort, workerData } from 'node:worker_threads';
import { loadHeapGraph } from '../snapshot/heapGraph';
import { comparableSnapshot, type ComparableSnapshot } from './comparableSnapshot';

/** Worker thread: loads the baseline of a diff and sends back only what the diff needs of it. */
export type ComparableResult = { ok: true; value: ComparableSnapshot } | { ok: false; code: string; message: string; userFacing: boolean };

if (parentPort && workerData) {
  const port = parentPort;
  const { path } = workerData as { path: string };
  // One thread here and one loading the other snapshot: a third, for edges, would only contend.
  loadHeapGraph(path, { parallel: false, paths: false })
    .then((graph) => {
      const value = comparableSnapshot(graph, path);
      // The id bitmap is the one large part: move it rather than copy it.
      port.postMessage({ ok: true, value } satisfies ComparableResult, [value.ids.bits.buffer as ArrayBuffer, value.ids.even.buffer as ArrayBuffer]);
    })
    .catch((e: { code?: string; message?: string; userFacing?: boolean }) =>
      port.postMessage({ ok: false, code: e.code ?? 'internal', message: e.message ?? String(e), userFacing: e.userFacing ?? false } satisfies ComparableResult),
    );
}
