/**
 * Produces the benchmark snapshots by running workload.js in a child process, and caches them:
 * a file is reused while its sidecar `.meta.json` carries the current GENERATOR_VERSION.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeBigSnapshot, type BigSnapshotSpec } from './bigSnapshot';

/** Bump whenever workload.ts or a spec changes, so stale cached snapshots get rebuilt. */
export const GENERATOR_VERSION = 4;

export const REPO_ROOT = resolve(__dirname, '..', '..');

export function cacheDir(): string {
  return process.env.LEAKSCOPE_BENCH_CACHE ?? join(REPO_ROOT, '.bench-cache');
}

export interface SnapshotFile {
  name: string;
  path: string;
  bytes: number;
  nodeCount: number;
  edgeCount: number;
}

export interface SnapshotSpec {
  name: string;
  /** Sessions the workload builds; scales the heap about linearly (~71 nodes, ~5.2 KB of file each). */
  units: number;
  seed: number;
  /** For a before/after pair: request records leaked between the two snapshots. */
  leakRecords?: number;
}

// Scale factors measured on Node 20: ~10 MB, ~150 MB and ~855 MB / 11.6 M nodes; the pair is
// ~150 MB then ~190 MB.
export const SINGLE_SPECS: readonly SnapshotSpec[] = [
  { name: 'small', units: 1_230, seed: 11 },
  { name: 'medium', units: 28_400, seed: 12 },
  { name: 'large', units: 163_000, seed: 13 },
];
export const PAIR_SPEC: SnapshotSpec = { name: 'pair', units: 28_400, seed: 14, leakRecords: 75_000 };

/**
 * The multi-GB pair, written by bigSnapshot.ts rather than V8: ~4.3 GB (past 4 GiB, so file
 * offsets pass 32 bits) and 51 M nodes; the after file adds 500,000 leaked records.
 */
export const BIG_SPEC: BigSnapshotSpec & { name: string } = { name: 'big', sessions: 3_400_000, seed: 15, leakRecords: 500_000 };

/** The big pair takes 9 GB of disk: it lives where `$LEAKSCOPE_BENCH_BIG_DIR` says, else in the cache. */
export function bigDir(): string {
  return process.env.LEAKSCOPE_BENCH_BIG_DIR ?? join(cacheDir(), 'big');
}

interface Meta extends Omit<SnapshotFile, 'path' | 'name'> {
  generatorVersion: number;
  spec: SnapshotSpec | BigSnapshotSpec;
  nodeVersion: string;
}

/** `node_count` and `edge_count` sit in the header, within the first few KB. */
export function readCounts(path: string): { nodeCount: number; edgeCount: number } {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString('utf8');
    const nodes = /"node_count":\s*(\d+)/.exec(text);
    const edges = /"edge_count":\s*(\d+)/.exec(text);
    if (!nodes || !edges) throw new Error(`${path}: no node_count/edge_count in the first 4 KB`);
    return { nodeCount: Number(nodes[1]), edgeCount: Number(edges[1]) };
  } finally {
    closeSync(fd);
  }
}

function describe(name: string, path: string): SnapshotFile {
  return { name, path, bytes: statSync(path).size, ...readCounts(path) };
}

function cached(name: string, path: string, spec: SnapshotSpec | BigSnapshotSpec): SnapshotFile | undefined {
  const metaPath = `${path}.meta.json`;
  if (!existsSync(path) || !existsSync(metaPath)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    if (meta.generatorVersion !== GENERATOR_VERSION || JSON.stringify(meta.spec) !== JSON.stringify(spec)) return undefined;
    if (statSync(path).size !== meta.bytes) return undefined;
    return { name, path, bytes: meta.bytes, nodeCount: meta.nodeCount, edgeCount: meta.edgeCount };
  } catch {
    return undefined;
  }
}

function writeMeta(file: SnapshotFile, spec: SnapshotSpec | BigSnapshotSpec): void {
  const meta: Meta = {
    generatorVersion: GENERATOR_VERSION,
    spec,
    nodeVersion: process.version,
    bytes: file.bytes,
    nodeCount: file.nodeCount,
    edgeCount: file.edgeCount,
  };
  writeFileSync(`${file.path}.meta.json`, JSON.stringify(meta, null, 2) + '\n');
}

