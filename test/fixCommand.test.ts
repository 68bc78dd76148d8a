import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../src/analysis/types';
import { handMadeFinding, writeHandMadeReport } from './helpers/handMadeReport';
import { REPO_ROOT, runCli } from './helpers/cli';

/** `leakscope fix` on hand-made reports: output, --write, --json, --root, and the user's mistakes. */
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-fix-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeReport(name: string, findings: Finding[], command?: string[]): string {
  return writeHandMadeReport(join(dir, `${name}.json`), findings, command);
}

/** The sample service in a project folder of its own, as if checked out on this machine. */
function project(name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'src'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'samples', 'leakyServer.js'), join(root, 'src', 'server.js'));
  writeFileSync(join(root, 'package.json'), '{\n  "name": "orders",\n  "dependencies": {\n    "zod": "^3.0.0"\n  }\n}\n');
  return root;
}

const cacheFinding = (file: string) =>
  handMadeFinding({
    kind: 'unbounded-collection',
    title: 'summaryCache (Map) gains entries every cycle',
    path: ['request (closure)', 'summaryCache (Map)'],
    fix: { id: 'bound-cache', summary: 'Bound it.' },
    source: { file, line: 39, column: 34, role: 'holder' },
  });

describe('leakscope fix', () => {
  test('prints each finding with its rule, location and diff; a finding no rule answers gets where and why', async () => {
    const root = project('print');
    const redis = handMadeFinding({
      kind: 'unbounded-collection',
      title: 'ioredis commands pile up',
      path: ['redis (Redis)', 'commandQueue (Denque)'],
      fix: { id: 'redis-backpressure', summary: 'Await commands or pipeline them.' },
      source: { file: `file://${root}/src/server.js`, line: 3, column: 1, role: 'holder' },
    });
    const report = writeReport('print', [cacheFinding(join(root, 'src', 'server.js')), redis]);
    const r = await runCli(['fix', '--report', report], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Finding 1: summaryCache \(Map\) gains entries every cycle \[unbounded-collection, fix bound-cache\]$/m);
    assert.match(r.stdout, /^ {2}src\/server\.js:30:5 {2}bound-cache: summaryCache gains an entry/m);
    assert.match(r.stdout, /^ {4}--- a\/src\/server\.js$/m);
    assert.match(r.stdout, /^ {4}\+const \{ LRUCache \} = require\('lru-cache'\);$/m);
    assert.match(r.stdout, /Needs lru-cache@\^11\.0\.0, which package\.json does not list/);
    assert.match(
      r.stdout,
      /Finding 2: ioredis commands pile up[^\n]*\n {2}No quick-fix rule answers "redis-backpressure"\.\n {2}Go to src\/server\.js:3:1\n {2}Why: It grows every cycle\.\n {2}What to do: Await commands or pipeline them\./,
    );
    assert.match(r.stdout, /Run with --write to apply these fixes\.\n$/);
    assert.equal(readFileSync(join(root, 'src', 'server.js'), 'utf8'), readFileSync(join(REPO_ROOT, 'samples', 'leakyServer.js'), 'utf8'));
  });

  test('--write applies the fixes and adds the package to package.json; a second run finds nothing left', async () => {
    const root = project('write');
    const report = writeReport('write', [cacheFinding(join(root, 'src', 'server.js'))]);
    const r = await runCli(['fix', '--report', report, '--write'], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote src\/server\.js, package\.json\.\n$/);
    assert.match(
      readFileSync(join(root, 'src', 'server.js'), 'utf8'),
      /const summaryCache = new LRUCache\(\{ max: SUMMARY_CACHE_MAX \}\);/,
    );
    assert.equal(
      readFileSync(join(root, 'package.json'), 'utf8'),
      '{\n  "name": "orders",\n  "dependencies": {\n    "lru-cache": "^11.0.0",\n    "zod": "^3.0.0"\n  }\n}\n',
    );
    const again = await runCli(['fix', '--report', report, '--write'], { cwd: root });
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /No quick-fix rule for "bound-cache" recognises the code there \(it may be fixed already\)\.\n {2}Go to src\/server\.js:39:34\n/,
    );
    assert.match(again.stdout, /Nothing to write\.\n$/);
  });

  test('--root finds sources whose paths come from another machine; --json gives the edits and diffs', async () => {
    const root = project('moved');
    const report = writeReport('moved', [cacheFinding('file:///srv/orders/src/server.js')]);
    const r = await runCli(['fix', '--report', report, '--json', '--root', root]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.findings[0].location.file, join(root, 'src', 'server.js'));
    const [fix] = json.findings[0].fixes;
    assert.equal(fix.ruleId, 'bound-cache');
    assert.equal(fix.match, 'holder');
    assert.deepEqual(fix.dependencies, { 'lru-cache': '^11.0.0' });
    assert.match(fix.diff, /^--- a\/src\/server\.js\n\+\+\+ b\/src\/server\.js\n@@ /);
    assert.deepEqual(json.written, []);
  });

  test('a finding without a source line is looked for in the scripts the check launched', async () => {
    const root = project('launched');
    const timer = handMadeFinding({
      kind: 'timer',
      title: 'setInterval timers created every cycle are never cleared',
      path: ['timerListMap (Object)', '[60000] (TimersList)'],
      fix: { id: 'timer-clear', summary: 'Clear them.' },
    });
    copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'intervalPerRequest.js'), join(root, 'src', 'app.js'));
    copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'serve.js'), join(root, 'src', 'serve.js'));
    const report = writeReport('launched', [timer], ['node', join(root, 'src', 'app.js')]);
    const r = await runCli(['fix', '--report', report], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /src\/app\.js:7:3 {2}timer-clear:/);
    assert.match(r.stdout, /\+ {2}req\.once\('close', \(\) => clearInterval\(interval\)\);/);
  });

  test('mistakes get one sentence and a non-zero exit', async () => {
    const snapshot = join(dir, 'x.heapsnapshot');
    writeFileSync(snapshot, '{"snapshot":{"meta":{}},"nodes":[]}');
    // A report from a pull request may name any fix: one this Leakscope does not know is refused, its text made printable.
    const unknownFix = writeReport('unknown-fix', [cacheFinding(join(dir, 'server.js'))]);
    writeFileSync(unknownFix, readFileSync(unknownFix, 'utf8').replace('"bound-cache"', JSON.stringify('rm-rf\u001b[2J')));
    const cases: Array<[string[], number, RegExp]> = [
      [
        ['fix', '--report', unknownFix],
        1,
        /^leakscope: .*unknown-fix\.json names a fix this Leakscope does not know \(rm-rf\\x1b\[2J\); read it with the Leakscope version that wrote it\.$/,
      ],
      [['fix'], 2, /^leakscope: fix needs the report of a leak check: leakscope fix --report report\.json\.$/],
      [['fix', '--report', join(dir, 'missing.json')], 1, /^leakscope: .*missing\.json does not exist\.$/],
      [
        ['fix', '--report', snapshot],
        1,
        /^leakscope: .*x\.heapsnapshot is a heap snapshot, not a Leakscope report; fix takes the report\.json/,
      ],
      [['fix', '--report', writeReport('empty', []), '--root', join(dir, 'nope')], 2, /^leakscope: --root .*nope is not a folder\.$/],
      [['fix', '--report', writeReport('empty2', []), '--bogus'], 2, /^leakscope: unknown option --bogus/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  test('a report without findings says so', async () => {
    const r = await runCli(['fix', '--report', writeReport('none', [])]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'The report has no findings: nothing to fix.\n');
  });
});
