import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { freePort } from '../src/inspector/freePort';
import { REPO_ROOT, runCli, type CliResult } from './helpers/cli';

/** A leaking HTTP service with a package.json whose scripts start it the usual ways. */
const APP = join(REPO_ROOT, 'test', 'fixtures', 'launch');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-wrappers-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(name: string, command: string[], env: NodeJS.ProcessEnv = {}): Promise<{ r: CliResult; report: LeakReport; port: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, name);
  const r = await runCli(['run', '--workload-url', `${base}/orders/{i}`, '--requests', '60', '--ready-url', `${base}/health`, '--cycles', '3', '--out', out, '--json', '-q', '--', ...command], {
    cwd: APP,
    env: { PORT: String(port), ...env },
  });
  assert.equal(r.code, 0, r.stderr);
  return { r, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport, port };
}

/** The service process was measured (not npm, not tsx's launcher, not the watcher) and its leak was found. */
function assertMeasuredService(r: CliResult, report: LeakReport, script: string, port: number): void {
  const target = report.target;
  assert.ok(target.pid, 'the report names the measured pid');
  const argv = target.argv ?? [];
  assert.ok(argv.some((a) => a.endsWith(script)), `measured argv: ${argv.join(' ')}`);
  assert.ok(!argv.some((a) => /npm-cli\.js|[/\\]npm$|tsx[/\\]dist[/\\]cli|--watch/.test(a)), `measured a wrapper: ${argv.join(' ')}`);
  assert.match(target.why ?? '', new RegExp(`listens on port ${port}`));
  assert.match(r.stderr, new RegExp(`Measuring pid ${target.pid} \\(.*${script.replace('.', '\\.')}.*\\): it listens on port ${port}`));
  assert.equal(report.verdict, 'leak', report.summary);
  const holders = report.diff.groups.map((g) => g.holderPath.at(-1)?.edge);
  assert.ok(holders.includes('auditTrail'), `holders: ${holders.join(', ')}`);
}

describe('leakscope run follows wrappers to the process that serves the workload', () => {
  test('npm start', async () => {
    const { r, report, port } = await check('npm-start', ['npm', 'start']);
    assertMeasuredService(r, report, 'server.js', port);
  });

  test('npm run dev (tsx)', async () => {
    const { r, report, port } = await check('npm-dev', ['npm', 'run', 'dev']);
    assertMeasuredService(r, report, 'server.ts', port);
  });

  test('tsx', async () => {
    const { r, report, port } = await check('tsx', [TSX, 'server.ts']);
    assertMeasuredService(r, report, 'server.ts', port);
  });

  test('node --watch', async () => {
    const { r, report, port } = await check('watch', [process.execPath, '--watch', 'server.js']);
    assertMeasuredService(r, report, 'server.js', port);
  });
});
