import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { LAUNCH_DIR_ENV, OWNER_ENV } from './launchProtocol';
import { loopbackInspectFlags } from './loopbackInspectFlags';
import { hasProcFs, isRunning, listeningSocketsOf, startTime } from './procFs';
import { LaunchDirectory, leaves, listenersOf, type TreeProcess } from './processTree';

export interface LaunchOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives the target's own output, line by line, minus the inspector's banners. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** One-line notes for the user (an inspector flag moved to loopback). */
  onNote?: (line: string) => void;
  /**
   * The URL the workload goes to (or, without one, the ready URL): the process that listens on
   * its port is the one measured. Without it, the only Node process that started no other is.
   */
  serviceUrl?: string;
  timeoutMs?: number;
  token?: CancellationToken;
}

/** The process of the command's tree that Leakscope measures, and why that one. */
export interface MeasuredProcess {
  pid: number;
  ppid: number;
  argv: string[];
  reason: string;
}

/** How a launched process ended, with the last lines the command wrote to stderr. */
export interface TargetExit {
  pid: number;
  argv: string[];
  code?: number;
  signal?: string;
  stderrTail: string[];
}

export interface LaunchedTarget {
  /** The command's own process (npm, tsx, node …). */
  process: ChildProcess;
  /** The inspector of the measured process. */
  webSocketUrl: string;
  measured: MeasuredProcess;
  /** Resolves (never rejects) as soon as the measured process is gone. */
  exited: Promise<TargetExit>;
  /** Whether the measured process itself listens on `port`; undefined where that cannot be told (not Linux). */
  listensOn(port: number): Promise<boolean | undefined>;
  /** Stops the command's whole tree (SIGTERM, then SIGKILL after a grace period) and waits for it. */
  stop(): Promise<void>;
}

/** The preload every Node process of a launch loads; beside this file in `out/`, beside the bundle in `dist/`. */
export const PRELOAD = join(__dirname, 'launchPreload.js');

const BANNER =
  /^Debugger listening on ws:\/\/\S+|^For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|^Debugger attached\.|^Debugger ending on |^Waiting for the debugger to disconnect/;
const POLL_MS = 100;
const QUIET_MS = 1000;
const STDERR_LINES = 12;

/**
 * Starts `command args…` so that every Node process it starts (npm, its shell, tsx's child,
 * `node --watch`'s child) opens an inspector on a free loopback port and reports it, then picks
 * the one that serves the workload: the one listening on the port of `serviceUrl`, or else the
 * only one that started no other. The others are left alone: their inspectors are open but
 * nobody connects, so nothing pauses them.
 */
