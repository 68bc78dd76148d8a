import { join } from 'node:path';
import type { Finding, PackageUsage } from '../analysis/types';
import type { CancellationToken } from '../common/cancellation';
import { CancelledError, errorMessage } from '../common/errors';
import type { InspectorConnection } from '../inspector/connection';
import type { WorkerSessions, WorkerThread } from '../inspector/workerSessions';
import type { WorkerCapture } from '../report/leakReport';
import type { SamplingOptions } from '../analysis/samplingLeaks';
import { analyseSnapshots, type SnapshotFiles } from './analyseSnapshots';
import { SamplingRecorder } from './samplingRecorder';
import { SnapshotGuard } from './snapshotGuard';
import type { LeakCheckOptions } from './types';

type Stage = 'baseline' | 'mid' | 'after';

interface Checked {
  thread: WorkerThread;
  guard: SnapshotGuard;
  files: Partial<SnapshotFiles>;
  note?: string;
}

/**
 * The leak check in each worker thread: a worker alive at the baseline gets its own baseline,
 * mid and after snapshots, taken when the main thread's are (after the same GC), through the
 * same capture and the same headroom guard (the process's memory, the worker's heap), and its
 * snapshots are diffed like the main thread's. A worker that ends during the check, or whose
 * snapshot does not fit, is reported with the reason and has no findings.
 */
export class WorkerChecks {
  private readonly checked = new Map<number, Checked>();
  /** Workers that began after the baseline: nothing to diff them against. */
  private readonly late = new Map<number, WorkerThread>();
  private snapshotted = false;
  /** A sampling check's profiler in each worker alive at its baseline, or why it has none. */
  private readonly sampled = new Map<number, { thread: WorkerThread; recorder?: SamplingRecorder; note?: string }>();

  constructor(
    private readonly workers: WorkerSessions,
    private readonly main: InspectorConnection,
    private readonly options: Pick<LeakCheckOptions, 'outDir' | 'memoryLimit' | 'capture' | 'thresholds'>,
    private readonly token: CancellationToken,
  ) {}

  /** Every worker's heap collected, as the main thread's is before each sample and snapshot. */
  async collectGarbage(): Promise<void> {
    await this.workers.collectGarbage();
  }

  async snapshot(stage: Stage): Promise<void> {
    if (stage === 'baseline') {
      this.snapshotted = true;
      for (const thread of this.workers.alive) {
        this.checked.set(thread.id, {
          thread,
          files: {},
          guard: new SnapshotGuard(this.main, {
            memoryLimit: this.options.memoryLimit,
            heapUsed: async () => (await thread.connection.heapUsage()).usedSize,
          }),
        });
      }
    }
    for (const entry of this.checked.values()) {
      if (entry.note) continue;
      const file = join(this.options.outDir, `worker-${entry.thread.id}-${stage}.heapsnapshot`);
      try {
        if (entry.thread.connection.isClosed) throw new Error('ended');
        // As for the main thread, `--capture snapshot` takes it whatever it costs.
        if (this.options.capture !== 'snapshot') {
          const headroom = await entry.guard.headroom();
          if (!headroom.fits) {
            entry.note = `Its ${stage} snapshot was not taken. ${headroom.reason}`;
            continue;
          }
        }
        const connection = entry.thread.connection;
        await connection.whilePaused(() => entry.guard.take((o) => connection.takeHeapSnapshot(file, o), { token: this.token }));
        entry.files[stage] = file;
      } catch (e) {
        if (this.token.isCancellationRequested || e instanceof CancelledError) throw e;
        entry.note = entry.thread.connection.isClosed
          ? `It ended during the check (before its ${stage} snapshot).`
          : `Its ${stage} snapshot failed: ${errorMessage(e)}`;
      }
    }
    for (const thread of this.workers.alive) if (!this.checked.has(thread.id)) this.late.set(thread.id, thread);
  }

  /** Each worker's findings, which say the thread they are in, and the new memory per package in its heap. */
  async findings(cycles: { total: number; beforeMid: number }): Promise<{ findings: Finding[]; packages: PackageUsage[] }> {
    const findings: Finding[] = [];
    const packages: PackageUsage[] = [];
    for (const entry of this.checked.values()) {
      const { baseline, mid, after } = entry.files;
      if (entry.note || !baseline || !after) continue;
      const thread = { id: entry.thread.id, title: entry.thread.title, ...(entry.thread.url ? { url: entry.thread.url } : {}) };
      const run = await analyseSnapshots(
        entry.thread.connection,
        { baseline, after, ...(mid ? { mid } : {}) },
        cycles,
        this.options,
        this.token,
      );
      findings.push(...run.findings.map((f) => ({ ...f, thread })));
      packages.push(...run.packages);
    }
    return { findings, packages };
  }

