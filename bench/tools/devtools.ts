import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { PEER_MODULES } from '../peers';
import type { Tool } from './tool';

/**
 * Chrome DevTools' heap snapshot worker, as chrome-devtools-mcp ships it prebuilt for Node.
 * The bundle is a worker entry point with no exports, so the primary side runs from a copy
 * that exports HeapSnapshotLoader (same code, minus the postMessage hop for each chunk);
 * the secondary worker, which DevTools uses for retainers, dominators and retained sizes
 * in parallel, runs the unmodified bundle in a worker thread, as DevTools does.
 */
const WORKER_FILE = join(PEER_MODULES, 'chrome-devtools-mcp', 'build', 'src', 'third_party', 'devtools-heap-snapshot-worker.js');
const EXPORTING_COPY = join(PEER_MODULES, '.leakscope-bench', 'devtools-heap-snapshot-worker.mjs');

/** Node 20 lacks Promise.withResolvers, which the worker code uses. Kept as source: it also runs in the secondary worker. */
const POLYFILL = `Promise.withResolvers ??= function () {
  let resolve, reject;
  const promise = new this((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};`;

interface DevtoolsSnapshot {
  nodeCount: number;
  rootNodeIndexInternal: number;
  nodeFieldCount: number;
  retainedSizes: Float64Array | Uint32Array;
}

interface DevtoolsLoader {
  parsingComplete: Promise<void>;
  write(chunk: string): void;
  close(): void;
  buildSnapshot(secondWorker: MessagePort): Promise<DevtoolsSnapshot>;
}

type LoaderClass = new (dispatcher: { sendEvent(name: string, data: unknown): void }) => DevtoolsLoader;

let HeapSnapshotLoader: LoaderClass;

function writeExportingCopy(): void {
  const source = readFileSync(WORKER_FILE, 'utf8');
  mkdirSync(join(PEER_MODULES, '.leakscope-bench'), { recursive: true });
  writeFileSync(EXPORTING_COPY, `${source}\nexport { HeapSnapshotLoader };\n`);
}

/** Starts the secondary worker and hands it its end of the channel, as HeapSnapshotLoaderProxy.close() does. */
async function startSecondaryWorker(): Promise<{ worker: Worker; port: MessagePort }> {
  const worker = new Worker(`${POLYFILL}\nimport(${JSON.stringify(pathToFileURL(WORKER_FILE).href)});`, { eval: true });
  const channel = new MessageChannel();
  await new Promise<void>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (message: unknown) => {
      if (message === 'workerReady') {
        worker.postMessage({ callId: 1, disposition: 'setupForSecondaryInit', objectId: 1 }, [channel.port2]);
        return;
      }
      const reply = message as { callId?: number; error?: string };
      if (reply.callId !== 1) return;
      if (reply.error) reject(new Error(reply.error));
      else resolve();
    });
  });
  return { worker, port: channel.port1 };
}

/** Streams the file into the loader in 1 MiB UTF-8 chunks, as chrome-devtools-mcp does. */
async function load(file: string): Promise<DevtoolsLoader> {
  const loader = new HeapSnapshotLoader({ sendEvent() {} });
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) loader.write(chunk as string);
  loader.close();
  await loader.parsingComplete;
  return loader;
}

export const devtools: Tool = {
  name: 'devtools',
  label: 'Chrome DevTools worker',
  async load() {
    // Indirect eval: the polyfill must patch this realm's Promise.
    (0, eval)(POLYFILL);
    writeExportingCopy();
    ({ HeapSnapshotLoader } = (await import(pathToFileURL(EXPORTING_COPY).href)) as { HeapSnapshotLoader: LoaderClass });
  },
  phases: {
    async parse([file]) {
      await load(file);
      return {};
    },
    async full([file]) {
      const secondary = await startSecondaryWorker();
      try {
        const loader = await load(file);
        const snapshot = await loader.buildSnapshot(secondary.port);
        return {
          nodes: snapshot.nodeCount,
          reachableBytes: snapshot.retainedSizes[snapshot.rootNodeIndexInternal / snapshot.nodeFieldCount],
        };
      } finally {
        await secondary.worker.terminate();
      }
    },
  },
};
