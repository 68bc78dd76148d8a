import { Event, ExitedEvent, InitializedEvent, LoggingDebugSession, OutputEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { isAbsolute, join, resolve } from 'node:path';
import { CancellationTokenSource } from '../common/cancellation';
import { ErrorCode, errorDetail, isLeakscopeError, printedError } from '../common/errors';
import { ExitCode } from '../common/exitCodes';
import { printable } from '../common/printable';
import { formatBytes, requiredByteSize } from '../common/bytes';
import { InspectorConnection } from '../inspector/connection';
import { withConfiguredNode } from '../inspector/launch';
import { parseTarget, resolveTarget } from '../inspector/target';
import { renderFindingsText } from '../render/findingsText';
import { renderVerdictLine } from '../render/verdictLine';
import { LEAK_CHECK_DEFAULTS } from '../session/checkDefaults';
import { checkAndWrite, withLaunchedTarget, type CheckLaunchOptions } from '../session/launchedCheck';
import type { LeakCheckOptions } from '../session/types';
import { REPORT_EVENT, type LeakCheckLaunchArguments, type ReportEventBody } from './types';

/**
 * The `leakscope` launch type: F5 runs a leak check instead of a debugger. It launches (or
 * attaches to) the program, runs the check with its progress in the Debug Console, writes the
 * report and tells the extension where it is, then ends with an exit code CI can read.
 * Knows nothing of VS Code: it speaks DAP, so the same class runs inline or as a server.
 */
export class LeakCheckSession extends LoggingDebugSession {
  private readonly cancel = new CancellationTokenSource();
  /** A launched check, which stops its target itself once cancelled; disconnect waits for that. */
  private launched: Promise<unknown> | undefined;
  /** An attached check's connection, closed on disconnect. */
  private connection: InspectorConnection | undefined;

  constructor(private readonly defaults: { nodePath?: string; cwd?: string } = {}) {
    super();
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = { supportsTerminateRequest: true };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: LeakCheckLaunchArguments): void {
    this.begin(response, { ...args, request: 'launch' });
  }

  protected override attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments): void {
    this.begin(response, { ...(args as LeakCheckLaunchArguments), request: 'attach' });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.cancel.cancel();
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.cancel.cancel();
    void this.cleanUp().finally(() => this.sendResponse(response));
  }

  private begin(response: DebugProtocol.Response, args: LeakCheckLaunchArguments): void {
    const problem = configurationProblem(args);
    if (problem) {
      this.sendErrorResponse(response, { id: 1001, format: problem, showUser: true });
      return;
    }
    this.sendResponse(response);
    void this.run(args);
  }

  private say(text: string, category: 'console' | 'stdout' | 'stderr' | 'important' = 'console'): void {
    this.sendEvent(new OutputEvent(text.endsWith('\n') ? text : `${text}\n`, category));
  }

  private async run(args: LeakCheckLaunchArguments): Promise<void> {
    const token = this.cancel.token;
    const cwd = args.cwd ?? this.defaults.cwd ?? process.cwd();
    const outDir = args.outDir
      ? isAbsolute(args.outDir)
        ? args.outDir
        : resolve(cwd, args.outDir)
      : join(cwd, LEAK_CHECK_DEFAULTS.outDir);
    let exitCode: ExitCode = ExitCode.Failure;
    try {
      const options: LeakCheckOptions = {
        workload: args.workload,
        ...(args.cleanup ? { cleanupExpression: args.cleanup } : {}),
        warmup: args.warmup ?? LEAK_CHECK_DEFAULTS.warmup,
        cycles: args.cycles ?? LEAK_CHECK_DEFAULTS.cycles,
        trackAllocations: Boolean(args.trackAllocations),
        capture: args.capture ?? LEAK_CHECK_DEFAULTS.capture,
        ...(args.memoryLimit ? { memoryLimit: requiredByteSize('memoryLimit', args.memoryLimit) } : {}),
        outDir,
        onSample: (s) => this.say(`  ${s.label ?? 'sample'}: RSS ${formatBytes(s.rss)}, V8 heap used ${formatBytes(s.heapUsed)}`),
      };
      const progress = { report: (s: { message?: string }) => s.message && this.say(`Leakscope: ${s.message}`) };
      let checked: Awaited<ReturnType<typeof checkAndWrite>>;
      if (args.request === 'launch') {
        const command = withConfiguredNode(
          [args.runtimeExecutable ?? 'node', ...(args.runtimeArgs ?? []), ...(args.program ? [args.program] : []), ...(args.args ?? [])],
          this.defaults.nodePath,
        );
        options.command = command;
        this.say(`Leakscope: launching ${command.join(' ')} in ${cwd}`);
        const launch: CheckLaunchOptions = {
          cwd,
          env: args.env,
          // Unlike the CLI, a configuration without a readyUrl waits for its workload URL to answer.
          readyUrl: args.readyUrl ?? args.workload.url?.replace(/\{i\}/g, '0'),
          workloadUrl: args.workload.url,
          outDir,
          onOutput: (line, stream) => this.say(line, stream),
          onNote: (line) => this.say(`Leakscope: ${line}`),
        };
        const launched = withLaunchedTarget(command[0], command.slice(1), launch, token, (connection, target, checkToken) =>
          checkAndWrite(connection, options, progress, checkToken, target.measured),
        );
        this.launched = launched;
        checked = await launched;
      } else {
        const text = args.address?.startsWith('ws') ? args.address : `${args.address ?? '127.0.0.1'}:${args.port ?? 9229}`;
        this.say(`Leakscope: attaching to ${text}`);
        this.connection = await InspectorConnection.connect(await resolveTarget(parseTarget(text)), { token });
        checked = await checkAndWrite(this.connection, options, progress, token);
      }
      const report = checked.result.report;
      const written = checked.files.filter((f) => !f.endsWith('.heapsnapshot'));
      this.say(`\n${renderVerdictLine(report)}\n`, 'important');
      this.say(renderFindingsText(report.findings));
      this.say(`Wrote ${written.join(', ')}`);
      const failed = args.failOn === 'leak' && report.verdict === 'leak';
      if (failed) this.say('Leakscope: failing: the check found a leak (failOn: "leak").', 'stderr');
      this.sendEvent(new Event(REPORT_EVENT, { reportFile: written[0], verdict: report.verdict, failed } satisfies ReportEventBody));
      exitCode = failed ? ExitCode.FailOn : ExitCode.Ok;
    } catch (e) {
      if (isLeakscopeError(e) && e.code === ErrorCode.Cancelled) this.say('Leakscope: the leak check was stopped.');
      else this.sayError(e);
    } finally {
      await this.cleanUp();
      this.sendEvent(new ExitedEvent(exitCode));
      this.sendEvent(new TerminatedEvent());
    }
  }

  /** As the CLI says it; the Debug Console is a log, so an internal error's stack follows at once. */
  private sayError(e: unknown): void {
    const printed = printedError(e);
    this.say(`Leakscope: ${printed.text}`, 'stderr');
    if (printed.internal) this.say(`This is a bug in Leakscope:\n${printable(errorDetail(e), Infinity, { keepLayout: true })}`);
  }

  private async cleanUp(): Promise<void> {
    await this.connection?.close();
    this.connection = undefined;
    // The launched program must be gone before the session says it ended; the check's own cleanup stops it.
    await this.launched?.catch(() => undefined);
    this.launched = undefined;
  }
}

/** One sentence for a configuration that cannot run, before anything starts. */
export function configurationProblem(args: Partial<LeakCheckLaunchArguments>): string | undefined {
  if (!args.workload || (!args.workload.url && !args.workload.expression)) {
    return 'A leakscope configuration needs a "workload": { "url": "http://…" } or { "expression": "…" }.';
  }
  if (args.request !== 'attach' && !args.program && !args.runtimeExecutable)
    return 'A leakscope "launch" configuration needs a "program" (or a "runtimeExecutable").';
  if (args.request === 'attach' && !args.address && !args.port) return 'A leakscope "attach" configuration needs an "address" or a "port".';
  if (args.cycles !== undefined && (!Number.isInteger(args.cycles) || args.cycles < 1))
    return '"cycles" must be a whole number of at least 1.';
  if (args.failOn !== undefined && args.failOn !== 'leak' && args.failOn !== 'never') return '"failOn" is "leak" or "never".';
  return undefined;
}
