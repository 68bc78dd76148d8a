import { closeSync, openSync, promises as fs, writeSync } from 'node:fs';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { CancelledError, ErrorCode, errorMessage, LeakscopeError } from '../common/errors';
import { NoProgress, type Progress } from '../common/progress';

export interface SnapshotOptions {
  progress?: Progress;
  token?: CancellationToken;
}

/** The part of a CDP client a capture listens on: chrome-remote-interface's client is an EventEmitter. */
// Listeners of chrome-remote-interface's events take each event's own parameter type.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface SnapshotEvents {
  on(event: string, listener: (params: any) => void): unknown;
  removeListener(event: string, listener: (params: any) => void): unknown;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Bytes gathered before one write: big enough that writes are few, small enough not to matter. */
const BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Streams the snapshot that `command` makes V8 send (`HeapProfiler.takeHeapSnapshot` or
 * `stopTrackingHeapObjects`) into `path`, through a temporary file renamed when complete, so a
 * failed capture never looks like a snapshot.
 *
 * Memory stays constant whatever the snapshot's size: each chunk is copied into one fixed buffer
 * as it arrives and the buffer is written synchronously when full. The synchronous write is the
 * backpressure: while it runs the socket is not read, so TCP holds the rest, where an
 * asynchronous write per chunk queued every chunk as a string in this process (hundreds of MB
 * on a big heap).
 */
export async function captureHeapSnapshot(
  events: SnapshotEvents,
  path: string,
  command: () => Promise<unknown>,
  abort: () => void,
  options: SnapshotOptions = {},
): Promise<void> {
  const progress = options.progress ?? NoProgress;
  const token = options.token ?? NeverCancelled;
  const temp = `${path}.partial`;
  let fd: number;
  try {
    fd = openSync(temp, 'w');
  } catch (e) {
    throw new LeakscopeError(ErrorCode.FileUnreadable, `Could not write the heap snapshot to ${path} (${errorMessage(e)}).`);
  }
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  let failed: unknown;
  const flush = () => {
    let written = 0;
    while (written < used) written += writeSync(fd, buffer, written, used - written);
    used = 0;
  };
  const onChunk = (e: { chunk: string }) => {
    if (failed) return;
    try {
      const bytes = Buffer.byteLength(e.chunk);
      if (used + bytes > BUFFER_BYTES) flush();
      if (bytes > BUFFER_BYTES) writeSync(fd, e.chunk);
      else used += buffer.write(e.chunk, used);
    } catch (err) {
      // A full disk: stop the capture rather than let V8 keep serialising into nowhere.
      failed = err;
      abort();
    }
  };
  let reported = 0;
  const onProgress = (e: { done: number; total: number }) => {
    const pct = e.total ? (e.done / e.total) * 100 : 0;
    if (pct - reported >= 1) {
      progress.report({ increment: pct - reported });
      reported = pct;
    }
  };
  events.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  events.on('HeapProfiler.reportHeapSnapshotProgress', onProgress);
  const cancel = token.onCancellationRequested(abort);
  let open = true;
  try {
    await command();
    if (failed) throw failed;
    flush();
    closeSync(fd);
    open = false;
    await fs.rename(temp, path);
  } catch (e) {
    if (open) closeSync(fd);
    await fs.rm(temp, { force: true });
    if (token.isCancellationRequested) throw new CancelledError('The heap snapshot was cancelled.');
    const cause = failed ?? e;
    throw cause instanceof LeakscopeError
      ? cause
      : new LeakscopeError(ErrorCode.FileUnreadable, `Could not write the heap snapshot to ${path} (${errorMessage(cause)}).`);
  } finally {
    events.removeListener('HeapProfiler.addHeapSnapshotChunk', onChunk);
    events.removeListener('HeapProfiler.reportHeapSnapshotProgress', onProgress);
    cancel.dispose();
  }
}
