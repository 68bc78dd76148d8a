/**
 * The CLI end to end, as users run it (`node bin/leakscope.js inspect --json FILE`): process
 * start, module loading, parsing, analysis, rendering and writing included, beside what the
 * library calls alone took in the same run.
 */
import { runCli, type CliRun } from './cliRun';
import type { SnapshotFile } from './generate';
import type { RunResult } from './measure';

export interface CliTiming {
  command: 'inspect' | 'diff';
  files: SnapshotFile[];
  cli: CliRun;
  /** The library's own time for the same work (leakscope `full` or `diff` phase), when measured. */
  library?: RunResult;
}

export async function timeCli(command: 'inspect' | 'diff', files: SnapshotFile[], timeoutSeconds: number): Promise<CliRun> {
  return runCli([command, '--json', '--quiet', ...files.map((f) => f.path)], timeoutSeconds);
}

function describeRun(run: CliRun): string {
  if (run.status === 'timeout') return `timeout (>${Math.round(run.seconds)} s)`;
  if (run.exitCode !== 0) return `fails: exit ${run.exitCode}: ${run.stderrTail.split('\n').filter(Boolean).pop() ?? ''}`;
  return run.seconds.toFixed(2);
}

export function cliTable(rows: CliTiming[]): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(bytes < 1e8 ? 1 : 0);
  const lines = rows.map((r) => {
    const size = r.files.map((f) => mb(f.bytes)).join(' + ');
    const lib = r.library?.status === 'ok' ? r.library.seconds.toFixed(2) : '–';
    const run = r.cli.status === 'ok' && r.cli.exitCode === 0 ? r.cli : undefined;
    const extra = run && r.library?.status === 'ok' ? `${(run.seconds - r.library.seconds).toFixed(2)}` : '–';
    const peak = run && Number.isFinite(run.peakRssBytes) ? mb(run.peakRssBytes) : '–';
    const cpu = run && Number.isFinite(run.cpuSeconds) ? run.cpuSeconds.toFixed(2) : '–';
    const ratio = run && r.command === 'inspect' ? ` (${(run.peakRssBytes / r.files[0].bytes).toFixed(2)}× the file)` : '';
    return `| \`leakscope ${r.command} --json\` | ${r.files.map((f) => f.name).join(' → ')} | ${size} | ${lib} | ${describeRun(r.cli)} | ${cpu} | ${extra} | ${peak}${ratio} |`;
  });
  return [
    '| command | file | size MB | library s | CLI end to end s | CLI CPU s | CLI − library s | CLI peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}
