import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { inconclusiveGrowth } from '../analysis/diff';
import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, type Progress } from '../common/progress';
import type { InspectorConnection } from '../inspector/connection';
import { sampleMemory } from '../inspector/memorySampler';
import { WorkerSessions } from '../inspector/workerSessions';
import { buildLeakReport } from '../report/buildLeakReport';
import type { CaptureReport, LeakVerdict } from '../report/leakReport';
import type { Finding, PackageUsage, SnapshotDiff } from '../analysis/types';
import type { SnapshotOptions } from '../inspector/heapSnapshotCapture';
import type { Headroom } from '../memory/headroom';
import { DEFAULT_SAMPLING_INTERVAL, SAMPLING_FLOOR_BYTES_PER_CYCLE, type LeakCheckOptions, type LeakCheckResult } from './types';
import { analyseSnapshots } from './analyseSnapshots';
import { LEAK_CHECK_DEFAULTS } from './checkDefaults';
import { MAX_HOLDER_SITES, SamplingHolderProbe } from './samplingHolders';
import { SamplingRecorder } from './samplingRecorder';
import type { SamplingOptions } from '../analysis/samplingLeaks';
import { SnapshotGuard } from './snapshotGuard';
import { mergePackageUsage, WorkerChecks } from './workerChecks';
import { SourceMaps } from './sourceMaps';
import { settleHeap, settlingNote, type Settling } from './settleHeap';
import { requestMany } from './workload';

/**
 * The leak check on a connected process: warm up (lazy caches fill), clean up, GC, baseline
 * snapshot; then N cycles of workload, cleanup and GC; then the after snapshot and the diff.
 * What is new since the baseline and still alive after cleanup is what the workload leaks.
 */
export async function runLeakCheck(
  connection: InspectorConnection,
  options: LeakCheckOptions,
  progress: Progress = NoProgress,
  token: CancellationToken = NeverCancelled,
): Promise<LeakCheckResult> {
  if (!options.workload.url && !options.workload.expression) {
    throw new LeakscopeError(ErrorCode.InvalidArgument, 'A leak check needs a workload: --workload-url URL or --workload-expr EXPR.');
  }
  await fs.mkdir(options.outDir, { recursive: true });
  // Every worker thread is checked too: a leak in one leaves the main thread's heap flat.
  const workers = await WorkerSessions.attach(connection, { token });
  try {
    return await checkThreads(connection, workers, options, progress, token);
  } finally {
    await workers.close();
  }
}

