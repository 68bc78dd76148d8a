import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SnapshotDiff } from '../src/analysis/types';
import type { SnapshotOverview } from '../src/snapshot/types';
import { REPO_ROOT, runCli, runNode } from './helpers/cli';

const APP = join(REPO_ROOT, 'test', 'fixtures', 'apps', 'growingCache.js');
let dir: string;
let other: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leakscope-cli-'));
  other = mkdtempSync(join(tmpdir(), 'leakscope-cli-other-'));
  // Two runs of the same program: same ids, different processes.
  for (const out of [dir, other]) {
    const r = await runNode([APP, out]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
});

const file = (name: string) => join(dir, name);

describe('leakscope inspect', () => {
  test('prints totals, top classes and dominators of a real snapshot', async () => {
    const r = await runCli(['inspect', file('after.heapsnapshot'), '--top', '40']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /RequestRecord/);
    assert.match(r.stdout, /sessionCache/);
  });

  test('--json gives the overview with retained sizes and readable paths', async () => {
    const r = await runCli(['inspect', file('after.heapsnapshot'), '--json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const o = JSON.parse(r.stdout) as SnapshotOverview;
    assert.equal(o.schemaVersion, 1);
    const records = o.classes.find((c) => c.className === 'RequestRecord');
    assert.ok(records, 'RequestRecord is among the top classes');
    assert.equal(records.count, 2050);
    assert.ok(records.retainedSize > records.selfSize, 'retained size includes the headers objects');
    const cache = o.dominators.find((d) => d.path.some((s) => s.edge === 'sessionCache'));
    assert.ok(cache, `a dominator is reached through sessionCache: ${JSON.stringify(o.dominators.map((d) => d.path.map((s) => s.edge)))}`);
  });
});

describe('leakscope diff', () => {
  test('finds the 2000 new records and groups them under their holders', async () => {
    const r = await runCli(['diff', file('baseline.heapsnapshot'), file('after.heapsnapshot'), '--json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as SnapshotDiff;
    const records = d.classes.find((c) => c.className === 'RequestRecord');
    assert.ok(records);
    assert.equal(records.newCount, 2000);
    assert.equal(records.deletedCount, 0);
    assert.equal(records.countDelta, 2000);
    assert.ok(records.retainedSizeDelta > records.selfSizeDelta, 'retained delta covers what the records hold');
    const holders = d.groups.map((g) => g.holderPath.at(-1)?.edge);
    assert.ok(holders.includes('sessionCache') || holders.includes('history'), `holders: ${holders.join(', ')}`);
    const top = d.groups[0];
    assert.ok(top.count >= 2000, 'the biggest group holds the leaked records');
  });

  test('with a final snapshot only survivors count', async () => {
    const r = await runCli(['diff', file('baseline.heapsnapshot'), file('after.heapsnapshot'), file('final.heapsnapshot'), '--json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as SnapshotDiff;
    const records = d.classes.find((c) => c.className === 'RequestRecord');
    assert.ok(records);
    // All 2000 stay in the Map even though the history was trimmed.
    assert.equal(records.survivorCount, 2000);
    assert.ok(d.final);
  });

  test('--out writes Markdown, HTML and JSON, and the text goes to stdout', async () => {
    const out = join(dir, 'report');
    const r = await runCli(['diff', file('baseline.heapsnapshot'), file('after.heapsnapshot'), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /RequestRecord/);
    for (const name of ['diff.json', 'diff.md', 'diff.html']) assert.ok(existsSync(join(out, name)), name);
    assert.match(readFileSync(join(out, 'diff.md'), 'utf8'), /RequestRecord/);
    const html = readFileSync(join(out, 'diff.html'), 'utf8');
    assert.match(html, /Content-Security-Policy/);
    assert.doesNotMatch(html, /https?:\/\//);
  });

  test('snapshots of two different processes are refused', async () => {
    const r = await runCli(['diff', file('baseline.heapsnapshot'), join(other, 'after.heapsnapshot'), '-q']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /different processes/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one sentence');
  });

  test('snapshots given newest first are refused with the fix', async () => {
    const r = await runCli(['diff', file('after.heapsnapshot'), file('baseline.heapsnapshot'), '-q']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /oldest first/);
  });
});

describe('errors a user can cause', () => {
  test('a missing file', async () => {
    const r = await runCli(['inspect', file('missing.heapsnapshot')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `leakscope: ${file('missing.heapsnapshot')} does not exist.`);
  });

  test('a file that is not a heap snapshot', async () => {
    const path = file('package.json');
    writeFileSync(path, JSON.stringify({ name: 'x' }));
    const r = await runCli(['inspect', path, '-q']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^leakscope: .*package\.json is not a V8 heap snapshot/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('a truncated snapshot', async () => {
    const path = file('cut.heapsnapshot');
    copyFileSync(file('after.heapsnapshot'), path);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const r = await runCli(['diff', file('baseline.heapsnapshot'), path, '-q']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cut\.heapsnapshot is truncated/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('bad usage exits 2 with a pointer to help', async () => {
    for (const args of [
      ['diff', file('baseline.heapsnapshot')],
      ['inspect'],
      ['inspect', 'a', '--top', 'many'],
      ['frobnicate'],
      ['inspect', 'a', '--bogus'],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^leakscope: /);
    }
  });
});
