import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { CancelledError } from '../common/errors';
import type { InspectorConnection } from '../inspector/connection';
import { sampleMemory } from '../inspector/memorySampler';
import { WorkerSessions } from '../inspector/workerSessions';
import { rssBreakdown } from '../memory/breakdown';
import type { MemorySample } from '../memory/types';
import { memoryVerdict } from '../memory/verdict';
import type { MemoryReport } from '../render/memoryText';

export interface ExplainMemoryOptions {
  /** Readings after a forced GC; one cannot tell growth, so its verdict says so. */
  samples?: number;
  intervalMs?: number;
  token?: CancellationToken;
  /** Before each wait between readings. */
  onWait?: (reading: number, of: number) => void;
}

/**
 * RSS before and after a forced GC, where it goes, and the verdict; with several readings (each
 * after a GC, `intervalMs` apart) the verdict judges the series.
 */
export async function explainMemory(connection: InspectorConnection, options: ExplainMemoryOptions = {}): Promise<MemoryReport> {
  const token = options.token ?? NeverCancelled;
  // Worker threads' heaps are in the RSS too: read, they are V8 heap rather than unexplained native memory.
  const workers = await WorkerSessions.attach(connection, { token });
  try {
    return await readings(connection, workers, options, token);
  } finally {
    await workers.close();
  }
}

async function readings(
  connection: InspectorConnection,
  workers: WorkerSessions,
  options: ExplainMemoryOptions,
  token: CancellationToken,
): Promise<MemoryReport> {
  const count = options.samples ?? 1;
  const beforeGc = await sampleMemory(connection, 'before GC', workers);
  const afterGc: MemorySample[] = [await collectAndSample(connection, workers, count > 1 ? 'reading 1' : 'after GC')];
  for (let i = 2; i <= count; i++) {
    options.onWait?.(i, count);
    await sleep(options.intervalMs ?? 10_000, token);
    afterGc.push(await collectAndSample(connection, workers, `reading ${i}`));
  }
  const last = afterGc[afterGc.length - 1];
  // The live heap is what survives a GC; the peak is the highest any sample saw.
  const maxRss = Math.max(beforeGc.maxRss, ...afterGc.map((s) => s.maxRss));
  const series = afterGc.map((s, i) => (i === afterGc.length - 1 ? { ...s, maxRss } : s));
  return {
    schemaVersion: 1,
    beforeGc,
    afterGc: afterGc[0],
    ...(count > 1 ? { samples: afterGc } : {}),
    breakdown: rssBreakdown(last),
    verdict: memoryVerdict(series),
  };
}

async function collectAndSample(connection: InspectorConnection, workers: WorkerSessions, label: string): Promise<MemorySample> {
  await connection.collectGarbage();
  await workers.collectGarbage();
  return sampleMemory(connection, label, workers);
}

function sleep(ms: number, token: CancellationToken): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve();
    }, ms);
    const subscription = token.onCancellationRequested(() => {
      clearTimeout(timer);
      reject(new CancelledError());
    });
  });
}
