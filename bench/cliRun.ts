/** Runs `node bin/leakscope.js …` as users do, timing it from outside and reading its peak RSS. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './generate';

export type CliRun =
  | { status: 'ok'; seconds: number; exitCode: number; peakRssBytes: number; cpuSeconds: number; stderrTail: string }
  | { status: 'timeout'; seconds: number };

const TAIL = 8 << 10;
const BIN = join(REPO_ROOT, 'bin', 'leakscope.js');

/** Wall time from spawn to exit (process start and module loading included); stdout goes to /dev/null, as `> file` costs about the same. */
export function runCli(args: string[], timeoutSeconds: number): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'leakscope-bench-cli-'));
  const peakFile = join(dir, 'peak');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', join(__dirname, 'peakRssHook.js'), BIN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LEAKSCOPE_BENCH_PEAK_FILE: peakFile, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-TAIL);
  });
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let peakRssBytes = NaN;
      let cpuSeconds = NaN;
      try {
        ({ peakRssBytes, cpuSeconds } = JSON.parse(readFileSync(peakFile, 'utf8')) as { peakRssBytes: number; cpuSeconds: number });
      } catch {
        // Killed before its exit handler ran.
      }
      rmSync(dir, { recursive: true, force: true });
      if (timedOut) return resolve({ status: 'timeout', seconds });
      resolve({ status: 'ok', seconds, exitCode: code ?? (signal ? 128 : 1), peakRssBytes, cpuSeconds, stderrTail: stderr });
    });
  });
}

let helpText: string | undefined;

/** Whether `leakscope help` lists `flag`: lets a step run unchanged before and after the CLI gains it. */
export function cliSupports(flag: string): boolean {
  helpText ??= spawnSync(process.execPath, [BIN, 'help'], { encoding: 'utf8' }).stdout ?? '';
  return helpText.includes(flag);
}
