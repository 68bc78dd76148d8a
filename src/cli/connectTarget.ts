import { throwIfCancelled } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { InspectorConnection, type ConnectOptions, type InspectorWait } from '../inspector/connection';
import type { MeasuredProcess } from '../inspector/launch';
import { commandLine, parentPid } from '../inspector/procFs';
import { hostOf, isLoopback, parseTarget, resolveTarget, type TargetSpec } from '../inspector/target';
import { usageError } from './help';
import { positiveInteger, type CommandContext } from './args';

/** The target of `attach`, `memory` and `snapshot`: one positional address, or `--pid N`. */
export function targetFrom(positionals: string[], pid: string | undefined, command: string): TargetSpec {
  if (pid !== undefined) {
    if (positionals.length > 0) throw usageError(`${command} takes either an address or --pid, not both.`);
    return { kind: 'pid', pid: positiveInteger(pid, '--pid', 0) };
  }
  if (positionals.length !== 1) throw usageError(`${command} needs the process to connect to: host:port, a ws:// URL, or --pid N.`);
  return parseTarget(positionals[0]);
}

export async function connectTarget(spec: TargetSpec, context: CommandContext): Promise<InspectorConnection> {
  const host = hostOf(spec);
  if (!isLoopback(host)) {
    context.io.stderr.write(
      `Note: connecting to the inspector at ${host}, which lets Leakscope run code in that process. Only do this with a process you own.\n`,
    );
  }
  const url = await resolveTarget(spec);
  throwIfCancelled(context.token);
  const connection = await InspectorConnection.connect(url, inspectorOptions(context));
  if (spec.kind === 'pid') await assertIsPid(connection, spec.pid);
  return connection;
}

/**
 * Where /proc cannot tell whose inspector a port is (not Linux), SIGUSR1's 127.0.0.1:9229 may
 * belong to another process: ask the process itself, and never measure one that was not given.
 */
async function assertIsPid(connection: InspectorConnection, pid: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const answered = await Promise.race([
    connection.evaluate('process.pid', { commandLineApi: false }).catch(() => undefined),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 5000))),
  ]);
  clearTimeout(timer);
  if (typeof answered === 'number' && answered !== pid) {
    await connection.close();
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      `The inspector that opened belongs to PID ${answered}, not PID ${pid}; Leakscope measures only the process it was given.`,
    );
  }
}

/** The process `--pid` names, for the report: its argv as /proc has it. */
export function measuredPid(spec: TargetSpec): MeasuredProcess | undefined {
  if (spec.kind !== 'pid') return undefined;
  return { pid: spec.pid, ppid: parentPid(spec.pid) ?? 0, argv: commandLine(spec.pid) ?? [], reason: 'it was given with --pid' };
}

/** What every CLI connection gets: the command's cancellation, and a note on stderr while a call waits. */
export function inspectorOptions(context: CommandContext): ConnectOptions {
  return { token: context.token, onWait: (wait) => context.progress.note(waitNote(wait)) };
}

/** A long wait on the target, in words, every few seconds: never silence. */
export function waitNote(wait: InspectorWait): string {
  const s = (ms: number) => Math.round(ms / 1000);
  return `Waiting for ${wait.what}: ${s(wait.waitedMs)} s so far (limit ${s(wait.limitMs)} s)${wait.answering ? '' : '; the target is not answering'}.`;
}
