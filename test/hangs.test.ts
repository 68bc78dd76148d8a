import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import CDP from 'chrome-remote-interface';
import { freePort } from '../src/inspector/freePort';
import { launchUnderInspector, type LaunchedTarget } from '../src/inspector/launch';
import { REPO_ROOT, runCli, startCli } from './helpers/cli';

/**
 * Nothing waits forever and signals always work (issue 12 point 3, issue 13 points 2 and 5):
 * each test drives the real CLI against a real target that misbehaves one way. Every CLI gets a
 * guard that kills it if it hangs; a test fails when the guard had to.
 */
const app = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'apps', name);
let out: string;
before(() => (out = mkdtempSync(join(tmpdir(), 'leakscope-hangs-'))));
after(() => rmSync(out, { recursive: true, force: true }));

/** A fixture under the inspector, with its inspector address and (for the server) its HTTP base URL. */
async function start(name: string): Promise<{ target: LaunchedTarget; address: string; base: string }> {
  const port = await freePort();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const target = await launchUnderInspector(process.execPath, [app(name)], {
    env: { PORT: String(port) },
    onOutput: (line) => line.startsWith('ready') && ready(),
  });
  await isReady;
  return { target, address: new URL(target.webSocketUrl).host, base: `http://127.0.0.1:${port}` };
}

const attach = (address: string, ...rest: string[]) => [
  'attach',
  address,
  '--warmup',
  '1',
  '--cycles',
  '2',
  '--out',
  join(out, String(Math.random()).slice(2)),
  ...rest,
];

describe('the target misbehaves', () => {
  test('a target whose JavaScript ends after answering a request fails the run at once and is not left alive', async () => {
    const port = await freePort();
    const cli = startCli(
      [
        'run',
        '--workload-url',
        `http://127.0.0.1:${port}/last`,
        '--requests',
        '1',
        '--warmup',
        '0',
        '--cycles',
        '2',
        '--out',
        join(out, 'last'),
        '--',
        process.execPath,
        app('misbehaving.js'),
      ],
      {
        env: { PORT: String(port) },
      },
    );
    const r = await cli.result;
    assert.equal(r.killedByGuard, false, `the CLI hung: ${r.stderr}`);
    assert.equal(r.code, 1, r.stderr);
    // `run` watches the process it launched, so it names the exit itself.
    assert.match(r.stderr, /exited with code 0 during the leak check, so there is no verdict/);
    assert.throws(() => execFileSync('pgrep', ['-f', `${app('misbehaving.js')}`]), 'the target is gone');
  });

  test('a workload URL that trickles a byte every 5 s fails on the request deadline', async () => {
    const { target, address, base } = await start('misbehaving.js');
    try {
      const r = await startCli(attach(address, '--workload-url', `${base}/trickle`, '--requests', '1')).result;
      assert.equal(r.killedByGuard, false, `the CLI hung: ${r.stderr}`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /did not complete within 30 s/);
    } finally {
      await target.stop();
    }
  });

  test('a workload URL answering 404 is a failed workload, unless --accept-status lists it', async () => {
    const { target, address, base } = await start('misbehaving.js');
    try {
      const failed = await runCli(attach(address, '--workload-url', `${base}/missing`, '--requests', '3', '-q'));
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stderr, /answered 404 Not Found/);
      assert.doesNotMatch(failed.stderr, /Wrote .*report\.json/);
      const accepted = await runCli(
        attach(address, '--workload-url', `${base}/missing`, '--requests', '3', '--accept-status', '400-499', '--warmup', '0', '-q'),
      );
      assert.equal(accepted.code, 0, accepted.stderr);
      const usage = await runCli(attach(address, '--workload-url', `${base}/missing`, '--accept-status', 'sometimes'));
      assert.equal(usage.code, 2, usage.stderr);
    } finally {
      await target.stop();
    }
  });

  test('a target stopped mid-check (SIGSTOP: the socket stays open, nothing answers) fails with a sentence', async () => {
    const { target, address } = await start('idle.js');
    try {
      // Stopped at the baseline (a GC, a sample, a snapshot: Leakscope's own calls, which fail after
      // 20 s of silence); should the stop land in the workload expression, that allows two minutes.
      const cli = startCli(attach(address, '--workload-expr', 'new Promise((r) => setTimeout(r, 3000))', '--warmup', '0'), {
        guardMs: 240_000,
      });
      await cli.stderrShows(/baseline snapshot/);
      target.process.kill('SIGSTOP');
      const r = await cli.result;
      target.process.kill('SIGCONT');
      assert.equal(r.killedByGuard, false, `the CLI hung: ${r.stderr}`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /The target stopped answering its inspector/);
      assert.match(r.stderr, /Waiting for /, 'the wait was reported, not silent');
    } finally {
      target.process.kill('SIGCONT');
      await target.stop();
    }
  });

  test('a target paused in another debugger is named by snapshot, memory and attach', async () => {
    const { target, address } = await start('idle.js');
    const debuggerClient = await CDP({ target: target.webSocketUrl, local: true });
    try {
      await debuggerClient.send('Debugger.enable');
      await debuggerClient.send('Debugger.pause');
      for (const args of [
        ['snapshot', address, '-o', join(out, 'paused.heapsnapshot')],
        ['memory', address],
        attach(address, '--workload-expr', '1'),
      ]) {
        const r = await startCli(args).result;
        assert.equal(r.killedByGuard, false, `${args[0]} hung: ${r.stderr}`);
        assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
        assert.match(r.stderr, /the target is paused in a debugger/i, args[0]);
      }
    } finally {
      await debuggerClient.close();
      await target.stop();
    }
  });

  test('a target whose event loop is blocked gets a bounded wait and a sentence', async () => {
    const { target, address } = await start('busyLoop.js');
    try {
      const r = await startCli(['memory', address]).result;
      assert.equal(r.killedByGuard, false, `memory hung: ${r.stderr}`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /event loop looks blocked/);
    } finally {
      await target.stop();
    }
  });
});