async function checkThreads(
  connection: InspectorConnection,
  workers: WorkerSessions,
  options: LeakCheckOptions,
  progress: Progress,
  token: CancellationToken,
): Promise<LeakCheckResult> {
  const step = (message: string) => progress.report({ message });
  let sent = 0;
  const cycle = async () => {
    if (options.workload.url) {
      const count = options.workload.requests ?? LEAK_CHECK_DEFAULTS.requests;
      await requestMany(options.workload.url, count, token, sent, options.workload.acceptStatus);
      sent += count;
    }
    if (options.workload.expression) await connection.evaluate(options.workload.expression);
    if (options.cleanupExpression) await connection.evaluate(options.cleanupExpression);
    throwIfCancelled(token);
  };

  for (let i = 0; i < options.warmup; i++) {
    step(`Warm-up ${i + 1}/${options.warmup}`);
    await cycle();
  }
  if (options.warmup === 0 && options.cleanupExpression) await connection.evaluate(options.cleanupExpression);
  const threads = new WorkerChecks(workers, connection, options, token);
  const collect = async () => {
    await connection.collectGarbage();
    await threads.collectGarbage();
  };
  const sample = (label: string) => sampleMemory(connection, label, workers);
  step('Collecting garbage');
  await collect();
  const samples = [await sample('baseline')];
  options.onSample?.(samples[0]);
  const guard = new SnapshotGuard(connection, { memoryLimit: options.memoryLimit });
  const capture = await chooseCapture(guard, options);
  const checked: Checked = {
    capture,
    step,
    guard,
    threads,
    runCycle: async (i) => {
      await cycle();
      await collect();
      // The last reading decides which cycles' memory survived: work still draining must not count.
      if (i === options.cycles - 1) {
        step('Waiting for the work in flight to end');
        checked.settling = await settleHeap(collect, async () => (await connection.heapUsage()).usedSize, { token });
      }
      samples.push(await sample(`cycle ${i + 1}`));
      options.onSample?.(samples[samples.length - 1]);
    },
  };
  const run =
    capture.mode === 'sampling'
      ? await samplingCycles(connection, options, checked)
      : await snapshotCycles(connection, guard, options, checked, token);

  // Growth the diff saw and judged bounded explains a climbing heap: it is not a leak either.
  const unsettled = run.findings.length === 0 ? inconclusiveGrowth(run.diff) : undefined;
  const draining = settlingNote(checked.settling);
  const hasEvidence = run.files.mid !== undefined || (capture.mode === 'sampling' && options.cycles >= 2);
  const report = buildLeakReport({
    samples,
    retainedGrowth: run.findings.length > 0 ? true : unsettled ? false : undefined,
    summary: (verdict, memory) =>
      [verdictSummary(verdict, run.findings.length, memory.summary, hasEvidence, capture.mode), unsettled, verdict === 'leak' && draining]
        .filter(Boolean)
        .join(' '),
    target: { ...(options.command ? { command: options.command } : {}), endpoint: connection.endpoint },
    settings: {
      warmup: options.warmup,
      cycles: options.cycles,
      ...(options.workload.url
        ? { workloadUrl: options.workload.url, requests: options.workload.requests ?? LEAK_CHECK_DEFAULTS.requests }
        : {}),
      ...(options.workload.expression ? { workloadExpression: options.workload.expression } : {}),
      ...(options.cleanupExpression ? { cleanupExpression: options.cleanupExpression } : {}),
      trackAllocations: Boolean(options.trackAllocations) && capture.mode === 'snapshot',
    },
    findings: run.findings,
    packages: run.packages,
    snapshots: { baseline: run.files.baseline ?? '', ...(run.files.mid ? { mid: run.files.mid } : {}), after: run.files.after ?? '' },
    diff: run.diff,
    capture: {
      ...capture,
      ...(checked.settling ? { settling: checked.settling } : {}),
      ...(threads.report().length ? { workers: threads.report() } : {}),
    },
  });
  return {
    ...(run.files.baseline ? { baselineFile: run.files.baseline } : {}),
    ...(run.files.mid ? { midFile: run.files.mid } : {}),
    ...(run.files.after ? { afterFile: run.files.after } : {}),
    diff: run.diff,
    samples,
    breakdown: report.memory.breakdown,
    verdict: report.memory.verdict,
    report,
    scripts: Object.fromEntries(connection.scriptUrls),
  };
}

interface Checked {
  threads: WorkerChecks;
  guard: SnapshotGuard;
  capture: CaptureReport;
  step: (message: string) => void;
  /** Cycle `i` (from 0): the workload, cleanup, GC and a memory sample; the last one first waits for the heap to stop falling (settleHeap.ts). */
  runCycle: (i: number) => Promise<void>;
  settling?: Settling;
}

interface CycleRun {
  findings: Finding[];
  diff: SnapshotDiff;
  /** New memory per package (snapshot checks only). */
  packages?: PackageUsage[];
  files: { baseline?: string; mid?: string; after?: string };
}

/**
 * `auto` takes snapshots when the baseline's fits in what the target may use; the estimate is
 * already generous, and each later snapshot is checked again before it is taken.
 */
async function chooseCapture(guard: SnapshotGuard, options: LeakCheckOptions): Promise<CaptureReport> {
  const requested = options.capture ?? LEAK_CHECK_DEFAULTS.capture;
  const samplingInterval = options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL;
  if (requested === 'sampling')
    return {
      requested,
      mode: 'sampling',
      reason: 'Sampling was asked for (--capture sampling): no heap snapshot is taken.',
      samplingInterval,
    };
  const headroom = await guard.headroom();
  const numbers = headroomNumbers(headroom);
  if (requested === 'snapshot')
    return { requested, mode: 'snapshot', reason: `Snapshots were asked for (--capture snapshot). ${headroom.reason}`, headroom: numbers };
  if (headroom.fits) return { requested, mode: 'snapshot', reason: headroom.reason, headroom: numbers };
  return {
    requested,
    mode: 'sampling',
    reason: `${headroom.reason} The check samples allocations instead.`,
    headroom: numbers,
    samplingInterval,
  };
}

function headroomNumbers(h: Headroom): NonNullable<CaptureReport['headroom']> {
  return {
    estimate: h.estimate,
    basis: h.basis,
    ...(h.available !== undefined ? { available: h.available } : {}),
    ...(h.limit !== undefined ? { limit: h.limit } : {}),
    limitSource: h.limitSource,
    rss: h.rss,
    heapUsed: h.heapUsed,
  };
}

