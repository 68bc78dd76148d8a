import { readFileSync } from 'node:fs';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { commandLine, hasProcFs, isNodeProcess, isRunning, listenerOfPort, listeningSocketsOf } from './procFs';

/** Where SIGUSR1 makes Node listen: its `--inspect-port` (or the port of `--inspect=…`), else 9229. */
function signalledPort(argv: string[], nodeOptions: string): number {
  let port = 9229;
  for (const arg of [...nodeOptions.split(/\s+/), ...argv]) {
    const match = /^--inspect(?:-brk|-wait|-port)?=(?:.*:)?(\d+)$/.exec(arg);
    if (match) port = Number(match[1]);
  }
  return port;
}

function environmentOf(pid: number): string {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
    return (
      env
        .split('\0')
        .find((v) => v.startsWith('NODE_OPTIONS='))
        ?.slice('NODE_OPTIONS='.length) ?? ''
    );
  } catch {
    return '';
  }
}

/** The inspector among the process's own listening sockets: the one that answers `/json/list` as one. */
async function ownInspector(
  pid: number,
  webSocketUrlOf: (host: string, port: number, timeoutMs: number) => Promise<string>,
): Promise<string | undefined> {
  for (const socket of await listeningSocketsOf(pid)) {
    try {
      return await webSocketUrlOf(socket.host, socket.port, 1000);
    } catch {
      // An HTTP server of the app, or anything else: not an inspector.
    }
  }
  return undefined;
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      code === 'ESRCH'
        ? `No process has PID ${pid}.`
        : code === 'EPERM'
          ? `Not allowed to signal PID ${pid}; run Leakscope as the same user as the process.`
          : `Cannot signal PID ${pid} (${code}).`,
    );
  }
}

/**
 * Opens the inspector of a running local Node process and returns its WebSocket URL. On Linux
 * the process is first checked to be Node (SIGUSR1 kills most other programs), an inspector it
 * already has is used as is, and after SIGUSR1 the inspector is looked for among the sockets
 * that process itself listens on, so a busy 9229 held by another process is never taken for it.
 * Elsewhere it is what `node inspect -p` does: SIGUSR1, then 127.0.0.1:9229 (and the caller
 * checks the PID it reached).
 */
export async function openInspectorOfPid(
  pid: number,
  webSocketUrlOf: (host: string, port: number, timeoutMs: number) => Promise<string>,
  timeoutMs = 5000,
): Promise<string> {
  if (!hasProcFs) {
    signal(pid);
    return pollFor(
      timeoutMs,
      () => webSocketUrlOf('127.0.0.1', 9229, 1000).catch(() => undefined),
      () =>
        new LeakscopeError(
          ErrorCode.TargetUnreachable,
          `PID ${pid} did not open an inspector on 127.0.0.1:9229 after SIGUSR1; is it a Node.js process, and is that port free?`,
        ),
    );
  }
  if (!isRunning(pid)) throw new LeakscopeError(ErrorCode.TargetUnreachable, `No process has PID ${pid}.`);
  const argv = commandLine(pid) ?? [];
  const node = isNodeProcess(pid);
  if (node === false) {
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      `PID ${pid} is not a Node.js process (\`${argv
        .join(' ')
        .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
        .slice(0, 200)}\`); Leakscope signals only Node processes, since SIGUSR1 ends most other programs.`,
    );
  }
  const existing = await ownInspector(pid, webSocketUrlOf);
  if (existing) return existing;
  signal(pid);
  return pollFor(
    timeoutMs,
    () => ownInspector(pid, webSocketUrlOf),
    async () => {
      if (!isRunning(pid))
        return new LeakscopeError(ErrorCode.TargetUnreachable, `PID ${pid} exited after SIGUSR1 instead of opening its inspector.`);
      const port = signalledPort(argv, environmentOf(pid));
      const holder = await listenerOfPort(port, pid);
      return new LeakscopeError(
        ErrorCode.TargetUnreachable,
        holder !== undefined
          ? `PID ${pid} could not open its inspector: port ${port}, where SIGUSR1 opens it, is taken by PID ${holder}. Leakscope measures only PID ${pid}: stop PID ${holder}, or start ${pid}'s program with --inspect-port=0 or --inspect=127.0.0.1:0.`
          : `PID ${pid} did not open an inspector within ${Math.round(timeoutMs / 1000)} s of SIGUSR1 (on port ${port}); its own stderr says why.`,
      );
    },
  );
}

async function pollFor(
  timeoutMs: number,
  probe: () => Promise<string | undefined>,
  failure: () => LeakscopeError | Promise<LeakscopeError>,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw await failure();
    await new Promise((r) => setTimeout(r, 100));
  }
}
