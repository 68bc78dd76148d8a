import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as timers from 'node:timers';
import { diffWithHolders, inconclusiveGrowth } from '../analysis/diff';
import { detectFindings } from '../analysis/findings';
import { setAsideBoundInCode } from '../analysis/boundInCode';
import { mapDiffLocations, withScriptUrls } from '../analysis/mapLocations';
import { attachHolderCodeApart } from '../session/attachHolderCodeApart';
import { SourceMaps } from '../session/sourceMaps';
import { loadForDiff } from '../analysis/loadForDiff';
import type { Finding, SnapshotDiff } from '../analysis/types';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { buildLeakReport } from '../report/buildLeakReport';
import type { LeakReport } from '../report/leakReport';
import { setAsideGrowth, type SetAsideFinding } from './setAsideGrowth';
import { InProcessInspector } from './inProcessInspector';
import { LeakError } from './leakError';
import { MemoryRecorder } from './memoryRecorder';

/**
 * The functions being checked, held from this module for the duration of a check. While a
 * snapshot is taken, the suspended check is reachable only through the promises of the call in
 * flight, which are new every time; without a second, long-lived path, everything the function
 * holds would count as dominated by those promises, and its leak as the check's own.
 */
const underCheck = new Set<unknown>();

/**
 * The real next-macrotask, taken from the module when this one loads: a test with fake timers
 * replaces the global (Jest, Vitest) or, once the test enables them, the module's export too
 * (node:test's mock.timers), and the check would wait on a clock nobody advances.
 */
const setImmediate = timers.setImmediate;

const MAX_GROUPS = 5000;
const REPORT_GROUPS = 20;

export interface CheckLeaksOptions {
  /** Calls between the baseline and the after snapshot (default 20); a snapshot halfway splits them. */
  iterations?: number;
  /** Calls before the baseline, so lazy caches and compiled code settle first (default 10). */
  warmup?: number;
  /** Runs after every call, before GC: what a test's teardown would release (close a pool, clear a cache). */
  cleanup?: () => unknown;
  /**
   * Growth per call below both of these is ignored (defaults 1 object and 0 bytes: a call that
   * keeps a single object more each time is a leak, because the same call is repeated).
   */
  minObjectsPerIteration?: number;
  minBytesPerIteration?: number;
  /** Keep the three snapshots in this folder, for `leakscope diff` or DevTools; by default they are deleted. */
  snapshotDir?: string;
}

export interface CheckLeaksResult {
  /** Empty when checkLeaks returns; a LeakError carries them otherwise. */
  findings: Finding[];
  /** Steady growth that is the engine's or the test harness's (a mock's call log), with why. */
  setAside: SetAsideFinding[];
  report: LeakReport;
}

/**
 * Runs `fn` over and over in this process and fails when something it leaves behind grows with
 * every call: the leak check of `leakscope run`, with calls for cycles. Warm-up calls, then GC
 * and a baseline heap snapshot, then the iterations (GC after each, a snapshot halfway), the
 * after snapshot, and the findings. Only what grows in both halves, at least once per call,
 * counts, so the test runner's own work around the test, one-off caches and the check's own
 * snapshots do not.
 */
