import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { samplingFindings } from '../analysis/samplingLeaks';
import type { Finding } from '../analysis/types';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { formatBinaryBytes, formatBytes } from '../common/bytes';
import type { InspectorConnection } from '../inspector/connection';
import { sampleMemory } from '../inspector/memorySampler';
import { WorkerSessions } from '../inspector/workerSessions';
import { liveHeap } from '../memory/breakdown';
import { memoryTrend, type MemoryTrend } from '../memory/memoryTrend';
import type { MemorySample } from '../memory/types';
import { NoProgress, type Progress } from '../common/progress';
import type { Headroom } from '../memory/headroom';
import { SnapshotGuard } from './snapshotGuard';

export interface WatchOptions {
  /** How long to watch, ms. */
  durationMs: number;
  /** Between memory readings, ms. */
  intervalMs: number;
  /** Stop and capture when RSS crosses this. */
  rssLimit?: number;
  /** Force a GC before each reading (staging; a production service may not like the pauses). */
  gc?: boolean;
  /** Low, so the profiler stays cheap on real traffic (default 64 kB). */
  samplingInterval?: number;
  memoryLimit?: number;
  /** Where a triggered snapshot goes. */
  outDir: string;
  /** Called after every reading (the editor's status bar), and once more when a trigger ends the watch. */
  onReading?: (reading: WatchReading) => void;
}

/** The watch so far: what a live display shows between readings. */
export interface WatchReading {
  samples: readonly MemorySample[];
  heapTrend: MemoryTrend;
  rssTrend: MemoryTrend;
  /** Allocation sites whose surviving memory grew in both halves so far (before the final GC, so a little noisier than the result's). */
  findings: Finding[];
  /** Set on the last call when a trigger ended the watch: a capture follows. */
  trigger?: string;
}

export interface WatchResult {
  samples: MemorySample[];
  heapTrend: MemoryTrend;
  rssTrend: MemoryTrend;
  /** Why the watch ended early, if it did: the RSS limit or a sustained trend. */
  trigger?: string;
  /** Allocation sites whose surviving memory grew in both halves of the watch. */
  findings: Finding[];
  /** A snapshot taken on a trigger, or why none was. */
  snapshot?: { file?: string; headroom: Headroom };
}

/**
 * Watches a process under its real traffic: memory read at an interval (a trend fitted with its
 * noise), the sampling heap profiler on at a low rate with the highest sample ordinal noted at
 * each reading, so what survives at the end is attributed to the reading it was allocated
 * after. Crossing the RSS limit or a sustained trend ends the watch early with a snapshot, if one
 * fits in what the target may use.
 */
export async function watchProcess(
  connection: InspectorConnection,
  options: WatchOptions,
  progress: Progress = NoProgress,
  token: CancellationToken = NeverCancelled,
): Promise<WatchResult> {
  // The heap trend is every thread's: a worker's growth is the process's too.
  const workers = await WorkerSessions.attach(connection, { token });
  try {
    return await watchThreads(connection, workers, options, progress, token);
  } finally {
    await workers.close();
  }
}

async function watchThreads(
  connection: InspectorConnection,
  workers: WorkerSessions,
  options: WatchOptions,
  progress: Progress,
  token: CancellationToken,
): Promise<WatchResult> {
  const samplingInterval = options.samplingInterval ?? 65536;
  const samples: MemorySample[] = [];
  const boundaries: number[] = [];
  const read = async () => {
    if (options.gc) await Promise.all([connection.collectGarbage(), workers.collectGarbage()]);
    samples.push(await sampleMemory(connection, `reading ${samples.length + 1}`, workers));
    const profile = await connection.samplingProfile();
    boundaries.push(profile.samples.reduce((max, s) => Math.max(max, s.ordinal), boundaries[boundaries.length - 1] ?? -1));
    return profile;
  };
  const notify = (profile: Awaited<ReturnType<typeof read>>, trigger?: string) => {
    if (!options.onReading) return;
    const findings = boundaries.length >= 3 ? samplingFindings({ samplingInterval, boundaries, final: profile }) : [];
    options.onReading({
      samples: samples.slice(),
      heapTrend: memoryTrend(heapPoints(samples)),
      rssTrend: rssTrend(samples),
      findings,
      ...(trigger ? { trigger } : {}),
    });
  };
  await connection.startSampling(samplingInterval);
  let trigger: string | undefined;
  let profile;
  try {
    profile = await read();
    notify(profile);
    const end = Date.now() + options.durationMs;
    while (Date.now() < end && !token.isCancellationRequested) {
      await delay(Math.min(options.intervalMs, end - Date.now()), token);
      if (token.isCancellationRequested) break;
      profile = await read();
      const last = samples[samples.length - 1];
      const heap = memoryTrend(heapPoints(samples));
      progress.report({
        message: `RSS ${formatBytes(last.rss)}, heap ${formatBytes(liveHeap(last))}; trend ${formatBytes(heap.slopePerHour)}/h ± ${formatBytes(heap.slopeError)}`,
      });
      if (options.rssLimit !== undefined && last.rss >= options.rssLimit) {
        // The limit was given in binary units (--rss-limit 1.5G): both sizes are printed in them.
        trigger = `RSS reached ${formatBinaryBytes(last.rss)}, over the limit of ${formatBinaryBytes(options.rssLimit)}.`;
      } else if (heap.sustained && samples.length >= 10) {
        trigger = `The heap grew steadily by ${formatBytes(heap.slopePerHour)} per hour (± ${formatBytes(heap.slopeError)}).`;
      }
      notify(profile, trigger);
      if (trigger) break;
    }
    // One GC at the end, so only what is really alive is attributed.
    await connection.collectGarbage();
    profile = await connection.samplingProfile();
  } finally {
    await connection.stopSampling().catch(() => undefined);
  }
  const findings = boundaries.length >= 3 ? samplingFindings({ samplingInterval, boundaries, final: profile }) : [];
  const result: WatchResult = { samples, heapTrend: memoryTrend(heapPoints(samples)), rssTrend: rssTrend(samples), findings };
  if (trigger) {
    result.trigger = trigger;
    const guard = new SnapshotGuard(connection, { memoryLimit: options.memoryLimit });
    const headroom = await guard.headroom();
    if (headroom.fits) {
      await fs.mkdir(options.outDir, { recursive: true });
      const file = join(options.outDir, `watch-${new Date().toISOString().replace(/[:.]/g, '-')}.heapsnapshot`);
      await guard.take((o) => connection.takeHeapSnapshot(file, o), { token });
      result.snapshot = { file, headroom };
    } else result.snapshot = { headroom };
  }
  return result;
}

function rssTrend(samples: MemorySample[]): MemoryTrend {
  return memoryTrend(samples.map((s) => ({ at: s.at, value: s.rss })));
}

function heapPoints(samples: MemorySample[]): Array<{ at: number; value: number }> {
  return samples.map((s) => ({ at: s.at, value: liveHeap(s) }));
}

function delay(ms: number, token: CancellationToken): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    const sub = token.onCancellationRequested(done);
    function done() {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}
