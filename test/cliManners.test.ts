import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SAMPLING_INTERVAL } from '../src/session/types';
import { REPO_ROOT, runCli } from './helpers/cli';

describe('CLI manners', () => {
  for (const command of ['inspect', 'diff', 'run', 'attach', 'demo', 'memory', 'snapshot', 'compare', 'fix']) {
    test(`${command} --help prints its own usage`, async () => {
      for (const flag of ['--help', '-h']) {
        const r = await runCli([command, flag]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^Usage:\\n  leakscope ${command} `));
        assert.equal(r.stderr, '');
      }
    });
  }

  test('--version prints the version of the installed package', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', 'version']) {
      const r = await runCli([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  test('the help of `run` names the default sampling interval the check uses', async () => {
    const r = await runCli(['run', '--help']);
    assert.match(r.stdout, new RegExp(`--sampling-interval BYTES +bytes between samples \\(default ${DEFAULT_SAMPLING_INTERVAL}\\)`));
  });

  test('run --help before `--` is ours; after it, it belongs to the launched command', async () => {
    const r = await runCli(['run', '--help', '--', 'node', 'app.js']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--workload-url URL/);
  });

  test('an unknown flag gets one sentence with the nearest known flag', async () => {
    const r = await runCli(['run', '--cycle', '3', '--workload-url', 'http://127.0.0.1:1/', '--', 'node', 'app.js']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'leakscope: unknown option --cycle; did you mean --cycles? (see --help).\n');
    const far = await runCli(['inspect', 'x.heapsnapshot', '--frobnicate']);
    assert.equal(far.code, 2);
    assert.equal(far.stderr, 'leakscope: unknown option --frobnicate (see --help).\n');
    const missing = await runCli(['memory', '--pid']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'leakscope: --pid needs a value (see --help).\n');
  });

  test('a mistyped command names the nearest one', async () => {
    const r = await runCli(['snapshto']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown command "snapshto" \(did you mean snapshot\?\)/);
  });
});
