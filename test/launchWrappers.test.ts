import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { freePort } from '../src/inspector/freePort';
import { listeningSocketsOf } from '../src/inspector/procFs';
import { BIN, REPO_ROOT, runCli, type CliResult } from './helpers/cli';

/** A leaking HTTP service with a package.json whose scripts start it the usual ways. */
const APP = join(REPO_ROOT, 'test', 'fixtures', 'launch');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const NODEMON = join(REPO_ROOT, 'node_modules', '.bin', 'nodemon');
const TS_NODE = join(REPO_ROOT, 'node_modules', '.bin', 'ts-node');

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-wrappers-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(
  name: string,
  command: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ r: CliResult; report: LeakReport; port: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, name);
  const r = await runCli(
    [
      'run',
      '--workload-url',
      `${base}/orders/{i}`,
      '--requests',
      '60',
      '--ready-url',
      `${base}/health`,
      '--cycles',
      '3',
      '--out',
      out,
      '--json',
      '-q',
      '--',
      ...command,
    ],
    {
      cwd: APP,
      env: { PORT: String(port), ...env },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  return { r, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport, port };
}

/** The service process was measured (not npm, not tsx's launcher, not the watcher) and its leak was found. */
function assertMeasuredService(r: CliResult, report: LeakReport, script: string, port: number): void {
  const target = report.target;
  assert.ok(target.pid, 'the report names the measured pid');
  const argv = target.argv ?? [];
  assert.ok(
    argv.some((a) => a.endsWith(script)),
    `measured argv: ${argv.join(' ')}`,
  );
  assert.ok(
    !argv.some((a) => /npm-cli\.js|[/\\]npm$|tsx[/\\]dist[/\\]cli|--watch|nodemon/.test(a)),
    `measured a wrapper: ${argv.join(' ')}`,
  );
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

  test('nodemon', async () => {
    const { r, report, port } = await check('nodemon', [NODEMON, '--quiet', '--no-stdin', 'server.js']);
    assertMeasuredService(r, report, 'server.js', port);
  });

  test('ts-node (transpile only)', async () => {
    const { r, report, port } = await check('ts-node', [TS_NODE, '--transpile-only', 'server.ts']);
    assertMeasuredService(r, report, 'server.ts', port);
  });
});

describe(
  'an inspector asked for on every interface opens on loopback',
  { skip: process.platform !== 'linux' ? 'reads /proc' : false },
  () => {
    for (const [name, command, env, where] of [
      [
        'in the arguments',
        [process.execPath, '--inspect=0.0.0.0:0', 'server.js'],
        {},
        /Note: `--inspect=0\.0\.0\.0:0` \(in args\) would open the inspector on every network interface; Leakscope opens it on loopback instead: `--inspect=127\.0\.0\.1:0`\./,
      ],
      [
        'in NODE_OPTIONS',
        ['npm', 'start'],
        { NODE_OPTIONS: '--inspect=0.0.0.0:0' },
        /Note: `--inspect=0\.0\.0\.0:0` \(in NODE_OPTIONS\) would open the inspector on every network interface/,
      ],
      [
        'in an npm script',
        ['npm', 'run', 'exposed'],
        {},
        /Note: pid \d+ opened its inspector at ws:\/\/0\.0\.0\.0:\d+\/\S+, on every network interface; Leakscope moved it to loopback\./,
      ],
    ] as const) {
      test(name, async () => {
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const cli = spawn(
          process.execPath,
          [
            BIN,
            'run',
            '--workload-url',
            `${base}/orders/{i}`,
            '--requests',
            '50',
            '--ready-url',
            `${base}/health`,
            '--cycles',
            '3',
            '--out',
            join(dir, `exposed-${name}`),
            '-q',
            '--',
            ...command,
          ],
          {
            cwd: APP,
            env: { ...process.env, PORT: String(port), ...env },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        cli.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
        const deadline = Date.now() + 60_000;
        let pid: number | undefined;
        while (pid === undefined && Date.now() < deadline && cli.exitCode === null) {
          pid = Number(/Measuring pid (\d+)/.exec(stderr)?.[1]) || undefined;
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(pid, stderr);
        const sockets = await listeningSocketsOf(pid);
        assert.ok(sockets.length >= 2, 'the service and its inspector listen');
        assert.deepEqual(
          sockets.filter((s) => s.wildcard),
          [],
          'nothing of the measured process listens on every interface',
        );
        assert.equal(await exited, 0, stderr);
        assert.match(stderr, where);
      });
    }
  },
);