function runWorkload(args: string[], outputs: string[]): Promise<void> {
  const script = join(__dirname, 'workload.js');
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=16000', script, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolveRun();
      // workload.js writes to <out>.partial-<pid> and renames when complete.
      for (const out of outputs) rmSync(`${out}.partial-${child.pid}`, { force: true });
      reject(new Error(`workload ${args.join(' ')} exited with ${signal ?? code}`));
    });
  });
}

function log(message: string): void {
  process.stderr.write(`[generate] ${message}\n`);
}

function summary(file: SnapshotFile): string {
  return `${file.name}: ${(file.bytes / 1e6).toFixed(1)} MB, ${file.nodeCount.toLocaleString('en-US')} nodes`;
}

export async function ensureSingle(spec: SnapshotSpec): Promise<SnapshotFile> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${spec.name}.heapsnapshot`);
  const hit = cached(spec.name, path, spec);
  if (hit) {
    log(`cached ${summary(hit)}`);
    return hit;
  }
  log(`building ${spec.name} (${spec.units} sessions)…`);
  const started = Date.now();
  await runWorkload([String(spec.units), String(spec.seed), path], [path]);
  const file = describe(spec.name, path);
  writeMeta(file, spec);
  log(`wrote ${summary(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

export async function ensurePair(spec: SnapshotSpec = PAIR_SPEC): Promise<{ before: SnapshotFile; after: SnapshotFile }> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const beforePath = join(dir, `${spec.name}-before.heapsnapshot`);
  const afterPath = join(dir, `${spec.name}-after.heapsnapshot`);
  const before = cached(`${spec.name}-before`, beforePath, spec);
  const after = cached(`${spec.name}-after`, afterPath, spec);
  if (before && after) {
    log(`cached ${summary(before)}; ${summary(after)}`);
    return { before, after };
  }
  log(`building ${spec.name} (${spec.units} sessions, then ${spec.leakRecords} leaked request records)…`);
  const started = Date.now();
  await runWorkload([String(spec.units), String(spec.seed), beforePath, String(spec.leakRecords ?? 0), afterPath], [beforePath, afterPath]);
  const pair = { before: describe(`${spec.name}-before`, beforePath), after: describe(`${spec.name}-after`, afterPath) };
  writeMeta(pair.before, spec);
  writeMeta(pair.after, spec);
  log(`wrote ${summary(pair.before)}; ${summary(pair.after)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return pair;
}

/** The big before/after pair, written directly (no V8 heap behind it), so it costs disk and time but little memory. */
export function ensureBigPair(spec = BIG_SPEC): { before: SnapshotFile; after: SnapshotFile } {
  const dir = bigDir();
  mkdirSync(dir, { recursive: true });
  const files = (['before', 'after'] as const).map((which) => {
    const name = `${spec.name}-${which}`;
    const path = join(dir, `${name}.heapsnapshot`);
    const fileSpec = which === 'before' ? { ...spec, leakRecords: 0 } : spec;
    const hit = cached(name, path, fileSpec);
    if (hit) {
      log(`cached ${summary(hit)}`);
      return hit;
    }
    log(
      `writing ${name} (${fileSpec.sessions.toLocaleString('en-US')} sessions${fileSpec.leakRecords ? `, ${fileSpec.leakRecords.toLocaleString('en-US')} leaked records` : ''}) to ${path}…`,
    );
    const started = Date.now();
    const stats = writeBigSnapshot(path, fileSpec);
    const file = { name, path, bytes: stats.bytes, nodeCount: stats.nodeCount, edgeCount: stats.edgeCount };
    writeMeta(file, fileSpec);
    log(`wrote ${summary(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return file;
  });
  return { before: files[0], after: files[1] };
}

if (require.main === module) {
  // `node out/bench/generate.js [names…]` builds (or reports) snapshots without measuring; the
  // big pair only when named (`big`), for its 9 GB of disk.
  const wanted = new Set(process.argv.slice(2));
  const run = async (): Promise<void> => {
    for (const spec of SINGLE_SPECS) if (wanted.size === 0 || wanted.has(spec.name)) await ensureSingle(spec);
    if (wanted.size === 0 || wanted.has(PAIR_SPEC.name)) await ensurePair();
    if (wanted.has(BIG_SPEC.name)) ensureBigPair();
  };
  run().catch((e: unknown) => {
    log(String(e instanceof Error ? e.message : e));
    process.exitCode = 1;
  });
}
