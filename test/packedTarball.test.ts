import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LEAKSCOPE_TOOLS } from '../src/mcp/tools';
import { REPO_ROOT, runProcess, type CliResult } from './helpers/cli';

/**
 * What the npm registry would ship: `npm pack` of this folder (as built), installed into an empty
 * project from the tarball (its dependencies from the registry), then used the two ways the
 * README promises: `npx leakscope demo` and a `checkLeaks` test requiring `leakscope/test`.
 */
const dir = mkdtempSync(join(tmpdir(), 'leakscope-pack-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command: string, args: string[], cwd: string): Promise<CliResult> {
  // The outer npm's settings (a test run under `npm test`) must not steer this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_TEST_CONTEXT'));
  return runProcess(command, args, { cwd, env });
}

const LEAK_TEST = `
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { checkLeaks, LeakError } from 'leakscope/test';

const auditTrail = [];
const recent = new Map();

test('a handler that keeps every request fails its check', async () => {
  await assert.rejects(
    checkLeaks((i) => auditTrail.push({ id: i, path: '/orders/' + i })),
    (error) => error instanceof LeakError && /auditTrail \\(Array\\)/.test(error.message),
  );
});

test('a bounded one passes, and require() finds the same API', async () => {
  const result = await checkLeaks((i) => recent.set(i % 5, { id: i }), { iterations: 12 });
  assert.deepEqual(result.findings, []);
  assert.equal(createRequire(import.meta.url)('leakscope/test').checkLeaks, checkLeaks);
});
`;

test('the packed tarball ships only the CLI, the MCP server and the test API, and they work installed', { timeout: 900_000 }, async () => {
  const pack = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO_ROOT);
  assert.equal(pack.code, 0, pack.stderr);
  const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed.files.map((f) => f.path);
  for (const needed of [
    'bin/leakscope.js',
    'out/src/cli/main.js',
    'out/src/mcp/mcpServer.js',
    'out/src/testApi/index.js',
    'out/src/snapshot/edgesWorker.js',
    'out/src/analysis/comparableWorker.js',
    'samples/leakyServer.js',
    'LICENSE',
    'README.md',
    'CHANGELOG.md',
  ]) {
    assert.ok(files.includes(needed), `${needed} is in the tarball`);
  }
  const extra = files.filter((f) =>
    /^(src|test|bench|webview|dist|scripts|docs|media)\/|^out\/(test|bench)\/|^out\/src\/(extension|debug-adapter)\/|\.test\.|\.map$|\.vsix$/.test(
      f,
    ),
  );
  assert.deepEqual(extra, [], 'nothing the CLI and the test API do not load');

  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-leakscope', version: '1.0.0', private: true }));
  const install = await run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', join(dir, packed.filename)], project);
  assert.equal(install.code, 0, install.stderr);

  const demo = await run(npm.replace('npm', 'npx'), ['--no-install', 'leakscope', 'demo', '--out', 'demo-out', '--quiet'], project);
  assert.equal(demo.code, 0, demo.stdout + demo.stderr);
  assert.match(demo.stdout, /^Verdict: leak\./);
  assert.equal(JSON.parse(readFileSync(join(project, 'demo-out', 'report.json'), 'utf8')).verdict, 'leak');

  writeFileSync(join(project, 'leak.test.mjs'), LEAK_TEST);
  const tests = await run(process.execPath, ['--test', '--test-reporter=spec', 'leak.test.mjs'], project);
  assert.equal(tests.code, 0, tests.stdout + tests.stderr);
  assert.match(tests.stdout, /pass 2/);
  assert.ok(existsSync(join(project, 'node_modules', 'leakscope', 'out', 'src', 'testApi', 'index.js')));

  // The MCP server starts from the installed package, with the SDK the install brought.
  const client = new Client({ name: 'packed-tarball-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(project, 'node_modules', 'leakscope', 'bin', 'leakscope.js'), 'mcp'],
      cwd: project,
      stderr: 'ignore',
    }),
  );
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      LEAKSCOPE_TOOLS.map((t) => t.name),
    );
  } finally {
    await client.close();
  }
});
