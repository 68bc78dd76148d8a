import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { ErrorCode, LeakscopeError } from '../common/errors';

export interface LaunchOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives the target's own output, line by line, minus the inspector's banner. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
}

export interface LaunchedTarget {
  process: ChildProcess;
  webSocketUrl: string;
  /** Stops the target (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(): Promise<void>;
}

const BANNER = /Debugger listening on (ws:\/\/\S+)/;

/**
 * Starts `command args…` with Node's inspector on a free loopback port. A `node` command gets
 * `--inspect=127.0.0.1:0` as its first argument; anything else (npm, a shell script) gets it
 * through NODE_OPTIONS, and the first process to announce an inspector is the one attached to.
 */
export function launchUnderInspector(command: string, args: string[], options: LaunchOptions = {}): Promise<LaunchedTarget> {
  const inspectFlag = '--inspect=127.0.0.1:0';
  const isNode = /^node(\.exe)?$/.test(basename(command)) || command === process.execPath;
  const env = { ...process.env, ...options.env };
  if (!isNode) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${inspectFlag}`.trim();
  const child = spawn(command, isNode ? [inspectFlag, ...args] : args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  // If Leakscope itself dies (a closed pipe, a signal, an uncaught error), the target must not outlive it.
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const stop = () => stopProcess(child);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: LeakscopeError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().finally(() => reject(error));
    };
    const timer = setTimeout(
      () => fail(new LeakscopeError(ErrorCode.TargetUnreachable, `\`${command}\` did not open a Node inspector within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s; is it a Node.js program?`)),
      options.timeoutMs ?? 30_000,
    );
    const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
      const match = BANNER.exec(line);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ process: child, webSocketUrl: match[1], stop });
        return;
      }
      if (match || /^For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector/.test(line) || /^Debugger attached\.|^Debugger ending on |^Waiting for the debugger to disconnect/.test(line)) return;
      options.onOutput?.(line, stream);
    };
    splitLines(child.stdout!, onLine('stdout'));
    splitLines(child.stderr!, onLine('stderr'));
    child.on('error', (e: NodeJS.ErrnoException) =>
      fail(new LeakscopeError(ErrorCode.FileNotFound, e.code === 'ENOENT' ? `Cannot start \`${command}\`: command not found.` : `Cannot start \`${command}\`: ${e.message}.`)),
    );
    child.on('exit', (code, signal) => fail(new LeakscopeError(ErrorCode.TargetUnreachable, `\`${[command, ...args].join(' ')}\` exited (${signal ?? `code ${code}`}) before its inspector opened.`)));
  });
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => rest && onLine(rest));
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Signals the target's whole process group, so a wrapper (npm, sh) does not leave its node child behind. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}
