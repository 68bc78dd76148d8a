import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/inspector/freePort';
import { BIN, REPO_ROOT, runCli } from './helpers/cli';

const APP = join(REPO_ROOT, 'test', 'fixtures', 'launch');

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-launch-failures-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

function runArgs(port: number, out: string, cycles = '3'): string[] {
  const base = `http://127.0.0.1:${port}`;
  return [
    'run',
    '--workload-url',
    `${base}/orders/{i}`,
    '--requests',
    '50',
    '--ready-url',
    `${base}/health`,
    '--cycles',
    cycles,
    '--out',
    out,
    '-q',
  ];
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a launched target that dies says how', () => {
  for (const [name, command] of [
    ['node', [process.execPath, 'server.js']],
    ['npm start', ['npm', 'start']],
  ] as const) {
    test(`crashing on start (${name}): its exit code and stderr, not a refused connection`, async () => {
      const port = await freePort();
      const r = await runCli([...runArgs(port, join(dir, `start-${name}`)), '--', ...command], {
        cwd: APP,
        env: { PORT: String(port), CRASH_ON_START: '1' },
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /exited with code 1 before/);
      assert.match(r.stderr, /The last lines of its stderr:\n(.*\n)*\s+\| .*configuration missing: DATABASE_URL is not set/);
      assert.doesNotMatch(r.stderr, /ECONNREFUSED|Cannot connect to the inspector|internal error/);
    });
  }

  test('dying mid-check: reported with its exit code and stderr, snapshots taken so far kept', async () => {
    const port = await freePort();
    const out = join(dir, 'mid');
    // 1 warm-up and 2 cycles of 50 requests pass; the third cycle's requests end it.
    const r = await runCli([...runArgs(port, out), '--', process.execPath, 'server.js'], {
      cwd: APP,
      env: { PORT: String(port), EXIT_AFTER: '160' },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /The measured process, pid \d+ `.*server\.js` exited with code 3 during the leak check, so there is no verdict\./,
    );
    assert.match(r.stderr, /\| fatal: worker ran out of database connections after 160 requests/);
    assert.match(r.stderr, /Kept what was captured: .*baseline\.heapsnapshot/);
    assert.ok(existsSync(join(out, 'baseline.heapsnapshot')), 'the baseline snapshot stays');
    assert.deepEqual(
      readdirSync(out).filter((f) => f.endsWith('.partial')),
      [],
    );
    assert.doesNotMatch(r.stderr, /internal error|Cannot find context|This is a bug/);
    assert.ok(!existsSync(join(out, 'report.json')), 'no verdict was written');
  });

  test('SIGKILL of leakscope: the service it launched (behind npm) ends, its inspector closes, its launch directory goes', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, ...runArgs(port, join(dir, 'killed'), '200'), '--', 'npm', 'start'], {
      cwd: APP,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const pid = await waitFor('the measured pid', () => {
      const match = /Measuring pid (\d+)/.exec(stderr);
      return match ? Number(match[1]) : undefined;
    });
    assert.ok(isRunning(pid));
    const launchDir =
      process.platform === 'linux'
        ? /(?:^|\0)LEAKSCOPE_LAUNCH_DIR=([^\0]+)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1]
        : undefined;
    child.kill('SIGKILL');
    await waitFor(`pid ${pid} to end`, () => (isRunning(pid) ? undefined : true));
    if (launchDir) await waitFor('the launch directory to be removed', () => (existsSync(launchDir) ? undefined : true));
    const answers = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => true,
      () => false,
    );
    assert.equal(answers, false, 'the service is gone');
  });
});
