import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/inspector/freePort';
import type { LeakReport } from '../src/report/leakReport';
import { openReportBackend } from '../src/panel/panelBackend';
import { REPO_ROOT, runCli, runNode } from './helpers/cli';

/**
 * Where a leak is, end to end on TypeScript services: compiled by tsc with source maps, or run
 * by tsx, which transforms on load. The finding names the `.ts` file and the line that inserts
 * into the holder; `leakscope fix --write` edits the `.ts`; a holder inside a package names it.
 */
const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'apps', name);
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-ts-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(
  name: string,
  command: string[],
  extra: string[] = [],
): Promise<{ report: LeakReport; stdout: string; stderr: string; out: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, `${name}-out`);
  const r = await runCli(
    [
      'run',
      '--workload-url',
      `${base}/work/{i}`,
      '--requests',
      '60',
      '--ready-url',
      `${base}/health`,
      '--cycles',
      '4',
      '--out',
      out,
      '-q',
      ...extra,
      '--',
      ...command,
    ],
    { env: { PORT: String(port) } },
  );
  assert.equal(r.code, 0, r.stderr);
  return { report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport, stdout: r.stdout, stderr: r.stderr, out };
}

/** One-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `${needle} is not in the file`);
  return index + 1;
}

const kinds = (report: LeakReport) => JSON.stringify(report.findings.map((f) => [f.kind, f.title, f.source]));

describe('TypeScript services', () => {
  test('compiled by tsc: the finding, its allocation sites and `fix --write` are in the .ts', async () => {
    const app = join(dir, 'quoteService');
    cpSync(fixture('ts-quoteService'), app, { recursive: true });
    const tsc = await runNode([
      join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(app, 'tsconfig.json'),
      '--typeRoots',
      join(REPO_ROOT, 'node_modules', '@types'),
      '--types',
      'node',
    ]);
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);
    const { report } = await check('quoteService', [process.execPath, join(app, 'dist', 'server.js')], ['--track-allocations']);
    const ts = join(app, 'src', 'quotes.ts');
    const text = readFileSync(ts, 'utf8');
    const finding = report.findings.find((f) => f.path.at(-1) === 'quoteCache (Map)');
    assert.ok(finding, kinds(report));
    assert.equal(finding.source?.file, ts);
    assert.equal(finding.source?.role, 'inserts');
    assert.equal(finding.source?.line, lineOf(text, 'quoteCache.set(key, fresh)'));
    assert.equal(finding.insertions?.[0].text, 'quoteCache.set(key, fresh)');
    assert.equal(finding.holderDeclaration?.line, lineOf(text, 'const quoteCache'));
    // Allocation stacks point into the .ts as well: the objects are made in priceOf.
    const group = report.diff.groups.find((g) => g.holderPath.at(-1)?.edge === 'quoteCache');
    const site = group?.allocationSites?.find((s) => s.functionName === 'priceOf');
    assert.ok(site, JSON.stringify(group?.allocationSites));
    assert.equal(site.url, ts);
    assert.equal(site.line, lineOf(text, 'function priceOf('));
    assert.ok(
      group!.samples.some((s) => s.allocation?.some((f) => f.url === ts)),
      'a sample stack is mapped',
    );

    // A report that names the compiled script (an older Leakscope, checkLeaks): fix and the panel still go to the .ts.
    const js = readFileSync(join(app, 'dist', 'quotes.js'), 'utf8');
    const old: LeakReport = JSON.parse(readFileSync(join(dir, 'quoteService-out', 'report.json'), 'utf8'));
    for (const f of old.findings) {
      delete f.insertions;
      delete f.holderDeclaration;
      f.source = {
        file: join(app, 'dist', 'quotes.js'),
        line: lineOf(js, 'function quote('),
        column: 1,
        functionName: 'quote',
        role: 'holder',
      };
    }
    writeFileSync(join(dir, 'old-report.json'), JSON.stringify(old));
    const dry = await runCli(['fix', '--report', join(dir, 'old-report.json'), '--root', app]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(dry.stdout.includes(`${ts}:${lineOf(text, 'quoteCache.set(key, fresh)')}`), dry.stdout);
    assert.ok(!dry.stdout.includes('dist/quotes.js:'), dry.stdout);
    const backend = await openReportBackend(join(dir, 'old-report.json'), { inProcess: true });
    try {
      const view =
        backend.model.kind === 'report'
          ? backend.model.report.findings.find((v) => v.finding.path.at(-1) === 'quoteCache (Map)')
          : undefined;
      assert.deepEqual(view && [view.finding.source?.file, view.finding.source?.line], [ts, lineOf(text, 'quoteCache.set(key, fresh)')]);
    } finally {
      backend.dispose();
    }

    const distBefore = readFileSync(join(app, 'dist', 'quotes.js'), 'utf8');
    const fix = await runCli(['fix', '--report', join(dir, 'quoteService-out', 'report.json'), '--write', '--root', app]);
    assert.equal(fix.code, 0, fix.stderr);
    assert.match(readFileSync(ts, 'utf8'), /new LRUCache/);
    assert.equal(readFileSync(join(app, 'dist', 'quotes.js'), 'utf8'), distBefore);
  });

  test('run by tsx: the line that adds, the declaration, and a holder that reads like the code', async () => {
    const { report, stdout } = await check(
      'tsxService',
      [process.execPath, '--import', 'tsx', fixture('ts-tsxService/server.ts')],
      ['--raw-paths'],
    );
    const file = fixture('ts-tsxService/server.ts');
    const text = readFileSync(file, 'utf8');
    const listener = report.findings.find((f) => f.kind === 'listener');
    assert.ok(listener, kinds(report));
    assert.equal(listener.source?.file, file);
    assert.equal(listener.source?.line, lineOf(text, "settingsBus.on('settings-changed'"));
    assert.equal(listener.holderDeclaration?.line, lineOf(text, 'const settingsBus'));
    const audit = report.findings.find((f) => f.path.at(-1) === 'audit (Array)');
    assert.ok(audit, kinds(report));
    assert.equal(audit.source?.line, lineOf(text, 'audit.push('));
    assert.match(stdout, /held by {3}`audit` \(Array\), a variable of `\S*server\.ts` captured by the Server's `request` listener/);
    assert.match(stdout, /raw path {2}.*request \(closure\) → \(internal\) context \(system \/ Context\) → audit \(Array\)/);
    assert.match(stdout, /added by {2}\S*server\.ts:\d+:\d+ {2}audit\.push\(/);
  });

  test('a holder inside a package names the package and its version, and memory is attributed per package', async () => {
    const { report, out } = await check('ttlCache', [process.execPath, '--import', 'tsx', fixture('ts-ttlCache/server.ts')]);
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'lru-cache', 'package.json'), 'utf8')) as { version: string })
      .version;
    const inPackage = report.findings.filter((f) => f.package?.name === 'lru-cache');
    assert.ok(inPackage.length > 0, kinds(report));
    for (const f of inPackage) {
      assert.equal(f.package?.version, version);
      assert.match(f.explanation, /not an edit under node_modules/);
      // The code to change is the program's: where it fills the cache.
      assert.match(f.source?.file ?? '', /ts-ttlCache[\\/]server\.ts$/);
    }
    const row = report.packages?.find((p) => p.name === 'lru-cache');
    assert.ok(row && row.bytesPerCycle > 0 && row.version === version, JSON.stringify(report.packages));
    // The cache's entries are plain records under the cache object: what it holds in the heap covers what it gained.
    assert.ok((row.heldSize ?? 0) >= row.retainedSize, JSON.stringify(report.packages));
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /### By package[\s\S]*\| lru-cache \| 11\./);
  });
});
