import { promises as fs, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CancellationTokenSource, type CancellationToken } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import type { Progress } from '../common/progress';
import { InspectorConnection, type ConnectOptions } from '../inspector/connection';
import {
  describeExit,
  formatTail,
  launchUnderInspector,
  printableArgs,
  type LaunchedTarget,
  type LaunchOptions,
  type MeasuredProcess,
} from '../inspector/launch';
import { runLeakCheck } from './leakCheck';
import type { LeakCheckOptions, LeakCheckResult } from './types';
import { waitUntilReady } from './workload';
import { writeReportFiles } from './writeOutputs';

/** How to launch for a check: the URLs say which process of the command's tree is the service. */
export interface CheckLaunchOptions extends LaunchOptions {
  readyUrl?: string;
  workloadUrl?: string;
  /** The check's output folder: snapshots already written there are named if the target dies. */
  outDir?: string;
  /** Told every few seconds while an inspector call waits. */
  onWait?: ConnectOptions['onWait'];
}

/**
 * Launches a command under the inspector and hands the measured process's connection to `use`
 * once it is ready (`readyUrl` answers) and serves the workload's port. The target is stopped at
 * the end, on errors and on cancellation; if it dies first, its exit and last stderr lines are the
 * error, at once, with the snapshots already kept.
 */
export async function withLaunchedTarget<T>(
  command: string,
  commandArgs: string[],
  launch: CheckLaunchOptions,
  token: CancellationToken,
  use: (connection: InspectorConnection, target: LaunchedTarget, token: CancellationToken) => Promise<T>,
): Promise<T> {
  let target: LaunchedTarget | undefined;
  let connection: InspectorConnection | undefined;
  const stopOnCancel = token.onCancellationRequested(() => void target?.stop());
  const startedAt = Date.now();
  try {
    target = await launchUnderInspector(command, commandArgs, {
      ...launch,
      serviceUrl: launch.serviceUrl ?? launch.workloadUrl ?? launch.readyUrl,
      token,
    });
    const measured = target.measured;
    launch.onNote?.(`Measuring pid ${measured.pid} (\`${printableArgs(measured.argv)}\`): ${measured.reason}.`);
    connection = await InspectorConnection.connect(target.webSocketUrl, {
      token,
      ...(launch.onWait ? { onWait: launch.onWait } : {}),
    });
    const running = target;
    const open = connection;
    return await whileTargetLives(running, token, { outDir: launch.outDir, since: startedAt }, async (check) => {
      if (launch.readyUrl) await waitUntilReady(launch.readyUrl, 30_000, check, () => running.process.exitCode === null);
      await assertServesWorkload(running, launch.workloadUrl);
      return use(open, running, check);
    });
  } finally {
    stopOnCancel.dispose();
    await connection?.close();
    await target?.stop();
  }
}

/**
 * Runs a check on a launched target. If the target dies first, the check is cancelled and the
 * target's exit and last stderr lines are the error, at once, with the snapshots already kept in
 * `outDir`: a check that failed because its target was dying says less than the exit itself.
 */
export async function whileTargetLives<T>(
  target: LaunchedTarget,
  token: CancellationToken,
  kept: { outDir?: string; since: number },
  work: (token: CancellationToken) => Promise<T>,
): Promise<T> {
  const check = new CancellationTokenSource(token);
  try {
    const outcome = await Promise.race([
      work(check.token).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      target.exited.then((exit) => ({ exit })),
    ]);
    if ('value' in outcome) return outcome.value;
    if (token.isCancellationRequested) throw new CancelledError('The leak check was stopped.');
    // A command that failed because the target was dying says less than the exit itself: wait a moment for it.
    const exit = 'exit' in outcome ? outcome.exit : await Promise.race([target.exited, delay(2000).then(() => undefined)]);
    if (!exit) throw (outcome as { error: unknown }).error;
    check.cancel();
    const snapshots = kept.outDir ? `\n${await keptSnapshots(kept.outDir, kept.since)}` : '';
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      `The measured process, ${describeExit(exit)} during the leak check, so there is no verdict.${formatTail(exit.stderrTail)}${snapshots}`,
    );
  } finally {
    check.dispose();
  }
}

/** The measured process must be the one the workload reaches; a check of a process that handled none of it has no verdict. */
export async function assertServesWorkload(
  target: LaunchedTarget,
  workloadUrl: string | undefined,
  advice = 'Give the --workload-url of the service the command starts.',
): Promise<void> {
  if (!workloadUrl) return;
  let port: number;
  try {
    const url = new URL(workloadUrl.replace(/\{i\}/g, '0'));
    port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  } catch {
    return;
  }
  if ((await target.listensOn(port)) === false) {
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      `The measured process (pid ${target.measured.pid}) does not listen on port ${port}, where ${workloadUrl} goes, so it would handle none of the workload; there is no verdict. ${advice}`,
    );
  }
}

/** The snapshots this run had finished before it stopped, for the error message: they stay on disk. */
async function keptSnapshots(outDir: string, since: number): Promise<string> {
  const names = await fs.readdir(outDir).catch(() => [] as string[]);
  const kept: string[] = [];
  // V8's own near-heap-limit snapshots (Heap.*) are named by the --oom-snapshot message.
  for (const name of names.filter((n) => n.endsWith('.heapsnapshot') && !n.startsWith('Heap.')).sort()) {
    const stat = await fs.stat(join(outDir, name)).catch(() => undefined);
    if (stat && stat.mtimeMs >= since) kept.push(join(outDir, name));
  }
  return kept.length ? `Kept what was captured: ${kept.join(', ')}.` : 'No snapshot had been written yet.';
}

/** Keeps the process alive while it waits: once the target is gone, nothing else may be. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the leak check on a connected process and writes report.json|md|html; `files` lists the snapshots, then the report files. */
export async function checkAndWrite(
  connection: InspectorConnection,
  options: LeakCheckOptions,
  progress: Progress,
  token: CancellationToken,
  measured?: MeasuredProcess,
): Promise<{ result: LeakCheckResult; files: string[] }> {
  // With the Debugger domain on, V8's pause-on-OOM handler replaces Node's and the near-limit snapshot never comes.
  if (options.oomSnapshot) await connection.releaseHeapLimit();
  const result = await runLeakCheck(connection, options, progress, token);
  const nearLimit = options.oomSnapshot ? nearHeapLimitSnapshots(resolve(options.outDir), 0) : [];
  if (nearLimit.length > 0) result.report.heapLimitSnapshots = nearLimit;
  if (measured) result.report.target = { ...result.report.target, pid: measured.pid, argv: measured.argv, why: measured.reason };
  const written = await writeReportFiles(options.outDir, result.report);
  const inWorkers = (result.report.capture?.workers ?? []).flatMap((w) =>
    w.snapshots ? [w.snapshots.baseline, w.snapshots.mid, w.snapshots.after] : [],
  );
  const snapshots = [result.baselineFile, result.midFile, result.afterFile, ...inWorkers].filter((f): f is string => Boolean(f));
  return { result, files: [...snapshots, ...written] };
}

/** Snapshots V8 wrote near the heap limit (`Heap.<date>.<time>.<pid>.0.<n>.heapsnapshot`) since `since`. */
export function nearHeapLimitSnapshots(outDir: string, since: number): string[] {
  try {
    return readdirSync(outDir)
      .filter((f) => /^Heap\..*\.heapsnapshot$/.test(f))
      .map((f) => join(outDir, f))
      .filter((f) => statSync(f).mtimeMs >= since - 1000);
  } catch {
    return [];
  }
}