describe('signals end any command at once', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    test(`${signal} ends an attach whose workload expression never settles (exit ${code})`, async () => {
      const { target, address } = await start('idle.js');
      try {
        const cli = startCli(attach(address, '--workload-expr', 'new Promise(() => {})'));
        await cli.stderrShows(/Warm-up/);
        cli.child.kill(signal);
        const r = await cli.result;
        assert.equal(r.killedByGuard, false, `the CLI hung: ${r.stderr}`);
        assert.equal(r.code, code, r.stderr);
        assert.match(r.stderr, /interrupted/);
      } finally {
        await target.stop();
      }
    });
  }

  test('one Ctrl-C ends an attach to a stopped target', async () => {
    const { target, address } = await start('idle.js');
    try {
      const cli = startCli(attach(address, '--workload-expr', 'new Promise((r) => setTimeout(r, 3000))'));
      await cli.stderrShows(/Warm-up/);
      target.process.kill('SIGSTOP');
      cli.child.kill('SIGINT');
      const r = await cli.result;
      assert.equal(r.killedByGuard, false, `the CLI hung: ${r.stderr}`);
      assert.equal(r.code, 130, r.stderr);
    } finally {
      target.process.kill('SIGCONT');
      await target.stop();
    }
  });

  test('Ctrl-C during the workload of `run` exits 130, not "the target process is gone"', async () => {
    const port = await freePort();
    const cli = startCli(
      [
        'run',
        '--workload-url',
        `http://127.0.0.1:${port}/slow`,
        '--requests',
        '16',
        '--out',
        join(out, 'run-int'),
        '--',
        process.execPath,
        app('misbehaving.js'),
      ],
      { env: { PORT: String(port) } },
    );
    await cli.stderrShows(/Warm-up/);
    cli.child.kill('SIGINT');
    const r = await cli.result;
    assert.equal(r.killedByGuard, false, `the CLI hung: ${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stderr, /target process is gone/);
  });

  test('inspect refuses a FIFO in one sentence instead of blocking on it', async () => {
    const fifo = join(out, 'snapshot.fifo');
    execFileSync('mkfifo', [fifo]);
    const cli = startCli(['inspect', fifo], { guardMs: 60_000 });
    const sigterm = setTimeout(() => cli.child.kill('SIGTERM'), 20_000);
    const r = await cli.result;
    clearTimeout(sigterm);
    assert.equal(r.killedByGuard, false, `inspect hung and ignored SIGTERM: ${r.stderr}`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /is not a regular file/);
  });
});
