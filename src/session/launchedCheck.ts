import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CancellationToken } from '../common/cancellation';
import type { Progress } from '../common/progress';
import { InspectorConnection } from '../inspector/connection';
import { launchUnderInspector, type LaunchedTarget, type LaunchOptions } from '../inspector/launch';
import { runLeakCheck } from './leakCheck';
import type { LeakCheckOptions, LeakCheckResult } from './types';
import { waitUntilReady } from './workload';
import { writeReportFiles } from './writeOutputs';

/**
 * Launches a command under the inspector and hands its connection to `use` once it is ready
 * (`readyUrl` answers); the target is stopped at the end, on errors and on cancellation.
 */
export async function withLaunchedTarget<T>(
  command: string,
  commandArgs: string[],
  launch: LaunchOptions & { readyUrl?: string },
  token: CancellationToken,
  use: (connection: InspectorConnection) => Promise<T>,
): Promise<T> {
  let target: LaunchedTarget | undefined;
  let connection: InspectorConnection | undefined;
  const stopOnCancel = token.onCancellationRequested(() => void target?.stop());
  try {
    target = await launchUnderInspector(command, commandArgs, launch);
    connection = await InspectorConnection.connect(target.webSocketUrl);
    const running = target;
    if (launch.readyUrl) await waitUntilReady(launch.readyUrl, 30_000, token, () => running.process.exitCode === null);
    return await use(connection);
  } finally {
    stopOnCancel.dispose();
    await connection?.close();
    await target?.stop();
  }
}

/** Runs the leak check on a connected process and writes report.json|md|html; `files` lists the snapshots, then the report files. */
export async function checkAndWrite(connection: InspectorConnection, options: LeakCheckOptions, progress: Progress, token: CancellationToken): Promise<{ result: LeakCheckResult; files: string[] }> {
  // With the Debugger domain on, V8's pause-on-OOM handler replaces Node's and the near-limit snapshot never comes.
  if (options.oomSnapshot) await connection.releaseHeapLimit();
  const result = await runLeakCheck(connection, options, progress, token);
  const nearLimit = options.oomSnapshot ? nearHeapLimitSnapshots(resolve(options.outDir), 0) : [];
  if (nearLimit.length > 0) result.report.heapLimitSnapshots = nearLimit;
  const written = await writeReportFiles(options.outDir, result.report);
  const snapshots = [result.baselineFile, result.midFile, result.afterFile].filter((f): f is string => Boolean(f));
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