/** The cycles under V8's sampling heap profiler: after each cycle and GC, the highest sample ordinal marks the cycle's end. */
async function samplingCycles(connection: InspectorConnection, options: LeakCheckOptions, checked: Checked): Promise<CycleRun> {
  const interval = checked.capture.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL;
  const recorder = await SamplingRecorder.start(connection, interval);
  const holders = new SamplingHolderProbe(connection);
  try {
    await checked.threads.startSampling(interval);
    for (let i = 0; i < options.cycles; i++) {
      await probeBeforeLastCycle(holders, recorder, checked.guard, options, i, checked.step);
      checked.step(`Cycle ${i + 1}/${options.cycles} (sampling)`);
      await checked.runCycle(i);
      await recorder.mark();
      await checked.threads.markSampling();
    }
    checked.step('Analysing the sampled allocations');
    const main = await holders.after(recorder.findings(samplingOptions(connection, options)));
    const inWorkers = checked.threads.samplingFindings((worker) => samplingOptions(worker, options));
    return { findings: [...main, ...inWorkers], diff: noSnapshotDiff(), files: {} };
  } finally {
    await recorder.stop();
    await checked.threads.stopSampling();
  }
}

/**
 * With two cycles sampled, the sites whose samples survive most are known: their closures are
 * walked before the last cycle, so that cycle shows which collection they reach grows.
 */
async function probeBeforeLastCycle(
  holders: SamplingHolderProbe,
  recorder: SamplingRecorder,
  guard: SnapshotGuard,
  options: LeakCheckOptions,
  cycle: number,
  step: (m: string) => void,
): Promise<void> {
  if (cycle !== options.cycles - 1 || recorder.cycles < 2) return;
  step('Looking for what holds the growing allocations');
  await holders.before(recorder.heaviestSites(MAX_HOLDER_SITES), await guard.headroom());
}

/** The user's thresholds above sampling's floor, and the target's source maps, which take sampled sites in generated code to its source. */
function samplingOptions(connection: InspectorConnection, options: LeakCheckOptions): SamplingOptions {
  return {
    ...options.thresholds,
    floorBytesPerCycle: SAMPLING_FLOOR_BYTES_PER_CYCLE,
    mapLocation: new SourceMaps({ sourceMapUrl: (url) => connection.sourceMapUrl(url) }).mapLocation,
  };
}

/** A sampling check compares no snapshots; report.json keeps its shape with an empty diff. */
function noSnapshotDiff(): SnapshotDiff {
  const none = {
    file: '',
    totals: {
      nodeCount: 0,
      edgeCount: 0,
      totalSize: 0,
      reachableSize: 0,
      unreachableCount: 0,
      unreachableSize: 0,
      extraNativeBytes: 0,
      maxNodeId: 0,
    },
  };
  return {
    schemaVersion: 1,
    baseline: none,
    after: { ...none },
    classes: [],
    newObjects: { count: 0, selfSize: 0, retainedSize: 0 },
    groups: [],
  };
}

async function snapshotCycles(
  connection: InspectorConnection,
  guard: SnapshotGuard,
  options: LeakCheckOptions,
  checked: Checked,
  token: CancellationToken,
): Promise<CycleRun> {
  // Under auto the sampler runs from the baseline on: if a later snapshot no longer fits (the heap
  // grew), the check ends on the samples instead of with no evidence.
  const interval = options.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL;
  const recorder = checked.capture.requested === 'auto' ? await SamplingRecorder.start(connection, interval) : undefined;
  try {
    return await snapshotCyclesWith(
      connection,
      guard,
      options,
      checked,
      token,
      recorder && { recorder, holders: new SamplingHolderProbe(connection) },
    );
  } finally {
    await recorder?.stop();
  }
}

