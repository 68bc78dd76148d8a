import { basename } from 'node:path';
import { z } from 'zod/v4';
import { LEAK_VERDICTS } from '../report/verdicts';
import { renderVerdictLine } from '../render/verdictLine';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { waitUntilReady } from '../session/workload';
import { withConfiguredNode } from '../inspector/launch';
import { checkAndWrite, withLaunchedTarget } from '../session/launchedCheck';
import { LEAK_CHECK_DEFAULTS } from '../session/checkDefaults';
import type { LeakCheckOptions } from '../session/types';
import { findingSummaryOutput, summarizeFinding } from './findingSummary';
import { describeProcess, processInput, withProcess } from './processTarget';
import { defineTool, resolvePath } from './toolDefinition';

/** Findings returned with the check itself; the rest are one `leakscope_report_findings` call away. */
const FINDINGS_IN_ANSWER = 10;

const input = {
  command: z
    .array(z.string())
    .min(1)
    .optional()
    .describe(
      'Launch this command (argv, e.g. ["node", "server.js"]) under the inspector; it is stopped at the end. Or give target / pid for a running process.',
    ),
  cwd: z.string().optional().describe('Working folder of the launched command (default: the workspace / server folder).'),
  env: z.record(z.string(), z.string()).optional().describe('Extra environment variables for the launched command, e.g. {"PORT": "3000"}.'),
  ...processInput,
  workloadUrl: z.string().optional().describe('One cycle of work: GET this URL `requests` times; {i} in it becomes the request number.'),
  requests: z.number().int().min(1).optional().describe(`Requests per cycle (default ${LEAK_CHECK_DEFAULTS.requests}).`),
  workloadExpression: z.string().optional().describe('Or evaluate this JavaScript in the target once per cycle (awaited).'),
  cleanupExpression: z.string().optional().describe('Evaluated in the target after each cycle, before GC.'),
  readyUrl: z.string().optional().describe('Wait until this URL answers before starting.'),
  warmup: z.number().int().min(0).optional().describe(`Warm-up cycles before the baseline (default ${LEAK_CHECK_DEFAULTS.warmup}).`),
  cycles: z
    .number()
    .int()
    .min(2)
    .optional()
    .describe(`Cycles between the baseline and the after snapshot (default ${LEAK_CHECK_DEFAULTS.cycles}).`),
  outDir: z.string().optional().describe(`Where snapshots and report.json|md|html go (default ${LEAK_CHECK_DEFAULTS.outDir}).`),
  trackAllocations: z
    .boolean()
    .optional()
    .describe('Record allocation stacks, so findings name the allocating function (slows the target).'),
};

type Input = z.infer<z.ZodObject<typeof input>>;

