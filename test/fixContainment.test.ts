import assert from 'node:assert/strict';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../src/analysis/types';
import { REPO_ROOT, runCli } from './helpers/cli';
import { handMadeFinding, writeHandMadeReport } from './helpers/handMadeReport';

/**
 * A report.json travels in pull requests, so `leakscope fix` (with or without --write) must never
 * read or change a file outside its root, whatever path form the report uses to name one.
 */
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-contain-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = join(REPO_ROOT, 'samples', 'leakyServer.js');

function cacheFinding(file?: string): Finding {
  return handMadeFinding({
    kind: 'unbounded-collection',
    title: 'summaryCache (Map) gains entries every cycle',
    path: ['request (closure)', 'summaryCache (Map)'],
    fix: { id: 'bound-cache', summary: 'Bound it.' },
    ...(file ? { source: { file, line: 39, column: 34, role: 'holder' as const } } : {}),
  });
}

/** Every file under `top` outside `root`, with its bytes (symlinks by their target). */
function filesOutside(top: string, root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (path === root) continue;
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path);
      else out.set(relative(top, path), st.isSymbolicLink() ? `link` : readFileSync(path, 'latin1'));
    }
  };
  walk(top);
  return out;
}

/**
 * A case folder: `outside/` holds a leaky service (and package.json) the report aims at,
 * `root/` the project the user runs fix in.
 */
function layout(name: string, options: { rootManifest?: boolean } = {}): { top: string; root: string; outside: string } {
  const top = join(dir, name);
  const root = join(top, 'root');
  const outside = join(top, 'outside');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  copyFileSync(SAMPLE, join(outside, 'x.js'));
  writeFileSync(join(outside, 'package.json'), '{\n  "name": "victim"\n}\n');
  if (options.rootManifest !== false) writeFileSync(join(root, 'package.json'), '{\n  "name": "project"\n}\n');
  return { top, root, outside };
}

async function assertRefused(name: string, top: string, root: string, report: string, named: RegExp): Promise<void> {
  const before = filesOutside(top, root);
  for (const args of [
    ['fix', '--report', report, '--root', root, '--write'],
    ['fix', '--report', report, '--root', root],
    ['fix', '--report', report, '--write'],
  ]) {
    const r = await runCli(args, { cwd: root });
    assert.notEqual(r.code, 0, `${name} ${args.join(' ')}: exit 0 with ${r.stdout}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: ${r.stderr}`);
    assert.match(r.stderr, named, name);
    assert.match(r.stderr, /is outside the project folder/, name);
    // The diff of a file outside would print its content.
    assert.doesNotMatch(r.stdout, /summaryCache/, name);
    assert.deepEqual(filesOutside(top, root), before, `${name}: a file outside the root changed`);
  }
}

