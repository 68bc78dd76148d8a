import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT, runNode } from './helpers/cli';

/**
 * `leakscope/test` as a test suite uses it: `node --test` runs fixture test files that import
 * the package by its name (the package's exports, resolved from inside it), one with a handler
 * that keeps every request, which must fail naming the holder, one with a healthy handler next
 * to the runner's own machinery (a test double, timers), which must pass.
 */
const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'testApi', name);
// `node --test` marks its children so they report to it; this child is a run of its own.
const runTests = (file: string) => runNode(['--test', '--test-reporter=spec', fixture(file)], { env: { NODE_TEST_CONTEXT: undefined } });

describe('checkLeaks in a node:test suite', () => {
  test('a handler that keeps every request fails the test, naming what holds them', async () => {
    const r = await runTests('leakyHandler.mjs');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /LeakError/);
    assert.match(r.stdout, /One holder grows with every call and survives GC/);
    assert.match(r.stdout, /\[unbounded-collection\] auditTrail \(Array\) is pushed to every cycle and never trimmed/);
    assert.match(r.stdout, /held by {3}`auditTrail` \(Array\), a variable/);
    // Like the CLI's check, the statement that adds to the holder, though no closure is on its path (an ES module's scope).
    assert.match(r.stdout, /added by {2}test\/fixtures\/testApi\/leakyHandler\.mjs:9:3 {2}auditTrail\.push\(\{ id, path/);
    // The message is the findings, not a dump of the report the error also carries.
    assert.ok(!r.stdout.includes('schemaVersion'), r.stdout);
  });

  test('a healthy handler passes, and a LeakError carries its findings and report', async () => {
    const r = await runTests('healthyHandler.js');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /pass 2/);
  });

  test('without a runner, on closures only the check holds', async () => {
    const r = await runNode([fixture('withoutRunner.mjs')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^leaky: seen \(Array\) is pushed to every cycle and never trimmed$/m);
    assert.match(r.stdout, /^healthy: passed \(no-leak\)$/m);
  });

  test('under mocked timers, the check still runs on the real event loop', async () => {
    const r = await runTests('fakeTimers.js');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

/** Jest and Vitest, as installed in the project, each on a suite with a leaky and a bounded handler. */
describe('checkLeaks under Jest and Vitest', () => {
  const jest = join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const vitest = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

  test('Jest fails the leaky test with the findings and passes the bounded one', async () => {
    const r = await runNode([jest, '--ci', '--rootDir', fixture('jest')], {
      cwd: fixture('jest'),
      env: { NODE_TEST_CONTEXT: undefined, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const output = r.stdout + r.stderr;
    assert.equal(r.code, 1, output);
    assert.match(output, /✕ the leaky handler does not leak/);
    assert.match(output, /✓ the bounded handler does not leak/);
    assert.match(output, /LeakError: One holder grows with every call and survives GC/);
    assert.match(output, /\[unbounded-collection\] auditTrail \(Array\) is pushed to every cycle and never trimmed/);
    assert.match(output, /added by {2}handlers\.test\.js:9:3 {2}auditTrail\.push\(\{ id, path/);
    // A LeakError is not shown as an expected/received comparison.
    assert.doesNotMatch(output, /Expected value/);
  });

  test('Vitest fails the leaky test with the findings and passes the bounded one', async () => {
    const r = await runNode([vitest, 'run', '--root', fixture('vitest')], {
      cwd: fixture('vitest'),
      env: { NODE_TEST_CONTEXT: undefined, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const output = r.stdout + r.stderr;
    assert.equal(r.code, 1, output);
    assert.match(output, /Tests {2}1 failed \| 1 passed/);
    assert.match(output, /FAIL .*handlers\.test\.mjs > the leaky handler does not leak/);
    assert.match(output, /LeakError: One holder grows with every call and survives GC/);
    assert.match(output, /\[unbounded-collection\] .* \(Array\) is pushed to every cycle and never trimmed/);
  });
});
