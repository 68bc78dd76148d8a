import { promises as fs } from 'node:fs';
import { answerWorkerJob, toWireError } from '../common/workerThread';
import { EdgeSink } from './columnSinks';
import { NumberArrayReader } from './numberArrayReader';
import type { EdgeColumns } from './heapSnapshot';
import { countMismatch, notASnapshot } from './snapshotErrors';

/**
 * Parses a snapshot's `edges` section on a second core while the main thread reads the rest.
 * The columns are SharedArrayBuffers the main thread allocated; this only fills them.
 */
export interface EdgesJob {
  path: string;
  /** Where to start looking for the `"edges"` key: the end of the header. */
  from: number;
  edgeCount: number;
  nodeFieldCount: number;
  edgeFields: string[];
  edgeTypeCount: number;
  nodeCount: number;
  chunkSize: number;
  columns: { types: SharedArrayBuffer; nameOrIndex: SharedArrayBuffer; targets: SharedArrayBuffer };
}

/** `arrayStart` is where the worker took the section to begin (-1 if it found none), on failure too. */
export type EdgesResult = { ok: true; arrayStart: number } | { ok: false; arrayStart: number; code: string; message: string };

const KEY = Buffer.from('"edges"');

let foundAt = -1;

async function parseEdges(job: EdgesJob): Promise<number> {
  const handle = await fs.open(job.path, 'r');
  try {
    const chunkSize = Math.max(job.chunkSize, 64);
    const buf = Buffer.allocUnsafe(chunkSize);
    // Find the key. Only numbers lie between the header and it, so its first occurrence is the
    // key itself; the main thread checks that against where it met the section.
    let pos = job.from;
    let keyAt = -1;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkSize, pos);
      if (bytesRead === 0) throw notASnapshot('it has no "edges" section');
      const i = buf.subarray(0, bytesRead).indexOf(KEY);
      if (i >= 0) {
        keyAt = pos + i;
        break;
      }
      if (bytesRead < KEY.length) throw notASnapshot('it has no "edges" section');
      pos += bytesRead - (KEY.length - 1);
    }
    // Then `:` and the `[` of the array, allowing whitespace.
    const { bytesRead: headRead } = await handle.read(buf, 0, Math.min(chunkSize, 64), keyAt + KEY.length);
    let i = 0;
    while (i < headRead && buf[i] !== 0x3a) i++;
    i++;
    while (i < headRead && buf[i] !== 0x5b) i++;
    if (i >= headRead) throw notASnapshot('its "edges" section is not an array');
    const arrayStart = keyAt + KEY.length + i;
    foundAt = arrayStart;

    const columns: EdgeColumns = {
      types: new Uint8Array(job.columns.types),
      nameOrIndex: new Uint32Array(job.columns.nameOrIndex),
      targets: new Uint32Array(job.columns.targets),
    };
    const sink = new EdgeSink(job.edgeFields, job.edgeTypeCount, job.edgeCount, job.nodeFieldCount, job.nodeCount, columns);
    const reader = new NumberArrayReader('edges', sink);
    pos = arrayStart;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkSize, pos);
      if (bytesRead === 0) throw countMismatch('edges');
      if (reader.feed(buf, 0, bytesRead) >= 0) return arrayStart;
      pos += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

// A failed parse is an answer too: the main thread needs to know where the section was taken to begin.
answerWorkerJob<EdgesJob, EdgesResult>((job) =>
  parseEdges(job).then(
    (arrayStart): EdgesResult => ({ ok: true, arrayStart }),
    (e: unknown): EdgesResult => {
      const { code, message } = toWireError(e);
      return { ok: false, arrayStart: foundAt, code, message };
    },
  ),
);