  /**
   * A sampling check in every worker alive at the baseline: V8's sampling heap profiler in each
   * thread, marked after each cycle's GC as the main thread's is. A worker parked in
   * `Atomics.wait` answers only while paused, so each call runs in a pause.
   */
  async startSampling(samplingInterval: number): Promise<void> {
    for (const thread of this.workers.alive) {
      const entry: { thread: WorkerThread; recorder?: SamplingRecorder; note?: string } = { thread };
      this.sampled.set(thread.id, entry);
      await this.inWorker(entry, 'start', async () => {
        entry.recorder = await thread.connection.whilePaused(() => SamplingRecorder.start(thread.connection, samplingInterval));
      });
    }
  }

  /** The end of a cycle in every sampled worker. */
  async markSampling(): Promise<void> {
    for (const entry of this.sampled.values()) {
      const recorder = entry.recorder;
      if (recorder) await this.inWorker(entry, 'cycle', () => entry.thread.connection.whilePaused(() => recorder.mark()));
    }
  }

  /** Each sampled worker's growing allocation sites, which say the thread they are in. */
  samplingFindings(optionsFor: (connection: InspectorConnection) => SamplingOptions): Finding[] {
    const findings: Finding[] = [];
    for (const { thread, recorder, note } of this.sampled.values()) {
      if (!recorder || note) continue;
      findings.push(...recorder.findings(optionsFor(thread.connection)).map((f) => ({ ...f, thread: describe(thread) })));
    }
    return findings;
  }

  async stopSampling(): Promise<void> {
    for (const { thread, recorder } of this.sampled.values()) {
      if (recorder && !thread.connection.isClosed) await thread.connection.whilePaused(() => recorder.stop()).catch(() => undefined);
    }
  }

  /** Runs one step of a worker's sampling; a worker that ends or fails is noted, and the check goes on. */
  private async inWorker(
    entry: { thread: WorkerThread; note?: string },
    step: 'start' | 'cycle',
    work: () => Promise<void>,
  ): Promise<void> {
    if (entry.note) return;
    try {
      if (entry.thread.connection.isClosed) throw new Error('ended');
      await work();
    } catch (e) {
      if (this.token.isCancellationRequested || e instanceof CancelledError) throw e;
      entry.note = entry.thread.connection.isClosed
        ? 'It ended during the check, so its samples cover only part of it and are not judged.'
        : `Its sampling failed at the ${step === 'start' ? 'baseline' : 'end of a cycle'}: ${errorMessage(e)}`;
    }
  }

  /** For report.json: every worker seen, its snapshots or why it has none. */
  report(): WorkerCapture[] {
    if (!this.snapshotted) {
      const seen: WorkerCapture[] = [...this.sampled.values()].map(({ thread, note }) => ({
        ...describe(thread),
        note: note ?? "Its allocations were sampled across the cycles, as the main thread's were.",
      }));
      for (const t of this.workers.alive)
        if (!this.sampled.has(t.id))
          seen.push({ ...describe(t), note: 'It started after the baseline, so its allocations were not sampled.' });
      return seen.sort((a, b) => a.id - b.id);
    }
    const seen: WorkerCapture[] = [...this.checked.values()].map(({ thread, files, note }) => ({
      ...describe(thread),
      ...(files.baseline && files.after
        ? { snapshots: { baseline: files.baseline, ...(files.mid ? { mid: files.mid } : {}), after: files.after } }
        : {}),
      ...(note || !files.after ? { note: note ?? 'The check ended before its after snapshot.' } : {}),
    }));
    for (const thread of this.late.values())
      seen.push({ ...describe(thread), note: 'It started after the baseline snapshot, so there is nothing to compare it with.' });
    return seen.sort((a, b) => a.id - b.id);
  }

  /** The snapshot files taken, for the list of outputs. */
  get files(): string[] {
    return [...this.checked.values()].flatMap((c) => [c.files.baseline, c.files.mid, c.files.after]).filter((f): f is string => Boolean(f));
  }
}

/** One row per package over every thread: the main thread's and the workers' memory added up, biggest first. */
export function mergePackageUsage(rows: PackageUsage[]): PackageUsage[] {
  const merged = new Map<string, PackageUsage>();
  for (const row of rows) {
    const key = `${row.name}@${row.version ?? ''}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...row });
    else
      Object.assign(seen, {
        holders: seen.holders + row.holders,
        objects: seen.objects + row.objects,
        retainedSize: seen.retainedSize + row.retainedSize,
        bytesPerCycle: seen.bytesPerCycle + row.bytesPerCycle,
      });
  }
  return [...merged.values()].sort((a, b) => b.retainedSize - a.retainedSize);
}

function describe(thread: WorkerThread): { id: number; title: string; url?: string } {
  return { id: thread.id, title: thread.title, ...(thread.url ? { url: thread.url } : {}) };
}
