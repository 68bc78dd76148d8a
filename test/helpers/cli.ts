import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'leakscope.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `leakscope` bin in a child process. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return runNode([BIN, ...args], options);
}

/** Runs a Node script; `node` picks another Node binary than the one running the tests. */
export function runNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; node?: string } = {}): Promise<CliResult> {
  return runProcess(options.node ?? process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
}

/** Runs any command to its end, collecting its output; `env` is the whole environment. */
export function runProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves when stderr has printed a line matching `pattern`. */
  stderrShows(pattern: RegExp): Promise<void>;
  /** Resolves when the CLI ends; a CLI still running after `guardMs` is killed, and its result says so. */
  result: Promise<CliResult & { killedByGuard: boolean }>;
}

/** Starts the real `leakscope` bin and returns at once, so a test can signal it or the target mid-run. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; guardMs?: number } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    for (const w of [...watchers]) if (w.pattern.test(stderr)) w.resolve();
  });
  let killedByGuard = false;
  const guard = setTimeout(() => {
    killedByGuard = true;
    child.kill('SIGKILL');
  }, options.guardMs ?? 180_000);
  const result = new Promise<CliResult & { killedByGuard: boolean }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      for (const w of watchers) w.resolve();
      resolve({ code, stdout, stderr, killedByGuard });
    });
  });
  const stderrShows = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      if (pattern.test(stderr) || child.exitCode !== null) return resolve();
      watchers.push({ pattern, resolve });
    });
  return { child, stderrShows, result };
}
