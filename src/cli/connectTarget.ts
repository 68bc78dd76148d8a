import { throwIfCancelled } from '../common/cancellation';
import { InspectorConnection, type ConnectOptions, type InspectorWait } from '../inspector/connection';
import { isLoopback, parseTarget, resolveTarget, type TargetSpec } from '../inspector/target';
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
  const host = spec.kind === 'address' ? spec.host : spec.kind === 'url' ? new URL(spec.url).hostname.replace(/^\[|\]$/g, '') : '127.0.0.1';
  if (!isLoopback(host)) {
    context.io.stderr.write(`Note: connecting to the inspector at ${host}, which lets Leakscope run code in that process. Only do this with a process you own.\n`);
  }
  const url = await resolveTarget(spec);
  throwIfCancelled(context.token);
  return InspectorConnection.connect(url, inspectorOptions(context));
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