export async function launchUnderInspector(command: string, args: string[], options: LaunchOptions = {}): Promise<LaunchedTarget> {
  if (!existsSync(PRELOAD))
    throw new LeakscopeError(ErrorCode.Internal, `Leakscope's launch preload is missing (${PRELOAD}); reinstall Leakscope.`, false);
  const env = { ...process.env, ...options.env };
  const flags = loopbackInspectFlags(args, env.NODE_OPTIONS);
  for (const change of flags.changes)
    options.onNote?.(
      `Note: \`${change.from}\` (in ${change.where}) would open the inspector on every network interface; Leakscope opens it on loopback instead: \`${change.to}\`.`,
    );
  const dir = LaunchDirectory.create();
  env.NODE_OPTIONS = `${flags.nodeOptions ?? ''} --require ${quoteOption(PRELOAD)}`.trim();
  env[LAUNCH_DIR_ENV] = dir.path;
  env[OWNER_ENV] = `${process.pid}:${startTime(process.pid) ?? ''}`;
  const commandLine = [command, ...flags.args].join(' ');
  const child = spawn(command, flags.args, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const stderrTail: string[] = [];
  // If Leakscope exits (a closed pipe, a signal, an uncaught error), the target must not outlive it;
  // a SIGKILL skips this, and then each process's preload notices Leakscope is gone.
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const rootExit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
    if (BANNER.test(line)) return;
    if (stream === 'stderr') {
      stderrTail.push(line.slice(0, 500));
      if (stderrTail.length > STDERR_LINES) stderrTail.shift();
    }
    options.onOutput?.(line, stream);
  };
  splitLines(child.stdout!, onLine('stdout'));
  splitLines(child.stderr!, onLine('stderr'));

  let stopped = false;
  // Set once the measured process is known: a stop after it died on its own still tells how.
  let diedOnItsOwn: (() => void) | undefined;
  const stop = async () => {
    stopped = true;
    diedOnItsOwn?.();
    await stopTree(child, rootExit, dir);
    await dir.dispose();
  };
  const exitOf = (p: TreeProcess): TargetExit => {
    const isRoot = p.pid === child.pid;
    const code = dir.exitOf(p.pid)?.code ?? (isRoot && child.exitCode !== null ? child.exitCode : undefined);
    return {
      pid: p.pid,
      argv: p.argv,
      ...(code !== undefined ? { code } : {}),
      ...(isRoot && child.signalCode ? { signal: child.signalCode } : {}),
      stderrTail: [...stderrTail],
    };
  };

  let chosen: { process: TreeProcess; reason: string };
  try {
    chosen = await choose(
      child,
      dir,
      options,
      commandLine,
      () => spawnError,
      () => [...stderrTail],
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const measured = chosen.process;
  for (const p of dir.processes()) {
    if (p.movedFrom)
      options.onNote?.(
        `Note: pid ${p.pid} opened its inspector at ${p.movedFrom}, on every network interface; Leakscope moved it to loopback.`,
      );
  }
  const exited = new Promise<TargetExit>((resolve) => {
    // A host that stops the target when its inspector closes (the editor) would otherwise stop
    // the watch below before it saw the death, and the exit record goes with the launch directory.
    diedOnItsOwn = () => {
      if (!dir.isAlive(measured)) resolve(exitOf(measured));
    };
    const timer = setInterval(() => {
      if (stopped) return clearInterval(timer);
      if (dir.isAlive(measured)) return;
      clearInterval(timer);
      // The last words the process wrote reach its stderr pipe a moment after it is gone.
      setTimeout(() => resolve(exitOf(measured)), 200).unref();
    }, 250);
    timer.unref();
  });
  return {
    process: child,
    webSocketUrl: measured.webSocketUrl!,
    measured: { pid: measured.pid, ppid: measured.ppid, argv: measured.argv, reason: chosen.reason },
    exited,
    listensOn: async (port) => (hasProcFs ? (await listeningSocketsOf(measured.pid)).some((s) => s.port === port) : undefined),
    stop,
  };
}

/** Waits, within the bound, for the process to measure to show itself. */
async function choose(
  child: ChildProcess,
  dir: LaunchDirectory,
  options: LaunchOptions,
  commandLine: string,
  spawnError: () => Error | undefined,
  tail: () => string[],
): Promise<{ process: TreeProcess; reason: string }> {
  const token = options.token ?? NeverCancelled;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const port = options.serviceUrl ? servicePort(options.serviceUrl) : undefined;
  const byPort = port !== undefined && hasProcFs;
  let lastShape = '';
  let shapeSince = Date.now();
  for (;;) {
    if (token.isCancellationRequested) throw new CancelledError('The launch was cancelled.');
    const error = spawnError();
    if (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new LeakscopeError(
        ErrorCode.FileNotFound,
        code === 'ENOENT'
          ? `Cannot start \`${commandLine.split(' ')[0]}\`: command not found.`
          : `Cannot start \`${commandLine}\`: ${error.message}.`,
      );
    }
    const all = dir.processes();
    const alive = all.filter((p) => dir.isAlive(p) && p.webSocketUrl);
    const crashed = all.find((p) => (dir.exitOf(p.pid)?.code ?? 0) !== 0);
    if (crashed)
      throw exitError(
        `\`${printableArgs(crashed.argv)}\` (pid ${crashed.pid}) exited with code ${dir.exitOf(crashed.pid)!.code} before ${port !== undefined ? `anything listened on port ${port}` : 'the check could start'}`,
        tail(),
      );
    const rootGone = child.exitCode !== null || child.signalCode !== null;
    if (rootGone && alive.length === 0) {
      await new Promise((r) => setTimeout(r, 200));
      throw exitError(
        `\`${commandLine}\` exited (${child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`}) before ${all.length ? 'its Node process served anything' : 'starting a Node process'}`,
        tail(),
      );
    }
    if (byPort) {
      const owners = await listenersOf(alive, port);
      if (owners.length > 0) {
        const others = owners.length > 1 ? ` (of ${owners.length} processes sharing it, the one that started no other)` : '';
        return { process: owners[0], reason: `it listens on port ${port}, where ${options.serviceUrl} goes${others}` };
      }
    } else {
      const shape = alive.map((p) => p.pid).join(',');
      if (shape !== lastShape) {
        lastShape = shape;
        shapeSince = Date.now();
      }
      const candidates = leaves(alive);
      // npm reports before it starts its script: wait until no new process has appeared for a moment.
      if (candidates.length === 1 && Date.now() - shapeSince >= QUIET_MS) {
        const reason =
          alive.length === 1
            ? 'it is the only Node process the command started'
            : `it is the only one of the ${alive.length} Node processes the command started that started no other`;
        return {
          process: candidates[0],
          reason: port !== undefined ? `${reason} (which process listens on port ${port} cannot be told on ${process.platform})` : reason,
        };
      }
    }
    if (Date.now() > deadline) throw timeoutError(alive, port, commandLine, timeoutMs);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function timeoutError(alive: TreeProcess[], port: number | undefined, commandLine: string, timeoutMs: number): LeakscopeError {
  const seconds = Math.round(timeoutMs / 1000);
  if (alive.length === 0)
    return new LeakscopeError(
      ErrorCode.TargetUnreachable,
      `\`${commandLine}\` started no Node.js process within ${seconds} s; is it a Node.js program?`,
    );
  const list = alive.map((p) => `pid ${p.pid} \`${printableArgs(p.argv)}\``).join(', ');
  if (port !== undefined && hasProcFs) {
    return new LeakscopeError(
      ErrorCode.TargetUnreachable,
      `None of the Node processes \`${commandLine}\` started (${list}) listened on port ${port} within ${seconds} s, so none of them would serve the workload; check the URL's port.`,
    );
  }
  return new LeakscopeError(
    ErrorCode.TargetUnreachable,
    `\`${commandLine}\` started several Node processes (${list}) and none is the only one that started no other; give --ready-url or --workload-url so Leakscope measures the one listening on its port.`,
  );
}

function exitError(what: string, tail: string[]): LeakscopeError {
  return new LeakscopeError(ErrorCode.TargetUnreachable, `${what}.${formatTail(tail)}`);
}

/** The last stderr lines, each kept on its own line with control characters escaped (they come from the target). */
export function formatTail(tail: string[]): string {
  if (tail.length === 0) return ' It wrote nothing to stderr.';
  return ` The last lines of its stderr:\n${tail.map((line) => `  | ${escapeControls(line)}`).join('\n')}`;
}

/** What an ended target was, as a sentence with its stderr: "pid 12 `node app.js` exited with code 1". */
export function describeExit(exit: TargetExit): string {
  const how = exit.signal
    ? `was killed by ${exit.signal}`
    : exit.code !== undefined
      ? `exited with code ${exit.code}`
      : 'is gone (killed by a signal, as it recorded no exit code)';
  return `pid ${exit.pid} \`${printableArgs(exit.argv)}\` ${how}`;
}

/**
 * The command with the configured Node (leakscope.launch.nodePath) in place of a bare `node`: the
 * PATH of the host that launches it (VS Code, an MCP client) may lead to another Node than the
 * user's. Any other command is the user's choice and is left as it is.
 */
export function withConfiguredNode(command: string[], nodePath: string | undefined): string[] {
  const configured = nodePath?.trim();
  return command[0] === 'node' && configured ? [configured, ...command.slice(1)] : command;
}

export function printableArgs(argv: string[]): string {
  return escapeControls(argv.join(' ')).slice(0, 300);
}

function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
}

function servicePort(url: string): number | undefined {
  try {
    const parsed = new URL(url.replace(/\{i\}/g, '0'));
    return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  } catch {
    return undefined;
  }
}

/** NODE_OPTIONS takes double quotes around an argument with spaces, and backslash escapes within them. */
function quoteOption(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    if (rest.length > 64 * 1024) {
      lines.push(rest);
      rest = '';
    }
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => rest && onLine(rest));
}

/** SIGTERM to the command's process group, SIGKILL after a grace period; then any reported process that left the group. */
async function stopTree(child: ChildProcess, rootExit: Promise<void>, dir: LaunchDirectory): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await rootExit;
    clearTimeout(timer);
  }
  // A grandchild that outlived its parent (or started a group of its own) is no longer in the group.
  killGroup(child, 'SIGKILL');
  for (const p of dir.processes()) {
    if (isRunning(p.pid, p.started)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
}

/** Signals the target's whole process group, so a wrapper (npm, sh) does not leave its node child behind. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, signal);
    else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  } catch {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}