export async function checkLeaks(fn: (iteration: number) => unknown, options: CheckLeaksOptions = {}): Promise<CheckLeaksResult> {
  if (typeof fn !== 'function')
    throw new LeakscopeError(ErrorCode.InvalidArgument, 'checkLeaks needs the function to check as its first argument.');
  const iterations = count(options.iterations, 'iterations', 20, 2);
  const warmup = count(options.warmup, 'warmup', 10, 0);
  // Each check counts everything the process keeps: two at once would count each other's calls.
  if (underCheck.size > 0)
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      'checkLeaks is already running in this process; run leak checks one at a time (not in concurrent tests).',
    );
  const inspector = InProcessInspector.open();
  underCheck.add(fn);
  if (options.cleanup) underCheck.add(options.cleanup);
  let dir: string | undefined;
  try {
    dir = options.snapshotDir ?? (await fs.mkdtemp(join(tmpdir(), 'leakscope-test-')));
    if (options.snapshotDir) await fs.mkdir(dir, { recursive: true });
    const files = {
      baseline: join(dir, 'baseline.heapsnapshot'),
      mid: join(dir, 'mid.heapsnapshot'),
      after: join(dir, 'after.heapsnapshot'),
    };
    const recorder = new MemoryRecorder(iterations + 1);
    const call = async (i: number) => {
      await fn(i);
      if (options.cleanup) await options.cleanup();
      // Lets what the call scheduled (closing sockets, resolved timers) finish before GC.
      await new Promise((resolve) => setImmediate(resolve));
    };
    for (let i = 0; i < warmup; i++) await call(i);
    await inspector.collectGarbage();
    recorder.record();
    await snapshot(inspector, files.baseline);

    const midAfter = Math.ceil(iterations / 2);
    for (let i = 0; i < iterations; i++) {
      await call(warmup + i);
      await inspector.collectGarbage();
      recorder.record();
      if (i + 1 === midAfter) await snapshot(inspector, files.mid);
    }
    await snapshot(inspector, files.after);
    const scripts = await inspector.scriptUrls();

    const inputs = await loadForDiff(files);
    const mid = { ids: inputs.midIds!, cyclesBefore: midAfter, cyclesAfter: iterations - midAfter };
    // A leak of one small object per call retains less than V8's own warm-up does, so every
    // holder is weighed, not only the largest (the default for a whole-process diff).
    const { diff: rawDiff, holders, graph } = diffWithHolders(inputs.baseline, inputs.after, undefined, { mid, maxGroups: MAX_GROUPS });
    // Code a runner transformed (ts-jest, Vitest) or tsc compiled is mapped back to the file the test's author wrote.
    const { mapLocation } = new SourceMaps({ sourceMapUrl: (url) => inspector.sourceMapUrl(url) });
    const diff = mapDiffLocations(
      withScriptUrls(rawDiff, (id) => scripts.get(String(id))),
      mapLocation,
    );
    // Like the CLI's check: each finding points at the statement that adds to its holder.
    const detected = await attachHolderCodeApart(
      detectFindings(diff, graph, holders, {
        scriptUrl: (id) => scripts.get(String(id)),
        mapLocation,
        minObjectsPerCycle: options.minObjectsPerIteration ?? 1,
        minBytesPerCycle: options.minBytesPerIteration ?? 0,
      }),
    );
    const { kept: findings, setAside } = setAsideGrowth(setAsideBoundInCode(detected, diff), graph);
    const report = leakReport(
      fn,
      { iterations, warmup, cleanup: Boolean(options.cleanup) },
      findings,
      recorder,
      diff,
      options.snapshotDir ? files : undefined,
    );
    if (findings.length > 0) throw new LeakError(findings, report, setAside);
    return { findings, setAside, report };
  } finally {
    underCheck.delete(fn);
    if (options.cleanup) underCheck.delete(options.cleanup);
    inspector.close();
    if (!options.snapshotDir && dir) await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * From a fresh macrotask, after the GC's weak callbacks have run: the snapshot then sees neither
 * this function's frame on the stack (which would make the stack the shortest path to whatever
 * `fn` holds) nor async resources whose destroy hooks are still queued (runners track those).
 */
async function snapshot(inspector: InProcessInspector, file: string): Promise<void> {
  // Node keeps the timing of the first 250 fetches: a bounded buffer that any check shorter than
  // that would see growing with every call that fetches.
  performance.clearResourceTimings();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve, reject) => setImmediate(() => inspector.takeHeapSnapshot(file).then(resolve, reject)));
}

function count(value: number | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min)
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      `checkLeaks option ${name} must be a whole number of at least ${min}, not ${String(value)}.`,
    );
  return value;
}

function leakReport(
  fn: (iteration: number) => unknown,
  settings: { iterations: number; warmup: number; cleanup: boolean },
  findings: Finding[],
  recorder: MemoryRecorder,
  diff: SnapshotDiff,
  kept: { baseline: string; mid: string; after: string } | undefined,
): LeakReport {
  const name = fn.name || '(anonymous function)';
  return buildLeakReport({
    samples: recorder.samples(),
    retainedGrowth: findings.length > 0,
    summary: (_verdict, memory) =>
      findings.length > 0
        ? `${findings.length === 1 ? 'One holder grows' : `${findings.length} holders grow`} with every call of ${name} and survive${findings.length === 1 ? 's' : ''} GC. ${memory.summary}`
        : `Nothing grew with every call of ${name}. ${memory.summary}${inconclusiveGrowth(diff) ? ` ${inconclusiveGrowth(diff)}` : ''}`,
    target: { command: process.argv.slice(), endpoint: 'in-process' },
    settings: {
      warmup: settings.warmup,
      cycles: settings.iterations,
      workloadExpression: `${name}(iteration)`,
      ...(settings.cleanup ? { cleanupExpression: 'cleanup()' } : {}),
      trackAllocations: false,
    },
    findings,
    snapshots: kept ?? { baseline: '(deleted)', mid: '(deleted)', after: '(deleted)' },
    // The findings carry their own paths; the report keeps the diff's largest groups, as `run` does.
    diff: { ...diff, groups: diff.groups.slice(0, REPORT_GROUPS) },
  });
}
