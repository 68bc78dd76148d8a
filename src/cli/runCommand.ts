import { launchUnderInspector, type LaunchedTarget } from '../inspector/launch';
import { InspectorConnection } from '../inspector/connection';
import { renderDiffText } from '../report';
import { renderFindingsText } from '../report/findingsText';
import { renderSessionMemoryText } from '../report/memoryText';
import { runLeakCheck } from '../session/leakCheck';
import type { LeakCheckOptions } from '../session/types';
import { parseAcceptedStatuses, waitUntilReady } from '../session/workload';
import { usageError } from './help';
import { ExitCode, parseCommandArgs, positiveInteger, type CommandContext } from './main';
import { writeReportFiles } from '../session/writeOutputs';

export const RUN_OPTIONS = {
  'workload-url': { type: 'string' },
  'accept-status': { type: 'string' },
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
  let target: LaunchedTarget | undefined;
  let connection: InspectorConnection | undefined;
  const stopOnCancel = context.token.onCancellationRequested(() => void target?.stop());
  try {
    target = await launchUnderInspector(command, commandArgs, { env, onOutput: (line) => stderr.write(`[target] ${line}\n`) });
    connection = await InspectorConnection.connect(target.webSocketUrl);
    const running = target;
    if (values['ready-url']) await waitUntilReady(values['ready-url'] as string, 30_000, context.token, () => running.process.exitCode === null);
    return await checkAndReport(connection, options, values, context);
  } finally {
    stopOnCancel.dispose();
    await connection?.close();
    await target?.stop();
  }
}

export function leakCheckOptions(values: RunValues, command: string): LeakCheckOptions {
  const options: LeakCheckOptions = {
    workload: {
      url: values['workload-url'] as string | undefined,
      requests: positiveInteger(values.requests as string | undefined, '--requests', 100),
      expression: values['workload-expr'] as string | undefined,
      ...acceptStatusOption(values['accept-status'] as string | undefined),
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
export async function checkAndReport(connection: InspectorConnection, options: LeakCheckOptions, values: RunValues, context: CommandContext): Promise<number> {
  const result = await runLeakCheck(connection, options, { report: (s) => s.message && context.progress.phase(s.message) }, context.token);
  context.progress.done();
  const report = result.report;
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

function acceptStatusOption(text: string | undefined): { acceptStatus?: Array<[number, number]> } {
  if (text === undefined) return {};
  const acceptStatus = parseAcceptedStatuses(text);
  if (!acceptStatus) throw usageError(`--accept-status takes statuses, ranges or classes separated by commas (404,410 or 400-499 or 4xx), not "${text}".`);
  return { acceptStatus };
}

function nonNegativeInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError(`${flag} needs a whole number, not "${value}".`);
  return n;
}
