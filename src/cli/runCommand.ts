import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { describeExit, formatTail, launchUnderInspector, printableArgs, type LaunchedTarget, type MeasuredProcess } from '../inspector/launch';
import { printable } from '../report/format';
import { InspectorConnection } from '../inspector/connection';
import { renderDiffText } from '../report';
import { renderFindingsText } from '../report/findingsText';
import { renderSessionMemoryText } from '../report/memoryText';
import { runLeakCheck } from '../session/leakCheck';
import type { LeakCheckOptions } from '../session/types';
import { waitUntilReady } from '../session/workload';
import { usageError } from './help';
import { ExitCode, parseCommandArgs, positiveInteger, type CommandContext } from './main';
import { writeReportFiles } from '../session/writeOutputs';

export const RUN_OPTIONS = {
  'workload-url': { type: 'string' },
  requests: { type: 'string' },
  'workload-expr': { type: 'string' },
  'cleanup-expr': { type: 'string' },
  'ready-url': { type: 'string' },
  warmup: { type: 'string' },
  cycles: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'track-allocations': { type: 'boolean' },
  'fail-on': { type: 'string' },
} as const;

/** `leakscope run [options] -- command args…`: launch under the inspector, run the leak check, stop the target. */
export async function runRun(args: string[], context: CommandContext): Promise<number> {
  const separator = args.indexOf('--');
  if (separator < 0 || separator === args.length - 1) throw usageError('run needs the command to launch after `--`: leakscope run --workload-url URL -- node app.js');
  const { values } = parseCommandArgs(args.slice(0, separator), RUN_OPTIONS);
  const [command, ...commandArgs] = args.slice(separator + 1);
  return runLaunched(command, commandArgs, values, context);
}

export type RunValues = Partial<Record<keyof typeof RUN_OPTIONS | 'pid', string | boolean | undefined>>;

export async function runLaunched(command: string, commandArgs: string[], values: RunValues, context: CommandContext, env?: NodeJS.ProcessEnv): Promise<number> {
  const options = { ...leakCheckOptions(values, 'run'), command: [command, ...commandArgs] };
  const stderr = context.io.stderr;
  context.progress.phase(`Starting ${command}`);
  const workloadUrl = values['workload-url'] as string | undefined;
  const readyUrl = values['ready-url'] as string | undefined;
  let target: LaunchedTarget | undefined;
  let connection: InspectorConnection | undefined;
  const check = new CancellationTokenSource(context.token);
  const stopOnCancel = context.token.onCancellationRequested(() => void target?.stop());
  const startedAt = Date.now();
  try {
    target = await launchUnderInspector(command, commandArgs, {
      env,
      serviceUrl: workloadUrl ?? readyUrl,
      token: context.token,
      onOutput: (line) => stderr.write(`[target] ${printable(line, 2000)}\n`),
      onNote: (line) => stderr.write(`${line}\n`),
    });
    const measured = target.measured;
    stderr.write(`Measuring pid ${measured.pid} (\`${printableArgs(measured.argv)}\`): ${measured.reason}.\n`);
    connection = await InspectorConnection.connect(target.webSocketUrl);
    const running = target;
    const open = connection;
    const work = async () => {
      if (readyUrl) await waitUntilReady(readyUrl, 30_000, check.token, () => running.process.exitCode === null);
      await assertServesWorkload(running, workloadUrl);
      return checkAndReport(open, options, values, { ...context, token: check.token }, measured);
    };
    const outcome = await Promise.race([work().then((code) => ({ code }), (error: unknown) => ({ error })), running.exited.then((exit) => ({ exit }))]);
    if ('code' in outcome) return outcome.code;
    if (context.token.isCancellationRequested) throw new CancelledError('The leak check was stopped.');
    // A command that failed because the target was dying says less than the exit itself: wait a moment for it.
    const exit = 'exit' in outcome ? outcome.exit : await Promise.race([running.exited, delay(2000).then(() => undefined)]);
    if (!exit) throw (outcome as { error: unknown }).error;
    check.cancel();
    throw new LeakscopeError(ErrorCode.TargetUnreachable, `The measured process, ${describeExit(exit)} during the leak check, so there is no verdict.${formatTail(exit.stderrTail)}\n${await keptSnapshots(options.outDir, startedAt)}`);
  } finally {
    stopOnCancel.dispose();
    check.dispose();
    await connection?.close();
    await target?.stop();
  }
}

