/** Markdown tables and the PASS/FAIL targets, from the measurements of one run. */
import type { CliTiming } from './cliTimings';
import type { SnapshotFile } from './generate';
import type { LeakCheckResult } from './leakCheckBench';
import { OVERHEAD_TARGET, percent, type SamplingOverhead } from './samplingOverhead';
import type { RunResult } from './measure';
import type { Phase } from './tools/tool';

export interface Measurement {
  file: string;
  tool: string;
  phase: Phase;
  result: RunResult;
}

export interface ToolInfo {
  name: string;
  label: string;
}

export interface Target {
  description: string;
  status: 'PASS' | 'FAIL' | 'NOT MEASURED';
  detail: string;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(bytes < 1e8 ? 1 : 0);

function seconds(result: RunResult | undefined): string {
  if (!result) return '–';
  switch (result.status) {
    case 'ok':
      return result.seconds < 10 ? result.seconds.toFixed(2) : result.seconds.toFixed(1);
    case 'n/a':
      return 'n/a';
    case 'timeout':
      return `timeout (>${Math.round(result.seconds)} s)`;
    case 'fails':
      return `fails: ${result.reason}`;
  }
}

/** Peak RSS of the heaviest phase that completed: parse + dominators when the tool has it. */
function peakRss(results: Array<RunResult | undefined>): string {
  for (const r of results) if (r?.status === 'ok') return mb(r.peakRssBytes);
  return '–';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

export function find(measurements: Measurement[], file: string, tool: string, phase: Phase): RunResult | undefined {
  return measurements.find((m) => m.file === file && m.tool === tool && m.phase === phase)?.result;
}

export function snapshotTable(files: SnapshotFile[], tools: ToolInfo[], measurements: Measurement[]): string {
  const rows: string[][] = [];
  for (const file of files) {
    for (const tool of tools) {
      const parse = find(measurements, file.name, tool.name, 'parse');
      const full = find(measurements, file.name, tool.name, 'full');
      if (!parse && !full) continue;
      rows.push([
        file.name,
        mb(file.bytes),
        file.nodeCount.toLocaleString('en-US'),
        tool.label,
        seconds(parse),
        seconds(full),
        peakRss([full, parse]),
      ]);
    }
  }
  return table(['file', 'size MB', 'nodes', 'tool', 'parse s', 'parse + dominators + retained s', 'peak RSS MB'], rows);
}

export function diffTable(before: SnapshotFile, after: SnapshotFile, tools: ToolInfo[], measurements: Measurement[]): string {
  const rows: string[][] = [];
  for (const tool of tools) {
    const result = find(measurements, 'pair', tool.name, 'diff');
    if (!result || result.status === 'n/a') continue;
    const found = result.status === 'ok' ? (result.check.newObjects?.toLocaleString('en-US') ?? '–') : '–';
    rows.push([
      `${before.name} → ${after.name}`,
      `${mb(before.bytes)} → ${mb(after.bytes)}`,
      tool.label,
      seconds(result),
      peakRss([result]),
      found,
    ]);
  }
  return table(['pair', 'size MB', 'tool', 'diff s', 'peak RSS MB', 'new reachable objects found'], rows);
}

function ok(result: RunResult | undefined): result is Extract<RunResult, { status: 'ok' }> {
  return result?.status === 'ok';
}

/** "≥ k× faster": a peer that timed out still gives a lower bound; one that failed gives none. */
function speedTarget(
  description: string,
  ours: RunResult | undefined,
  theirs: RunResult | undefined,
  factor: number,
  peer: string,
): Target {
  if (!ok(ours)) return { description, status: 'NOT MEASURED', detail: `Leakscope: ${seconds(ours)}` };
  if (ok(theirs) || theirs?.status === 'timeout') {
    const ratio = theirs.seconds / ours.seconds;
    const bound = theirs.status === 'timeout' ? '≥ ' : '';
    return {
      description,
      status: ratio >= factor ? 'PASS' : 'FAIL',
      detail: `${bound}${ratio.toFixed(1)}× (Leakscope ${seconds(ours)} s, ${peer} ${seconds(theirs)}${theirs.status === 'ok' ? ' s' : ''})`,
    };
  }
  return { description, status: 'NOT MEASURED', detail: `${peer}: ${seconds(theirs)}` };
}

export function evaluateTargets(large: SnapshotFile | undefined, measurements: Measurement[]): Target[] {
  const t1 = '(1) Leakscope parse + dominators + retained on the ~850 MB file ≥ 4× faster than the DevTools worker';
  const t2 = '(2) Leakscope peak RSS ≤ 1.5× file size on the ~850 MB file';
  const t3 = '(3) Leakscope diff of the ~150/190 MB pair ≥ 5× faster than MemLab';
  const targets: Target[] = [];
  if (!large) {
    targets.push({ description: t1, status: 'NOT MEASURED', detail: 'the large file is not part of this run (--quick)' });
    targets.push({ description: t2, status: 'NOT MEASURED', detail: 'the large file is not part of this run (--quick)' });
  } else {
    targets.push(
      speedTarget(
        t1,
        find(measurements, large.name, 'leakscope', 'full'),
        find(measurements, large.name, 'devtools', 'full'),
        4,
        'DevTools',
      ),
    );
    const full = find(measurements, large.name, 'leakscope', 'full');
    if (ok(full)) {
      const ratio = full.peakRssBytes / large.bytes;
      targets.push({
        description: t2,
        status: ratio <= 1.5 ? 'PASS' : 'FAIL',
        detail: `${ratio.toFixed(2)}× (${mb(full.peakRssBytes)} MB for a ${mb(large.bytes)} MB file)`,
      });
    } else targets.push({ description: t2, status: 'NOT MEASURED', detail: `Leakscope: ${seconds(full)}` });
  }
  targets.push(speedTarget(t3, find(measurements, 'pair', 'leakscope', 'diff'), find(measurements, 'pair', 'memlab', 'diff'), 5, 'MemLab'));
  return targets;
}

export function targetsSection(targets: Target[]): string {
  return ['## Targets', '', ...targets.map((t) => `- **${t.status}** ${t.description}: ${t.detail}`)].join('\n');
}

/** The root's retained size should be identical across tools: a cheap sign they did the same work. */
export function agreementSection(files: SnapshotFile[], tools: ToolInfo[], measurements: Measurement[]): string {
  const lines: string[] = [];
  for (const file of files) {
    const values = new Map<number, string[]>();
    for (const tool of tools) {
      const result = find(measurements, file.name, tool.name, 'full');
      const bytes = ok(result) ? result.check.reachableBytes : undefined;
      if (bytes !== undefined) values.set(bytes, [...(values.get(bytes) ?? []), tool.label]);
    }
    if (values.size === 1)
      lines.push(
        `- ${file.name}: ${[...values.values()][0].length} tools agree, root retains ${[...values.keys()][0].toLocaleString('en-US')} bytes`,
      );
    else if (values.size > 1)
      lines.push(
        `- ${file.name}: tools DISAGREE: ${[...values].map(([b, t]) => `${t.join(', ')}: ${b.toLocaleString('en-US')}`).join('; ')}`,
      );
  }
  return ['Root retained size, as a cross-check:', '', ...lines].join('\n');
}

/** The targets of issue 11: the 4 GB pair through the CLI, and the leak check on a big heap. */
export function bigHeapTargets(big: CliTiming[] | undefined, checks: LeakCheckResult[] | undefined, overhead?: SamplingOverhead): Target[] {
  const targets: Target[] = [];
  const t4 = '(4) `leakscope inspect` of the ~4 GB file under 40 s, peak RSS ≤ 1.3× the file';
  const t5 = '(5) `leakscope diff` of the two ~4 GB files under 90 s';
  const cliRun = (r: CliTiming | undefined) => (r?.cli.status === 'ok' && r.cli.exitCode === 0 ? r.cli : undefined);
  const inspect = cliRun(big?.find((r) => r.command === 'inspect'));
  const diff = cliRun(big?.find((r) => r.command === 'diff'));
  const notRun = big ? 'it failed (see the table)' : 'the 4 GB pair is not part of this run (--big)';
  if (inspect) {
    const file = big!.find((r) => r.command === 'inspect')!.files[0];
    const ratio = inspect.peakRssBytes / file.bytes;
    const pass = inspect.seconds < 40 && ratio <= 1.3;
    targets.push({
      description: t4,
      status: pass ? 'PASS' : 'FAIL',
      detail: `${inspect.seconds.toFixed(1)} s (CPU ${inspect.cpuSeconds.toFixed(1)} s), ${ratio.toFixed(2)}× (${mb(inspect.peakRssBytes)} MB for ${mb(file.bytes)} MB)`,
    });
  } else targets.push({ description: t4, status: 'NOT MEASURED', detail: notRun });
  if (diff)
    targets.push({
      description: t5,
      status: diff.seconds < 90 ? 'PASS' : 'FAIL',
      detail: `${diff.seconds.toFixed(1)} s (CPU ${diff.cpuSeconds.toFixed(1)} s), peak RSS ${mb(diff.peakRssBytes)} MB`,
    });
  else targets.push({ description: t5, status: 'NOT MEASURED', detail: notRun });

  const t6 = '(6) `--capture sampling` names the leak in under 30 s, target peak RSS ≤ 1.2× its RSS before';
  const t7 = '(7) `--capture auto` with a 1.5 GB limit keeps the target under the limit and names the leak';
  const check = (mode: string) => checks?.find((c) => c.mode === mode);
  const sampling = check('sampling');
  if (sampling?.status === 'ok') {
    const ratio = sampling.targetPeakRssBytes / sampling.targetRssBeforeBytes;
    const pass = sampling.leakNamed && sampling.seconds < 30 && ratio <= 1.2;
    targets.push({
      description: t6,
      status: pass ? 'PASS' : 'FAIL',
      detail: `${sampling.seconds.toFixed(1)} s, ${ratio.toFixed(2)}×, leak ${sampling.leakNamed ? '' : 'not '}named`,
    });
  } else
    targets.push({
      description: t6,
      status: 'NOT MEASURED',
      detail: sampling ? sampling.reason : 'the leak check is not part of this run',
    });
  const auto = check('auto');
  if (auto?.status === 'ok') {
    const limit = 1.5 * 1024 ** 3;
    const pass = auto.leakNamed && auto.targetPeakRssBytes <= limit;
    targets.push({
      description: t7,
      status: pass ? 'PASS' : 'FAIL',
      detail: `target peak ${mb(auto.targetPeakRssBytes)} MB, leak ${auto.leakNamed ? '' : 'not '}named`,
    });
  } else targets.push({ description: t7, status: 'NOT MEASURED', detail: auto ? auto.reason : 'the leak check is not part of this run' });

  const t8 = `(8) the sampling heap profiler takes under ${OVERHEAD_TARGET * 100}% of the service's throughput`;
  if (overhead) {
    const detail = `${percent(overhead.overhead)} (95% interval ${percent(overhead.overheadLow)} to ${percent(overhead.overheadHigh)} over ${overhead.pairs.length} pairs; ${overhead.offPerCpuSecond.toFixed(0)} → ${overhead.onPerCpuSecond.toFixed(0)} requests per CPU-second of the service at ${overhead.samplingInterval} bytes a sample)`;
    targets.push({ description: t8, status: overhead.overhead < OVERHEAD_TARGET ? 'PASS' : 'FAIL', detail });
  } else
    targets.push({
      description: t8,
      status: 'NOT MEASURED',
      detail: checks ? 'the throughput measurement failed' : 'the leak check is not part of this run',
    });
  return targets;
}
