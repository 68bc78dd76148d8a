import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { LeakscopeError } from '../common/errors';
import { printable } from '../common/printable';
import type { InspectorConnection } from '../inspector/connection';
import type { MeasuredProcess } from '../inspector/launch';
import { renderDiffText } from '../render';
import { renderFindingsText } from '../render/findingsText';
import { renderPackagesText } from '../render/packagesReport';
import { renderSessionMemoryText } from '../render/memoryText';
import { renderVerdictLine } from '../render/verdictLine';
import { checkAndWrite, nearHeapLimitSnapshots, withLaunchedTarget } from '../session/launchedCheck';
import { LEAK_CHECK_DEFAULTS } from '../session/checkDefaults';
import { DEFAULT_SAMPLING_INTERVAL, type LeakCheckOptions } from '../session/types';
import { parseAcceptedStatuses } from '../session/workload';
import { usageError } from './help';
import { ExitCode } from '../common/exitCodes';
import { memoryLimitOption, parseCommandArgs, positiveInteger, type CommandContext, type OptionValues } from './args';
import { inspectorOptions } from './connectTarget';

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
  'raw-paths': { type: 'boolean' },
  'fail-on': { type: 'string' },
  capture: { type: 'string' },
  'memory-limit': { type: 'string' },
  'sampling-interval': { type: 'string' },
  'oom-snapshot': { type: 'boolean' },
} as const;

/** `leakscope run [options] -- command args…`: launch under the inspector, run the leak check, stop the target. */
export async function runRun(args: string[], context: CommandContext): Promise<number> {
  const separator = args.indexOf('--');
  if (separator < 0 || separator === args.length - 1)
    throw usageError('run needs the command to launch after `--`: leakscope run --workload-url URL -- node app.js');
  const { values } = parseCommandArgs(args.slice(0, separator), RUN_OPTIONS);
  const [command, ...commandArgs] = args.slice(separator + 1);
  if (!values['oom-snapshot']) return runLaunched(command, commandArgs, values, context);
  const outDir = resolve(values.out ?? LEAK_CHECK_DEFAULTS.outDir);
  const since = Date.now();
  try {
    return await runLaunched(command, commandArgs, values, context, oomSnapshotEnv(outDir));
  } catch (e) {
    const written = nearHeapLimitSnapshots(outDir, since);
    if (written.length === 0 || !(e instanceof LeakscopeError)) throw e;
    throw new LeakscopeError(
      e.code,
      `${e.message} V8 wrote a heap snapshot as it neared its heap limit: ${written.join(', ')} (leakscope inspect reads it).`,
      e.userFacing,
      { cause: e },
    );
  }
}

/**
 * `--oom-snapshot`: V8 writes one snapshot as the heap nears its limit, into the check's folder.
 * Through NODE_OPTIONS, so it reaches the node behind a wrapper (npm, a shell script) too.
 */
