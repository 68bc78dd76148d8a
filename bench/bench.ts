/**
 * `npm run bench [-- --quick] [--only TOOL[,TOOL]] [--runs N]`: builds or reuses the snapshots,
 * measures every tool on each of them one process at a time (N times, keeping the median),
 * prints Markdown tables and the targets, and writes everything to <cache>/results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { cacheDir, ensurePair, ensureSingle, GENERATOR_VERSION, SINGLE_SPECS, type SnapshotFile } from './generate';
import { measure, DEFAULT_TIMEOUT_SECONDS, type RunResult } from './measure';
import { ensurePeersInstalled, peerVersion } from './peers';
import { agreementSection, diffTable, evaluateTargets, snapshotTable, targetsSection, type Measurement } from './report';
import { TOOLS } from './tools';
import type { Phase, Tool } from './tools/tool';

interface Options {
  quick: boolean;
  runs: number;
  only?: Set<string>;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, runs: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      options.runs = Number(arg === '--runs' ? argv[++i] : arg.slice('--runs='.length));
      if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs needs a whole number ≥ 1');
    }    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new Error('--only needs a tool name');
      options.only ??= new Set();
      for (const name of value.split(',')) {
        if (!TOOLS.some((t) => t.name === name)) throw new Error(`unknown tool "${name}"; known: ${TOOLS.map((t) => t.name).join(', ')}`);
        options.only.add(name);
      }
    } else throw new Error(`unknown argument "${arg}" (known: --quick, --only TOOL[,TOOL], --runs N)`);
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

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const tools = TOOLS.filter((t) => !options.only || options.only.has(t.name));
  if (tools.some((t) => t.name !== 'leakscope')) ensurePeersInstalled();

  const singles: SnapshotFile[] = [];
  for (const spec of SINGLE_SPECS) if (!options.quick || spec.name === 'small') singles.push(await ensureSingle(spec));
  const pair = await ensurePair();

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
  for (const file of singles) {
    for (const tool of tools) {
      for (const phase of ['parse', 'full'] as const) await run(file.name, tool, phase, [file.path]);
    }
  }
  for (const tool of tools) if (tool.phases.diff) await run('pair', tool, 'diff', [pair.before.path, pair.after.path]);

  const large = singles.find((f) => f.name === 'large');
  const targets = evaluateTargets(large, measurements);
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    runsPerMeasurement: options.runs,
    generatorVersion: GENERATOR_VERSION,
    peers: Object.fromEntries(['heapsnapshot-parser', '@memlab/core', 'chrome-devtools-mcp', '@vscode/v8-heap-parser'].map((p) => [p, peerVersion(p)])),
  };

  const out = [
    `# Leakscope benchmark (${environment.node}, ${environment.cores} × ${environment.cpu})`,
    '',
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
    targetsSection(targets),
    '',
  ].join('\n');
  process.stdout.write(out);

  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const resultsPath = join(dir, 'results.json');
  writeFileSync(resultsPath, JSON.stringify({ environment, files: [...singles, pair.before, pair.after], measurements, targets }, null, 2) + '\n');
  process.stderr.write(`[bench] results written to ${resultsPath}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
