/**
 * The leak check on a big heap, as users run it: leakService.js (~400 MB of records, ~2.5 kB
 * leaked per request) is started under the inspector, then `leakscope attach` checks it in each
 * capture mode. Measured from outside both processes: wall time to the verdict, the target's RSS
 * before and its peak (/proc/PID/status VmHWM, read after the check), Leakscope's own peak RSS,
 * and whether a finding names the leak (the `visits` Map or `recordVisit`, which allocates into it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, cliSupports, type CliRun } from './cliRun';

export type CaptureMode = 'snapshot' | 'sampling' | 'auto';
export const CAPTURE_MODES: readonly CaptureMode[] = ['snapshot', 'sampling', 'auto'];
/** `--capture auto` runs as if the target lived in a container of this size. */
export const AUTO_MEMORY_LIMIT = '1.5G';
const AUTO_LIMIT_BYTES = 1.5 * 1024 ** 3;

export type LeakCheckResult =
  | {
      mode: CaptureMode;
      status: 'ok';
      seconds: number;
      verdict: string;
      targetRssBeforeBytes: number;
      targetPeakRssBytes: number;
      toolPeakRssBytes: number;
      leakNamed: boolean;
      /** How the flags were passed: the old CLI has no --capture, and its one behaviour is `snapshot`. */
      flags: string[];
    }
  | { mode: CaptureMode; status: 'n/a'; reason: string }
  | { mode: CaptureMode; status: 'fails'; reason: string; targetRssBeforeBytes?: number; targetPeakRssBytes?: number };

const READY_TIMEOUT_MS = 180_000;
/** A snapshot-mode check of this heap takes minutes (three ~900 MB snapshots); on a busy machine, many. */
export const LEAK_CHECK_TIMEOUT_SECONDS = Number(process.env.LEAKSCOPE_BENCH_CHECK_TIMEOUT ?? 1800);

function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export interface Service {
  child: ChildProcess;
  pid: number;
  port: number;
  inspector: string;
}