/** The measured process must be the one the workload reaches; a check of a process that handled none of it has no verdict. */
async function assertServesWorkload(target: LaunchedTarget, workloadUrl: string | undefined): Promise<void> {
  if (!workloadUrl) return;
  let port: number;
  try {
    const url = new URL(workloadUrl.replace(/\{i\}/g, '0'));
    port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  } catch {
    return;
  }
  if ((await target.listensOn(port)) === false) {
    throw new LeakscopeError(ErrorCode.TargetUnreachable, `The measured process (pid ${target.measured.pid}) does not listen on port ${port}, where ${workloadUrl} goes, so it would handle none of the workload; there is no verdict. Give the --workload-url of the service the command starts.`);
  }
}

/** The snapshots this run had finished before it stopped, for the error message: they stay on disk. */
async function keptSnapshots(outDir: string, since: number): Promise<string> {
  const names = await fs.readdir(outDir).catch(() => [] as string[]);
  const kept: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.heapsnapshot')).sort()) {
    const stat = await fs.stat(join(outDir, name)).catch(() => undefined);
    if (stat && stat.mtimeMs >= since) kept.push(join(outDir, name));
  }
  return kept.length ? `Kept what was captured: ${kept.join(', ')}.` : 'No snapshot had been written yet.';
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function leakCheckOptions(values: RunValues, command: string): LeakCheckOptions {
  const options: LeakCheckOptions = {
    workload: {
      url: values['workload-url'] as string | undefined,
      requests: positiveInteger(values.requests as string | undefined, '--requests', 100),
      expression: values['workload-expr'] as string | undefined,
    },
    cleanupExpression: values['cleanup-expr'] as string | undefined,
    warmup: nonNegativeInteger(values.warmup as string | undefined, '--warmup', 1),
    cycles: positiveInteger(values.cycles as string | undefined, '--cycles', 5),
    outDir: (values.out as string | undefined) ?? 'leakscope-out',
    trackAllocations: Boolean(values['track-allocations']),
  };
  if (!options.workload.url && !options.workload.expression) throw usageError(`${command} needs a workload: --workload-url URL (with --requests N) or --workload-expr EXPR.`);
  if (values['fail-on'] !== undefined && values['fail-on'] !== 'leak') throw usageError(`--fail-on takes "leak", not "${values['fail-on']}".`);
  return options;
}

/** Runs the leak check on a connected process, writes the outputs and prints the result. */
export async function checkAndReport(connection: InspectorConnection, options: LeakCheckOptions, values: RunValues, context: CommandContext, measured?: MeasuredProcess): Promise<number> {
  const result = await runLeakCheck(connection, options, { report: (s) => s.message && context.progress.phase(s.message) }, context.token);
  context.progress.done();
  const report = result.report;
  if (measured) report.target = { ...report.target, pid: measured.pid, argv: measured.argv, why: measured.reason };
  const written = await writeReportFiles(options.outDir, report);
  context.io.stderr.write(`Wrote ${[result.baselineFile, ...(result.midFile ? [result.midFile] : []), result.afterFile, ...written].join(', ')}\n`);
  if (values.json) context.io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const out = context.io.stdout;
    out.write(`Verdict: ${report.verdict}. ${report.summary}\n\n`);
    out.write(`Findings\n${renderFindingsText(report.findings)}\n`);
    out.write('Memory\n' + renderSessionMemoryText(result.samples, result.breakdown, result.verdict) + '\n');
    out.write(renderDiffText({ ...result.diff, classes: result.diff.classes.slice(0, 10), groups: result.diff.groups.slice(0, 5) }, { color: context.color }));
  }
  if (values['fail-on'] === 'leak' && report.verdict === 'leak') {
    context.io.stderr.write('leakscope: failing: the check found a leak (--fail-on leak).\n');
    return ExitCode.FailOn;
  }
  return ExitCode.Ok;
}

function nonNegativeInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError(`${flag} needs a whole number, not "${value}".`);
  return n;
}