export const runLeakCheckTool = defineTool({
  name: 'leakscope_run_leak_check',
  title: 'Run a leak check',
  description:
    'Finds memory leaks in a Node.js process: launches a command (or attaches to a running process), runs a workload in cycles with GC in between, snapshots the heap and names what grows every cycle, what holds it and where in the code. Returns the findings, the memory verdict and the paths of report.json (the input of the other report tools).',
  readOnly: false,
  input,
  output: {
    verdict: z.enum(LEAK_VERDICTS),
    summary: z.string(),
    findingCount: z.number().int(),
    findings: z
      .array(findingSummaryOutput)
      .describe(`The first ${FINDINGS_IN_ANSWER}, largest growth first; page through all of them with leakscope_report_findings.`),
    memory: z
      .object({ kind: z.string(), summary: z.string(), advice: z.string().optional() })
      .describe('Where the RSS went, as a verdict.'),
    files: z.object({ report: z.string(), markdown: z.string().optional(), html: z.string().optional(), snapshots: z.array(z.string()) }),
  },
  confirmation: (i, context) => ({
    title: i.command ? 'Launch a process for a leak check?' : 'Attach to a process for a leak check?',
    message: i.command
      ? `Leakscope will run \`${i.command.join(' ')}\` in ${resolvePath(i.cwd ?? '.', context)} under the inspector, ${workloadText(i)}, and stop it at the end.`
      : `Leakscope will connect to ${describeProcess(i)}, which lets it run code in that process, and ${workloadText(i)}.`,
  }),
  async run(i, context) {
    // runLeakCheck itself refuses a check without a workload.
    const options: LeakCheckOptions = {
      workload: { url: i.workloadUrl, requests: i.requests ?? LEAK_CHECK_DEFAULTS.requests, expression: i.workloadExpression },
      cleanupExpression: i.cleanupExpression,
      warmup: i.warmup ?? LEAK_CHECK_DEFAULTS.warmup,
      cycles: i.cycles ?? LEAK_CHECK_DEFAULTS.cycles,
      outDir: resolvePath(i.outDir ?? LEAK_CHECK_DEFAULTS.outDir, context),
      trackAllocations: Boolean(i.trackAllocations),
      ...(i.command ? { command: i.command } : {}),
    };
    const progress = { report: (s: { message?: string }) => s.message && context.progress(s.message) };
    const readyUrl = i.readyUrl;
    let checked: Awaited<ReturnType<typeof checkAndWrite>>;
    if (i.command) {
      if (i.target !== undefined || i.pid !== undefined)
        throw new LeakscopeError(
          ErrorCode.InvalidArgument,
          'Give either a command to launch or a running process (target / pid), not both.',
        );
      const [command, ...args] = withConfiguredNode(i.command, context.nodePath);
      context.progress(`Starting ${command}`);
      const launch = {
        cwd: resolvePath(i.cwd ?? '.', context),
        env: i.env,
        readyUrl,
        workloadUrl: i.workloadUrl,
        outDir: options.outDir,
        onOutput: (line: string) => context.targetOutput?.(line),
        onNote: (line: string) => context.targetOutput?.(line),
      };
      checked = await withLaunchedTarget(command, args, launch, context.token, (connection, target, token) =>
        checkAndWrite(connection, options, progress, token, target.measured),
      );
    } else {
      checked = await withProcess(i, async (connection) => {
        if (readyUrl) await waitUntilReady(readyUrl, 30_000, context.token);
        return checkAndWrite(connection, options, progress, context.token);
      });
    }
    return answer(checked);
  },
});

function workloadText(i: Input): string {
  const work = i.workloadUrl
    ? `GET ${i.workloadUrl} ${i.requests ?? LEAK_CHECK_DEFAULTS.requests} times`
    : i.workloadExpression
      ? `evaluate \`${i.workloadExpression}\` in it`
      : 'run no workload (one is needed)';
  return `${work} per cycle for ${(i.warmup ?? LEAK_CHECK_DEFAULTS.warmup) + (i.cycles ?? LEAK_CHECK_DEFAULTS.cycles)} cycles, taking heap snapshots into ${i.outDir ?? LEAK_CHECK_DEFAULTS.outDir}`;
}

function answer({ result, files }: Awaited<ReturnType<typeof checkAndWrite>>) {
  const report = result.report;
  const named = (name: string) => files.find((f) => basename(f) === name);
  const structured = {
    verdict: report.verdict,
    summary: report.summary,
    findingCount: report.findings.length,
    findings: report.findings.slice(0, FINDINGS_IN_ANSWER).map(summarizeFinding),
    memory: {
      kind: result.verdict.kind,
      summary: result.verdict.summary,
      ...(result.verdict.advice ? { advice: result.verdict.advice } : {}),
    },
    files: {
      report: named('report.json') ?? files[files.length - 1],
      ...(named('report.md') ? { markdown: named('report.md') } : {}),
      ...(named('report.html') ? { html: named('report.html') } : {}),
      snapshots: files.filter((f) => f.endsWith('.heapsnapshot')),
    },
  };
  return {
    structured,
    summary: `${renderVerdictLine(report)} ${report.findings.length} finding(s); report at ${structured.files.report}.`,
  };
}