/** Starts the service under the inspector; resolves once it serves and its inspector URL is known. */
export function startService(records: number): Promise<Service> {
  const script = join(__dirname, 'leakService.js');
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', script, String(records)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let port = 0;
    let inspector = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`the service did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    const check = () => {
      if (port && inspector) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, port, inspector });
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      const m = /listening (\d+)/.exec(chunk.toString());
      if (m) port = Number(m[1]);
      check();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(err);
      if (m) inspector = m[1];
      check();
    });
    child.once('exit', (code, signal) =>
      fail(new Error(`the service exited (${signal ?? code}) before serving: ${err.trim().split('\n').pop() ?? ''}`)),
    );
  });
}

export async function stopService(service: Service): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => service.child.once('exit', () => resolve()));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A finding names the leak when it points at the Map that grows or the function that fills it. */
function namesLeak(reportFile: string): boolean {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { findings?: unknown[] };
  const text = JSON.stringify(report.findings ?? []);
  return /\bvisits\b|recordVisit/.test(text);
}

function flagsFor(mode: CaptureMode, hasCapture: boolean): string[] | undefined {
  if (!hasCapture) return mode === 'snapshot' ? [] : undefined;
  return mode === 'auto' ? ['--capture', mode, '--memory-limit', AUTO_MEMORY_LIMIT] : ['--capture', mode];
}

/** One check in one mode on a freshly started service, so each mode starts from the same heap. */
export async function measureLeakCheck(
  mode: CaptureMode,
  options: { records: number; cycles: number; requests: number; timeoutSeconds: number },
): Promise<LeakCheckResult> {
  const hasCapture = cliSupports('--capture');
  const flags = flagsFor(mode, hasCapture);
  if (!flags) return { mode, status: 'n/a', reason: 'this leakscope has no --capture' };
  const service = await startService(options.records);
  const out = mkdtempSync(join(tmpdir(), 'leakscope-bench-check-'));
  try {
    const rssBefore = procStatusBytes(service.pid, 'VmRSS');
    const args = [
      'attach',
      service.inspector,
      '--workload-url',
      `http://127.0.0.1:${service.port}/catalogue`,
      '--requests',
      String(options.requests),
      '--cycles',
      String(options.cycles),
      '--out',
      out,
      '--quiet',
      ...flags,
    ];
    const run: CliRun = await runCli(args, options.timeoutSeconds);
    // Read before the service stops: VmHWM goes with the process.
    const targetPeak = service.child.exitCode === null ? procStatusBytes(service.pid, 'VmHWM') : NaN;
    const memory = { targetRssBeforeBytes: rssBefore, targetPeakRssBytes: targetPeak };
    if (run.status === 'timeout') return { mode, status: 'fails', reason: `timeout after ${run.seconds.toFixed(0)} s`, ...memory };
    if (run.exitCode === 2 && mode !== 'snapshot')
      return {
        mode,
        status: 'n/a',
        reason: `the CLI rejects it: ${run.stderrTail.split('\n').find((l) => l.startsWith('leakscope:')) ?? run.stderrTail}`,
      };
    if (run.exitCode !== 0) {
      const died =
        service.child.exitCode !== null || service.child.signalCode !== null
          ? `; the target died (${service.child.signalCode ?? service.child.exitCode})`
          : '';
      return {
        mode,
        status: 'fails',
        reason: `exit ${run.exitCode}: ${run.stderrTail.split('\n').filter(Boolean).pop() ?? ''}${died}`,
        ...memory,
      };
    }
    const report = join(out, 'report.json');
    const verdict = (JSON.parse(readFileSync(report, 'utf8')) as { verdict: string }).verdict;
    return {
      mode,
      status: 'ok',
      seconds: run.seconds,
      verdict,
      targetRssBeforeBytes: rssBefore,
      targetPeakRssBytes: targetPeak,
      toolPeakRssBytes: run.peakRssBytes,
      leakNamed: namesLeak(report),
      flags,
    };
  } finally {
    await stopService(service);
    rmSync(out, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1e6).toFixed(0) : '–');

export function leakCheckTable(results: LeakCheckResult[], records: number, cycles: number, requests: number): string {
  const rows = results.map((r) => {
    const how = r.status === 'ok' ? `\`${['leakscope attach', ...r.flags].join(' ')}\`` : `\`--capture ${r.mode}\``;
    if (r.status === 'n/a') return `| ${r.mode} | ${how} | not available (${r.reason}) | | | | |`;
    if (r.status === 'fails') {
      const memory = r.targetRssBeforeBytes ? `${mb(r.targetRssBeforeBytes)} → ${mb(r.targetPeakRssBytes ?? NaN)}` : '';
      return `| ${r.mode} | ${how} | fails: ${r.reason} | | ${memory} | | |`;
    }
    const ratio = r.targetPeakRssBytes / r.targetRssBeforeBytes;
    const overLimit = r.mode === 'auto' && r.targetPeakRssBytes > AUTO_LIMIT_BYTES ? ' (over the limit)' : '';
    return `| ${r.mode} | ${how} | ${r.seconds.toFixed(1)} | ${r.verdict} | ${mb(r.targetRssBeforeBytes)} → ${mb(r.targetPeakRssBytes)} (${ratio.toFixed(2)}×)${overLimit} | ${mb(r.toolPeakRssBytes)} | ${r.leakNamed ? 'yes' : 'no'} |`;
  });
  return [
    `Service: bench/leakService.ts, ${records.toLocaleString('en-US')} records (~400 MB heap), ~2.5 kB leaked per request into a module-level Map; ${cycles} cycles of ${requests} requests, one warm-up.`,
    '',
    '| capture | command | wall s to verdict | verdict | target RSS before → peak MB (VmHWM) | Leakscope peak RSS MB | leak named |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
