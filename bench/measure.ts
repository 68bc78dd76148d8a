/** Parent side of runOne.js: runs one measurement in a child process and interprets how it ended. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findTool } from './tools';
import type { Check, Phase } from './tools/tool';

export const RESULT_PREFIX = '@@bench-result ';

export type RunResult =
  | { status: 'ok'; seconds: number; peakRssBytes: number; check: Check }
  | { status: 'n/a' }
  | { status: 'timeout'; seconds: number }
  | { status: 'fails'; reason: string; seconds?: number; peakRssBytes?: number };

const TAIL_BYTES = 16 << 10;

export const DEFAULT_TIMEOUT_SECONDS = Number(process.env.LEAKSCOPE_BENCH_TIMEOUT ?? 600);

function keepTail(tail: string, chunk: Buffer): string {
  const text = tail + chunk.toString('utf8');
  return text.length > TAIL_BYTES ? text.slice(-TAIL_BYTES) : text;
}

/** When the child died without reporting: name the likely cause from its exit and stderr. */
function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  if (/heap out of memory|Allocation failed|Reached heap limit/i.test(stderr)) return 'out of memory';
  if (/ERR_STRING_TOO_LONG/.test(stderr)) return 'ERR_STRING_TOO_LONG';
  if (signal === 'SIGKILL') return 'killed (SIGKILL, likely out of memory)';
  if (signal) return `killed (${signal})`;
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  const error = lines.find((l) => /Error\b/.test(l)) ?? lines[lines.length - 1];
  return error ? `exit ${code}: ${error.slice(0, 80)}` : `exit ${code}`;
}

/** What the JS-heap-bound peers need not to run out of heap on the 850 MB file. */
const PEER_HEAP_FLAG = '--max-old-space-size=20000';

export function measure(tool: string, phase: Phase, files: string[], timeoutSeconds = DEFAULT_TIMEOUT_SECONDS): Promise<RunResult> {
  const script = join(__dirname, 'runOne.js');
  const started = Date.now();
  return new Promise((resolve) => {
    const flags = findTool(tool).nodeFlags ?? [PEER_HEAP_FLAG];
    const child = spawn(process.execPath, [...flags, script, tool, phase, ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout = keepTail(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = keepTail(stderr, chunk)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      if (timedOut) return resolve({ status: 'timeout', seconds });
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith(RESULT_PREFIX));
      if (line) return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as RunResult);
      resolve({ status: 'fails', reason: crashReason(code, signal, stderr), seconds });
    });
  });
}
