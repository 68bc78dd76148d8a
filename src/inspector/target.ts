import { ErrorCode, errorMessage, LeakscopeError } from '../common/errors';
import { openInspectorOfPid } from './pidInspector';

export type TargetSpec = { kind: 'url'; url: string } | { kind: 'address'; host: string; port: number } | { kind: 'pid'; pid: number };

/** `ws://…`, `host:port`, `:port`, or a bare port; `--pid N` is given separately. */
export function parseTarget(text: string): TargetSpec {
  if (/^wss?:\/\//.test(text)) return { kind: 'url', url: text };
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  if (!match)
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      `"${text}" is not an inspector address: give host:port (127.0.0.1:9229), a ws:// URL, or --pid N.`,
    );
  const port = Number(match[3]);
  if (port < 1 || port > 65535) throw new LeakscopeError(ErrorCode.InvalidArgument, `${port} is not a port number.`);
  return { kind: 'address', host: match[1] || match[2] || '127.0.0.1', port };
}

/** The host a target's inspector is reached at (a PID's inspector listens on loopback). */
export function hostOf(spec: TargetSpec): string {
  return spec.kind === 'address' ? spec.host : spec.kind === 'url' ? new URL(spec.url).hostname.replace(/^\[|\]$/g, '') : '127.0.0.1';
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The WebSocket URL of the Node process behind an inspector HTTP endpoint (its `/json/list`). */
export async function webSocketUrlOf(host: string, port: number, timeoutMs = 5000): Promise<string> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let targets: Array<{ webSocketDebuggerUrl?: string; type?: string }>;
  try {
    const response = await fetch(`http://${where}/json/list`, { signal: AbortSignal.timeout(timeoutMs) });
    targets = (await response.json()) as typeof targets;
  } catch (e) {
    const reason = (e as { cause?: { code?: string; message?: string } }).cause;
    const cause = reason?.code ?? reason?.message ?? errorMessage(e);
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      cause === 'ECONNREFUSED'
        ? `Nothing is listening on ${where}; start the process with --inspect=${where} (or use --pid to open the inspector of a running one).`
        : `${where} did not answer as a Node inspector (${cause}).`,
    );
  }
  const target =
    targets.find((t) => t.webSocketDebuggerUrl && (t.type ?? 'node') === 'node') ?? targets.find((t) => t.webSocketDebuggerUrl);
  if (!target?.webSocketDebuggerUrl)
    throw new LeakscopeError(ErrorCode.TargetUnreachable, `${where} lists no inspectable target; is another debugger attached?`);
  // The inspector names itself by the address it bound; reach it by the one we used.
  return target.webSocketDebuggerUrl.replace(/^ws:\/\/[^/]+/, `ws://${where}`);
}

export async function resolveTarget(spec: TargetSpec): Promise<string> {
  switch (spec.kind) {
    case 'url':
      return spec.url;
    case 'address':
      return webSocketUrlOf(spec.host, spec.port);
    case 'pid':
      return openInspectorOfPid(spec.pid, webSocketUrlOf);
  }
}
