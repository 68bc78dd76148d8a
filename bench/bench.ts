/**
 * `npm run bench [-- --quick] [--only NAME[,NAME]] [--runs N] [--big]`: builds or reuses the
 * snapshots, measures every tool on each of them one process at a time (N times, keeping the
 * median), times the CLI end to end, runs the leak check on a big-heap service in each capture
 * mode, prints Markdown tables and the targets, and writes everything to <cache>/results.json.
 * `--only` takes tool names and the sections `cli`, `leakcheck` and `big`; `--big` adds the
 * ~4 GB pair (written once, to $LEAKSCOPE_BENCH_BIG_DIR, about 9 GB of disk).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { cliTable, timeCli, type CliTiming } from './cliTimings';
import { cacheDir, ensureBigPair, ensurePair, ensureSingle, GENERATOR_VERSION, SINGLE_SPECS, type SnapshotFile } from './generate';
import { CAPTURE_MODES, LEAK_CHECK_TIMEOUT_SECONDS, leakCheckTable, measureLeakCheck, type LeakCheckResult } from './leakCheckBench';
import { measureSamplingOverhead, pairOverhead, percent, samplingOverheadLine, type SamplingOverhead } from './samplingOverhead';
import { measure, DEFAULT_TIMEOUT_SECONDS, type RunResult } from './measure';
import { ensurePeersInstalled, peerVersion } from './peers';
import {
  agreementSection,
  bigHeapTargets,
  diffTable,
  evaluateTargets,
  find,
  snapshotTable,
  targetsSection,
  type Measurement,
} from './report';
import { TOOLS } from './tools';
import type { Phase, Tool } from './tools/tool';

/** Sections that are not tools: the CLI timings, the leak check on a big heap, the ~4 GB pair. */
const SECTIONS = ['cli', 'leakcheck', 'big'] as const;
type Section = (typeof SECTIONS)[number];

/** The leak check's service and workload: ~400 MB of records, 5 cycles of 100 requests. */
const LEAK_CHECK = { records: 1_000_000, cycles: 5, requests: 100 };
/** Throughput with and without the sampling profiler: 3 fresh services × 10 pairs of rounds, alternating. */
const OVERHEAD = { services: 3, pairsPerService: 10, requestsPerRound: 5000 };

interface Options {
  quick: boolean;
  runs: number;
  big: boolean;
  only?: Set<string>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, runs: 1, big: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--big') options.big = true;
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      options.runs = Number(arg === '--runs' ? argv[++i] : arg.slice('--runs='.length));
      if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs needs a whole number ≥ 1');
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new Error('--only needs a tool name');
      options.only ??= new Set();
      for (const name of value.split(',')) {
        const known = [...TOOLS.map((t) => t.name), ...SECTIONS];
        if (!known.includes(name)) throw new Error(`unknown tool or section "${name}"; known: ${known.join(', ')}`);
        options.only.add(name);
      }
    } else throw new Error(`unknown argument "${arg}" (known: --quick, --only NAME[,NAME], --runs N, --big)`);
  }
  return options;
}

function describe(result: RunResult): string {
  switch (result.status) {
    case 'ok':
      return `${result.seconds.toFixed(2)} s, peak RSS ${(result.peakRssBytes / 1e6).toFixed(0)} MB`;
    case 'n/a':
      return 'n/a';
    case 'timeout':
      return `timeout after ${result.seconds.toFixed(0)} s`;
    case 'fails':
      return `fails: ${result.reason}`;
  }
}