describe('leakscope fix stays inside its root', () => {
  test('a source file named ../outside/x.js', async () => {
    const { top, root } = layout('relative');
    const report = writeHandMadeReport(join(top, 'report.json'), [cacheFinding('../outside/x.js')]);
    await assertRefused('relative', top, root, report, /outside\/x\.js/);
  });

  test('a path with terminal escapes is named as data', async () => {
    const { top, root } = layout('escapes');
    const evil = '../outside/\x1b]8;;evil\x07x\x1b]8;;\x07\x1b[2J.js';
    copyFileSync(SAMPLE, join(top, 'outside', '\x1b]8;;evil\x07x\x1b]8;;\x07\x1b[2J.js'));
    const report = writeHandMadeReport(join(top, 'report.json'), [cacheFinding(evil)]);
    await assertRefused('escapes', top, root, report, /outside\/\\x1b\]8;;evil\\x07x\\x1b\]8;;\\x07\\x1b\[2J\.js/);
    const r = await runCli(['fix', '--report', report], { cwd: root });
    assert.doesNotMatch(r.stderr + r.stdout, /\x1b|\x07/);
  });

  test('a source file named by absolute path', async () => {
    const { top, root, outside } = layout('absolute');
    const report = writeHandMadeReport(join(top, 'report.json'), [cacheFinding(join(outside, 'x.js'))]);
    await assertRefused('absolute', top, root, report, /outside\/x\.js/);
  });

  test('a source file named by file:// URL', async () => {
    const { top, root, outside } = layout('url');
    const report = writeHandMadeReport(join(top, 'report.json'), [cacheFinding(pathToFileURL(join(outside, 'x.js')).href)]);
    await assertRefused('url', top, root, report, /outside\/x\.js/);
  });

  test('a symlink in the root that leads out', async () => {
    const { top, root, outside } = layout('symlink');
    symlinkSync(join(outside, 'x.js'), join(root, 'src', 'server.js'));
    const report = writeHandMadeReport(join(top, 'report.json'), [cacheFinding(join(root, 'src', 'server.js'))]);
    await assertRefused('symlink', top, root, report, /src\/server\.js.*leads to .*outside\/x\.js/);
  });

  test('a symlinked folder in the root that leads out', async () => {
    const { top, root, outside } = layout('symlinkDir');
    symlinkSync(outside, join(root, 'lib'));
    const report = writeHandMadeReport(join(top, 'report.json'), [cacheFinding('lib/x.js')]);
    await assertRefused('symlinkDir', top, root, report, /lib\/x\.js.*leads to .*outside\/x\.js/);
  });

  test('a launched script outside the root', async () => {
    const { top, root, outside } = layout('command');
    copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'intervalPerRequest.js'), join(outside, 'app.js'));
    copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'serve.js'), join(outside, 'serve.js'));
    const timer: Finding = {
      ...cacheFinding(),
      kind: 'timer',
      title: 'setInterval timers are never cleared',
      path: ['timerListMap (Object)'],
      fix: { id: 'timer-clear', summary: 'Clear them.' },
    };
    const report = writeHandMadeReport(join(top, 'report.json'), [timer], ['node', join(outside, 'app.js')]);
    await assertRefused('command', top, root, report, /outside\/app\.js/);
    const relativeReport = writeHandMadeReport(join(top, 'report2.json'), [timer], ['node', '../outside/app.js']);
    await assertRefused('command relative', top, root, relativeReport, /outside\/app\.js/);
  });

  test('a package.json above the root, when the fix adds a package', async () => {
    const top = join(dir, 'manifest');
    const root = join(top, 'root');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(top, 'package.json'), '{\n  "name": "parent"\n}\n');
    copyFileSync(SAMPLE, join(root, 'src', 'server.js'));
    const report = writeHandMadeReport(join(top, 'report.json'), [cacheFinding('src/server.js')]);
    const before = filesOutside(top, root);
    const r = await runCli(['fix', '--report', report, '--write'], { cwd: root });
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /package\.json is outside the project folder/);
    assert.deepEqual(filesOutside(top, root), before);
    // Nothing is written half-way: the source file inside stays as it was too.
    assert.equal(readFileSync(join(root, 'src', 'server.js'), 'utf8'), readFileSync(SAMPLE, 'utf8'));
  });

  test('files inside the root, through a symlink that stays inside, are still fixed', async () => {
    const { root } = layout('inside');
    mkdirSync(join(root, 'lib'));
    copyFileSync(SAMPLE, join(root, 'lib', 'real.js'));
    symlinkSync(join(root, 'lib', 'real.js'), join(root, 'src', 'server.js'));
    const report = writeHandMadeReport(join(root, '..', 'report.json'), [cacheFinding('src/server.js')]);
    const r = await runCli(['fix', '--report', report, '--write'], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(root, 'src', 'server.js')).isSymbolicLink(), 'the link stays a link');
    assert.match(readFileSync(join(root, 'lib', 'real.js'), 'utf8'), /new LRUCache\(/);
    assert.match(readFileSync(join(root, 'package.json'), 'utf8'), /"lru-cache"/);
  });
});