async function snapshotCyclesWith(
  connection: InspectorConnection,
  guard: SnapshotGuard,
  options: LeakCheckOptions,
  checked: Checked,
  token: CancellationToken,
  sampling: { recorder: SamplingRecorder; holders: SamplingHolderProbe } | undefined,
): Promise<CycleRun> {
  const recorder = sampling?.recorder;
  const { step, capture } = checked;
  /** Under auto, a later snapshot that no longer fits is not taken, and the check goes on sampling. */
  const snapshot = async (file: string, take: (o: SnapshotOptions) => Promise<void>, afterCycle: number): Promise<boolean> => {
    if (recorder) {
      const headroom = await guard.headroom();
      if (!headroom.fits) {
        const name = basename(file);
        capture.mode = 'sampling';
        capture.samplingInterval = recorder.samplingInterval;
        capture.skipped = [...(capture.skipped ?? []), name];
        capture.switched = { snapshot: name, afterCycle, reason: headroom.reason, headroom: headroomNumbers(headroom) };
        capture.reason += ` After cycle ${afterCycle}, ${lowerFirst(headroom.reason)} The check switched to the allocation samples kept since the baseline.`;
        return false;
      }
    }
    await guard.take(take, { token });
    return true;
  };
  const baselineFile = join(options.outDir, 'baseline.heapsnapshot');
  step('Taking the baseline snapshot');
  await guard.take((o) => connection.takeHeapSnapshot(baselineFile, o), { token });
  await checked.threads.snapshot('baseline');

  if (options.trackAllocations) await connection.startTrackingAllocations();
  // A snapshot halfway splits each group's growth into two windows: steady growth shows in both.
  const midAfter = options.cycles >= 2 ? Math.ceil(options.cycles / 2) : 0;
  const midFile = join(options.outDir, 'mid.heapsnapshot');
  let tookMid = false;
  for (let i = 0; i < options.cycles; i++) {
    // Once switched, the holder walk runs as in a sampling check.
    if (sampling && capture.mode === 'sampling') await probeBeforeLastCycle(sampling.holders, sampling.recorder, guard, options, i, step);
    step(`Cycle ${i + 1}/${options.cycles}${capture.mode === 'sampling' ? ' (sampling)' : ''}`);
    await checked.runCycle(i);
    await recorder?.mark();
    if (i + 1 === midAfter && i + 1 < options.cycles && capture.mode === 'snapshot') {
      step('Taking the mid snapshot');
      tookMid = await snapshot(midFile, (o) => connection.takeHeapSnapshot(midFile, o), i + 1);
      if (tookMid) await checked.threads.snapshot('mid');
    }
  }
  const afterFile = join(options.outDir, 'after.heapsnapshot');
  let tookAfter = false;
  if (capture.mode === 'snapshot') {
    step('Taking the after snapshot');
    // Ending the tracking yields the snapshot that carries the allocation stacks.
    tookAfter = await snapshot(
      afterFile,
      (o) => (options.trackAllocations ? connection.stopTrackingToFile(afterFile, o) : connection.takeHeapSnapshot(afterFile, o)),
      options.cycles,
    );
  }
  // Allocation tracking, if on, ends with the inspector session (nothing stops it without a snapshot).
  if (!tookAfter) {
    step('Analysing the sampled allocations');
    const findings = sampling ? await sampling.holders.after(sampling.recorder.findings(samplingOptions(connection, options))) : [];
    return { findings, diff: noSnapshotDiff(), files: { baseline: baselineFile, ...(tookMid ? { mid: midFile } : {}) } };
  }
  await recorder?.stop();

  step('Analysing the snapshots');
  await checked.threads.snapshot('after');
  const files = { baseline: baselineFile, ...(tookMid ? { mid: midFile } : {}), after: afterFile };
  const cycles = { total: options.cycles, beforeMid: midAfter };
  const main = await analyseSnapshots(connection, files, cycles, options, token);
  const inWorkers = await checked.threads.findings(cycles);
  return {
    findings: [...main.findings, ...inWorkers.findings],
    diff: main.diff,
    packages: mergePackageUsage([...main.packages, ...inWorkers.packages]),
    files,
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function verdictSummary(verdict: LeakVerdict, findings: number, memory: string, hadMid: boolean, mode: CaptureReport['mode']): string {
  if (findings > 0 && mode === 'sampling')
    return `${findings === 1 ? 'One allocation site keeps' : `${findings} allocation sites keep`} adding memory that survives cleanup and GC, cycle after cycle. ${memory}`;
  if (findings > 0)
    return `${findings === 1 ? 'One holder grows' : `${findings} holders grow`} steadily across the cycles and survive${findings === 1 ? 's' : ''} cleanup and GC. ${memory}`;
  if (!hadMid) return `${memory} (With fewer than two cycles there is no growth evidence; run more cycles to name leaks.)`;
  return verdict === 'leak' ? memory : `Nothing grew steadily across the cycles. ${memory}`;
}
