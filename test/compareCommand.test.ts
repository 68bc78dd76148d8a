import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/inspector/freePort';
import type { ReportComparison } from '../src/report/compareReports';
import { REPO_ROOT, runCli } from './helpers/cli';

/**
 * `compare` on two real leak checks of one service, before and after a fix: the fixed leak is
 * listed as fixed, the one the fix leaves alone as still leaking; given the other way round, the
 * fix's undoing is a new leak and `--fail-on new-leak` fails the build.
 */
let dir: string;
let before_: string;
let after_: string;

async function leakCheck(name: string, sessions: 'unbounded' | 'bounded'): Promise<string> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, name);
  const r = await runCli(
    [
      'run',
      '--workload-url',
      `${base}/work`,
      '--requests',
      '60',
      '--ready-url',
      `${base}/health`,
      '--cycles',
      '4',
      '--out',
      out,
      '-q',
      '--',
      process.execPath,
      join(REPO_ROOT, 'test', 'fixtures', 'apps', 'sessionStore.js'),
    ],
    { env: { PORT: String(port), SESSIONS: sessions } },
  );
  assert.equal(r.code, 0, r.stderr);
  return join(out, 'report.json');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leakscope-compare-'));
  [before_, after_] = await Promise.all([leakCheck('before', 'unbounded'), leakCheck('after', 'bounded')]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('leakscope compare', () => {
  test('lists the fixed leak and the one still there', async () => {
    const out = join(dir, 'comment.md');
    const r = await runCli(['compare', before_, after_, '--out', out, '--fail-on', 'new-leak']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^## Leakscope: no new leaks, 1 fixed, 1 still leaking\n/);
    const fixed = r.stdout.slice(r.stdout.indexOf('### Fixed'), r.stdout.indexOf('### Still leaking'));
    assert.match(fixed, /\*\*sessions \(Map\) gains entries every cycle/);
    const still = r.stdout.slice(r.stdout.indexOf('### Still leaking'));
    assert.match(
      still,
      /\| auditLog \(Array\) is pushed to every cycle and never trimmed \(`unbounded-collection`\) \| [^|]+ \| [^|]+ \| about the same \|/,
    );
    assert.ok(!r.stdout.includes('### New leaks'));
    assert.equal(readFileSync(out, 'utf8'), r.stdout);
  });

  test('reversed, the undone fix is a new leak and --fail-on new-leak exits 3', async () => {
    const r = await runCli(['compare', after_, before_, '--fail-on', 'new-leak', '--json']);
    assert.equal(r.code, 3, r.stderr);
    const c = JSON.parse(r.stdout) as ReportComparison;
    assert.deepEqual(
      c.newFindings.map((f) => f.path.at(-1)),
      ['sessions (Map)'],
    );
    assert.deepEqual(c.fixedFindings, []);
    assert.deepEqual(
      c.persisting.map((p) => [p.head.path.at(-1), p.matchedBy]),
      [['auditLog (Array)', 'path']],
    );
    assert.equal(c.base.verdict, 'leak');
    // Without --fail-on the comparison is only information.
    assert.equal((await runCli(['compare', after_, before_])).code, 0);
  });

  test('a report that is not one, or of another schema, gets one sentence and exit 1', async () => {
    const other = join(dir, 'v2.json');
    writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync(before_, 'utf8')), schemaVersion: 2 }));
    const v2 = await runCli(['compare', before_, other]);
    assert.equal(v2.code, 1);
    assert.equal(
      v2.stderr,
      `leakscope: ${other} is a report of schema version 2, and this Leakscope reads version 1; compare reports written by the same version.\n`,
    );
    const snapshot = await runCli(['compare', join(dir, 'before', 'baseline.heapsnapshot'), after_]);
    assert.equal(snapshot.code, 1);
    assert.match(
      snapshot.stderr,
      /^leakscope: \S+baseline\.heapsnapshot is a heap snapshot, not a Leakscope report; compare takes the report\.json of two leak checks\.\n$/,
    );
    const missing = await runCli(['compare', before_, join(dir, 'nope.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^leakscope: \S+nope\.json does not exist\.\n$/);
    const usage = await runCli(['compare', before_]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^leakscope: compare takes two reports, base first/);
  });
});
