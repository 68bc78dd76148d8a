import { ErrorCode, LeakscopeError } from '../common/errors';
import { linuxMemory } from '../memory/procParsers';
import type { MemorySample, WorkerHeap } from '../memory/types';
import type { InspectorConnection } from './connection';
import { fieldOf, isAmount, isOptionalText, parseTargetJson } from './targetValues';
import type { WorkerSessions } from './workerSessions';

/**
 * Evaluated in the target, so a process in a container is measured from inside it.
 * `process.getBuiltinModule` works where `require` is not in scope (ES modules, the context of
 * Runtime.evaluate); Nodes before 20.16 fall back to the main module's require, or to the
 * console's, asked for only when neither is there.
 */
const SAMPLE_EXPRESSION = `(() => {
  const load = (m) => process.getBuiltinModule ? process.getBuiltinModule(m)
    : process.mainModule ? process.mainModule.require(m) : require(m);
  const v8 = load('v8');
  const fs = load('fs');
  const read = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } };
  return JSON.stringify({
    at: Date.now(),
    memory: process.memoryUsage(),
    maxRssKb: process.resourceUsage().maxRSS,
    heap: v8.getHeapStatistics(),
    spaces: v8.getHeapSpaceStatistics(),
    status: process.platform === 'linux' ? read('/proc/self/status') : undefined,
    smaps: process.platform === 'linux' ? read('/proc/self/smaps_rollup') : undefined,
  });
})()`;

interface RawSample {
  at: number;
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  maxRssKb: number;
  heap: { total_physical_size: number; heap_size_limit: number };
  spaces: Array<{
    space_name: string;
    space_size: number;
    space_used_size: number;
    space_available_size: number;
    physical_space_size: number;
  }>;
  status?: string;
  smaps?: string;
}

/** A reading of the process; with `workers`, each worker thread's heap too (RSS holds them all). */
export async function sampleMemory(connection: InspectorConnection, label?: string, workers?: WorkerSessions): Promise<MemorySample> {
  const text = await evaluateProbe(connection, SAMPLE_EXPRESSION);
  if (typeof text !== 'string')
    throw new LeakscopeError(ErrorCode.TargetUnreachable, 'The target did not report its memory usage; is it a Node.js process?');
  const raw = parseTargetJson(text);
  if (!isRawSample(raw))
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      'The target reported its memory usage in a shape Node.js never does; is it a Node.js process (or has its code replaced process.memoryUsage or JSON)?',
    );
  const threads = workers ? await workerHeaps(workers) : [];
  const snapshotsTaken = connection.snapshotsTaken + (workers?.alive ?? []).reduce((n, t) => n + t.connection.snapshotsTaken, 0);
  return { ...toSample(raw, label), snapshotsTaken, ...(threads.length ? { workers: threads } : {}) };
}

const MEMORY_USAGE_KEYS = ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'] as const satisfies ReadonlyArray<
  keyof RawSample['memory']
>;
const SPACE_SIZE_KEYS = ['space_size', 'space_used_size', 'space_available_size', 'physical_space_size'] as const satisfies ReadonlyArray<
  keyof RawSample['spaces'][number]
>;

/** The target's code runs before the probe and may have replaced what it calls, so its answer is checked, not trusted. */
function isRawSample(value: unknown): value is RawSample {
  const memory = fieldOf(value, 'memory');
  const heap = fieldOf(value, 'heap');
  const spaces = fieldOf(value, 'spaces');
  return (
    isAmount(fieldOf(value, 'at')) &&
    MEMORY_USAGE_KEYS.every((key) => isAmount(fieldOf(memory, key))) &&
    isAmount(fieldOf(value, 'maxRssKb')) &&
    isAmount(fieldOf(heap, 'total_physical_size')) &&
    isAmount(fieldOf(heap, 'heap_size_limit')) &&
    Array.isArray(spaces) &&
    spaces.every(
      (space: unknown) => typeof fieldOf(space, 'space_name') === 'string' && SPACE_SIZE_KEYS.every((key) => isAmount(fieldOf(space, key))),
    ) &&
    isOptionalText(fieldOf(value, 'status')) &&
    isOptionalText(fieldOf(value, 'smaps'))
  );
}

/** Each live worker's heap; a worker that ends meanwhile is left out of this reading. */
async function workerHeaps(workers: WorkerSessions): Promise<WorkerHeap[]> {
  const heaps = await Promise.all(
    workers.alive.map(async (t): Promise<WorkerHeap | undefined> => {
      const usage = await t.connection.heapUsage().catch(() => undefined);
      return usage && { id: t.id, title: t.title, ...(t.url ? { url: t.url } : {}), heapUsed: usage.usedSize, heapTotal: usage.totalSize };
    }),
  );
  return heaps.filter((h): h is WorkerHeap => h !== undefined);
}

/**
 * Evaluates one of Leakscope's own probes (written with the `load` helper above). Without the
 * console's helpers: probed every cycle, they would leave objects behind on the global object
 * that the check would then see grow. Only Nodes with neither getBuiltinModule nor a main
 * module need them.
 */
export function evaluateProbe(connection: InspectorConnection, expression: string): Promise<unknown> {
  return connection.evaluate(expression, { commandLineApi: false }).catch((e: unknown) => {
    if (e instanceof LeakscopeError && /require is not defined/.test(e.message)) return connection.evaluate(expression);
    throw e;
  });
}

export function toSample(raw: RawSample, label?: string): MemorySample {
  const linux = linuxMemory(raw.status, raw.smaps);
  return {
    at: raw.at,
    ...(label ? { label } : {}),
    rss: raw.memory.rss,
    heapTotal: raw.memory.heapTotal,
    heapUsed: raw.memory.heapUsed,
    external: raw.memory.external,
    arrayBuffers: raw.memory.arrayBuffers,
    maxRss: Math.max(raw.maxRssKb * 1024, linux?.vmHwm ?? 0),
    heapPhysical: raw.heap.total_physical_size,
    heapSizeLimit: raw.heap.heap_size_limit,
    spaces: raw.spaces.map((s) => ({
      name: s.space_name,
      size: s.space_size,
      used: s.space_used_size,
      available: s.space_available_size,
      physical: s.physical_space_size,
    })),
    ...(linux ? { linux } : {}),
  };
}