/** The run with the median time; a failed or timed-out run stands for all of them. */
function median(results: RunResult[]): RunResult {
  const bad = results.find((r) => r.status !== 'ok');
  if (bad) return bad;
  const sorted = [...results].sort((a, b) => (a.status === 'ok' && b.status === 'ok' ? a.seconds - b.seconds : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const only = options.only;
  const tools = TOOLS.filter((t) => !only || only.has(t.name));
  const wants = (section: Section) => (only ? only.has(section) : section !== 'big' || options.big);
  if (tools.some((t) => t.name !== 'leakscope')) ensurePeersInstalled();

  const singles: SnapshotFile[] = [];
  const pair = tools.length > 0 || wants('cli') ? await ensurePair() : undefined;
  if (tools.length > 0 || wants('cli'))
    for (const spec of SINGLE_SPECS) if (!options.quick || spec.name === 'small') singles.push(await ensureSingle(spec));

  const measurements: Measurement[] = [];
  const run = async (file: string, tool: Tool, phase: Phase, paths: string[]): Promise<void> => {
    if (!tool.phases[phase]) {
      measurements.push({ file, tool: tool.name, phase, result: { status: 'n/a' } });
      return;
    }
    const results: RunResult[] = [];
    for (let i = 0; i < options.runs; i++) {
      process.stderr.write(`[bench] ${file} ${tool.name} ${phase}${options.runs > 1 ? ` (${i + 1}/${options.runs})` : ''}… `);
      const result = await measure(tool.name, phase, paths);
      process.stderr.write(`${describe(result)}\n`);
      results.push(result);
      if (result.status !== 'ok') break;
    }
    measurements.push({ file, tool: tool.name, phase, result: median(results) });
  };
  for (const file of tools.length > 0 ? singles : []) {
    for (const tool of tools) {
      for (const phase of ['parse', 'full'] as const) await run(file.name, tool, phase, [file.path]);
    }
  }
  for (const tool of tools) if (tool.phases.diff && pair) await run('pair', tool, 'diff', [pair.before.path, pair.after.path]);

  // The CLI as users run it, beside the library's time for the same work (the median run's).
  const cliRows: CliTiming[] = [];
  const timeRow = async (command: 'inspect' | 'diff', files: SnapshotFile[], library?: RunResult): Promise<CliTiming> => {
    const runs = [];
    for (let i = 0; i < options.runs; i++) {
      process.stderr.write(
        `[bench] leakscope ${command} ${files.map((f) => f.name).join(' ')}${options.runs > 1 ? ` (${i + 1}/${options.runs})` : ''}… `,
      );
      const result = await timeCli(command, files, DEFAULT_TIMEOUT_SECONDS);
      process.stderr.write(`${result.status === 'ok' ? `${result.seconds.toFixed(2)} s, exit ${result.exitCode}` : 'timeout'}\n`);
      runs.push(result);
      if (result.status !== 'ok' || result.exitCode !== 0) break;
    }
    const cli = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor((runs.length - 1) / 2)];
    return { command, files, cli, library };
  };
  if (wants('cli')) {
    for (const file of singles) cliRows.push(await timeRow('inspect', [file], find(measurements, file.name, 'leakscope', 'full')));
    if (pair) cliRows.push(await timeRow('diff', [pair.before, pair.after], find(measurements, 'pair', 'leakscope', 'diff')));
  }

  // The ~4 GB pair: CLI only (one run each; 5 GB of RSS), and no peers, which cannot load it.
  let bigRows: CliTiming[] | undefined;
  let bigFiles: SnapshotFile[] = [];
  if (wants('big')) {
    const big = ensureBigPair();
    bigFiles = [big.before, big.after];
    bigRows = [];
    for (const [command, files] of [
      ['inspect', [big.before]],
      ['diff', [big.before, big.after]],
    ] as const) {
      log(`leakscope ${command} ${files.map((f) => f.name).join(' ')}…`);
      const cli = await timeCli(command, [...files], DEFAULT_TIMEOUT_SECONDS);
      log(
        cli.status === 'ok'
          ? `${cli.seconds.toFixed(1)} s, exit ${cli.exitCode}, peak RSS ${(cli.peakRssBytes / 1e6).toFixed(0)} MB`
          : 'timeout',
      );
      bigRows.push({ command, files: [...files], cli });
    }
  }

  let checks: LeakCheckResult[] | undefined;
  let overhead: SamplingOverhead | undefined;
  if (wants('leakcheck')) {
    checks = [];
    for (const mode of CAPTURE_MODES) {
      log(`leak check, --capture ${mode}…`);
      const result = await measureLeakCheck(mode, { ...LEAK_CHECK, timeoutSeconds: LEAK_CHECK_TIMEOUT_SECONDS }).catch(
        (e: unknown): LeakCheckResult => ({ mode, status: 'fails', reason: e instanceof Error ? e.message : String(e) }),
      );
      log(
        result.status === 'ok'
          ? `${result.seconds.toFixed(1)} s, ${result.verdict}, leak ${result.leakNamed ? '' : 'not '}named`
          : `${result.status}: ${result.reason}`,
      );
      checks.push(result);
    }
    log('throughput with the sampling profiler off and on…');
    overhead = await measureSamplingOverhead({
      records: LEAK_CHECK.records,
      ...OVERHEAD,
      onPair: (i, p) => log(`pair ${i + 1}: ${percent(pairOverhead(p))}`),
    }).catch((e: unknown) => {
      log(`throughput: fails: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
    if (overhead) log(samplingOverheadLine(overhead));
  }

  const large = singles.find((f) => f.name === 'large');
  const targets = [...(tools.length > 0 ? evaluateTargets(large, measurements) : []), ...bigHeapTargets(bigRows, checks, overhead)];
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    runsPerMeasurement: options.runs,
    generatorVersion: GENERATOR_VERSION,
    peers: Object.fromEntries(
      ['heapsnapshot-parser', '@memlab/core', 'chrome-devtools-mcp', '@vscode/v8-heap-parser'].map((p) => [p, peerVersion(p)]),
    ),
  };

  const sections: string[] = [`# Leakscope benchmark (${environment.node}, ${environment.cores} × ${environment.cpu})`, ''];
  if (tools.length > 0 && pair) {
    sections.push(
      '## Parse, and parse + dominators + retained sizes',
      '',
      snapshotTable(singles, tools, measurements),
      '',
      `Seconds exclude loading each tool's code (${options.runs > 1 ? `median of ${options.runs} runs` : 'one run each'}); peak RSS is that of the parse + dominators run when the tool has one; MB = 10^6 bytes.`,
      '',
      agreementSection(singles, tools, measurements),
      '',
      '## Diff: before/after pair from one process',
      '',
      diffTable(pair.before, pair.after, tools, measurements),
      '',
    );
  }
  if (cliRows.length > 0 || bigRows) {
    sections.push(
      '## The CLI end to end',
      '',
      "Wall time of `node bin/leakscope.js …` from spawn to exit (process start, module loading, rendering, output to /dev/null), beside the library calls alone for the same work (Leakscope's parse + dominators + retained, and diff, above).",
      '',
      cliTable([...cliRows, ...(bigRows ?? [])]),
      '',
    );
  }
  if (checks)
    sections.push(
      '## Leak check on a big heap',
      '',
      leakCheckTable(checks, LEAK_CHECK.records, LEAK_CHECK.cycles, LEAK_CHECK.requests),
      '',
      ...(overhead ? [samplingOverheadLine(overhead), ''] : []),
    );
  sections.push(targetsSection(targets), '');
  process.stdout.write(sections.join('\n'));

  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const resultsPath = join(dir, 'results.json');
  const files = [...singles, ...(pair ? [pair.before, pair.after] : []), ...bigFiles];
  writeFileSync(
    resultsPath,
    JSON.stringify(
      { environment, files, measurements, cli: [...cliRows, ...(bigRows ?? [])], leakChecks: checks, samplingOverhead: overhead, targets },
      null,
      2,
    ) + '\n',
  );
  log(`results written to ${resultsPath}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