function oomSnapshotEnv(outDir: string): NodeJS.ProcessEnv {
  mkdirSync(outDir, { recursive: true });
  const flags = `--heapsnapshot-near-heap-limit=1 --diagnostic-dir=${JSON.stringify(outDir)}`;
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${flags}`.trim() };
}

/** The values of run's options, which attach and demo give too. */
export type RunValues = OptionValues<typeof RUN_OPTIONS>;

export async function runLaunched(
  command: string,
  commandArgs: string[],
  values: RunValues,
  context: CommandContext,
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const options = { ...leakCheckOptions(values, 'run'), command: [command, ...commandArgs] };
  const stderr = context.io.stderr;
  context.progress.phase(`Starting ${command}`);
  const launch = {
    env,
    readyUrl: values['ready-url'],
    workloadUrl: values['workload-url'],
    outDir: options.outDir,
    onOutput: (line: string) => stderr.write(`[target] ${printable(line, Infinity, { keepLayout: true })}\n`),
    onNote: (line: string) => stderr.write(`${line}\n`),
    onWait: inspectorOptions(context).onWait,
  };
  return withLaunchedTarget(command, commandArgs, launch, context.token, (connection, target, token) =>
    checkAndReport(connection, options, values, { ...context, token }, target.measured),
  );
}

export function leakCheckOptions(values: RunValues, command: string): LeakCheckOptions {
  const options: LeakCheckOptions = {
    workload: {
      url: values['workload-url'],
      requests: positiveInteger(values.requests, '--requests', LEAK_CHECK_DEFAULTS.requests),
      expression: values['workload-expr'],
      ...acceptStatusOption(values['accept-status']),
    },
    cleanupExpression: values['cleanup-expr'],
    warmup: nonNegativeInteger(values.warmup, '--warmup', LEAK_CHECK_DEFAULTS.warmup),
    cycles: positiveInteger(values.cycles, '--cycles', LEAK_CHECK_DEFAULTS.cycles),
    outDir: values.out ?? LEAK_CHECK_DEFAULTS.outDir,
    trackAllocations: Boolean(values['track-allocations']),
    oomSnapshot: Boolean(values['oom-snapshot']),
  };
  const capture = values.capture ?? LEAK_CHECK_DEFAULTS.capture;
  if (capture !== 'auto' && capture !== 'snapshot' && capture !== 'sampling')
    throw usageError(`--capture takes auto, snapshot or sampling, not "${capture}".`);
  options.capture = capture;
  const memoryLimit = memoryLimitOption(values['memory-limit']);
  if (memoryLimit !== undefined) options.memoryLimit = memoryLimit;
  if (values['sampling-interval'] !== undefined)
    options.samplingInterval = positiveInteger(values['sampling-interval'], '--sampling-interval', DEFAULT_SAMPLING_INTERVAL);
  if (!options.workload.url && !options.workload.expression)
    throw usageError(`${command} needs a workload: --workload-url URL (with --requests N) or --workload-expr EXPR.`);
  if (values['fail-on'] !== undefined && values['fail-on'] !== 'leak')
    throw usageError(`--fail-on takes "leak", not "${values['fail-on']}".`);
  return options;
}

/** Runs the leak check on a connected process, writes the outputs and prints the result. */
export async function checkAndReport(
  connection: InspectorConnection,
  options: LeakCheckOptions,
  values: RunValues,
  context: CommandContext,
  measured?: MeasuredProcess,
): Promise<number> {
  const { result, files } = await checkAndWrite(
    connection,
    options,
    { report: (s) => s.message && context.progress.phase(s.message) },
    context.token,
    measured,
  );
  context.progress.done();
  const report = result.report;
  context.io.stderr.write(`Wrote ${files.join(', ')}\n`);
  if (values.json) context.io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const out = context.io.stdout;
    out.write(`${renderVerdictLine(report)}\n\n`);
    if (report.capture) out.write(`Capture: ${report.capture.mode}. ${report.capture.reason}\n\n`);
    out.write(`Findings\n${renderFindingsText(report.findings, { rawPaths: Boolean(values['raw-paths']) })}\n`);
    const byPackage = renderPackagesText(report.packages, { color: context.color });
    if (byPackage) out.write(byPackage + '\n');
    out.write('Memory\n' + renderSessionMemoryText(result.samples, result.breakdown, result.verdict) + '\n');
    if (result.afterFile)
      out.write(
        renderDiffText(
          { ...result.diff, classes: result.diff.classes.slice(0, 10), groups: result.diff.groups.slice(0, 5) },
          { color: context.color },
        ),
      );
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
  if (!acceptStatus)
    throw usageError(`--accept-status takes statuses, ranges or classes separated by commas (404,410 or 400-499 or 4xx), not "${text}".`);
  return { acceptStatus };
}

function nonNegativeInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError(`${flag} needs a whole number, not "${value}".`);
  return n;
}
