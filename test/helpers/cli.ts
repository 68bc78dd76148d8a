import { spawn } from 'node:child_process';
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
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
