import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { freePort } from '../src/inspector/freePort';
import { listeningSocketsOf } from '../src/inspector/procFs';
import { REPO_ROOT, runCli } from './helpers/cli';

const SERVER = join(REPO_ROOT, 'test', 'fixtures', 'launch', 'server.js');
const linuxOnly = process.platform !== 'linux' ? 'reads /proc' : false;

let dir: string;
const started: ChildProcess[] = [];
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-pid-'))));
after(() => {
  for (const child of started) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.resume();
  started.push(child);
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const answers = (url: string) =>
  fetch(url).then(
    () => true,
    () => undefined,
  );

/** Holds 127.0.0.1:9229 with another Node process's inspector, unless something already does. */
async function busy9229(): Promise<void> {
  const holder = start(process.execPath, ['--inspect=127.0.0.1:9229', '-e', 'setInterval(() => {}, 1000)']);
  await until('9229 to be held', async () => {
    if ((await answers('http://127.0.0.1:9229/json/list')) !== true) return undefined;
    return true;
  });
  assert.ok(holder.pid);
}

describe('--pid', { skip: linuxOnly }, () => {
  test('a process that is not Node is never signalled', async () => {
    const sleeper = start('sleep', ['120']);
    const r = await runCli(['memory', '--pid', String(sleeper.pid)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`PID ${sleeper.pid} is not a Node\\.js process \\(\`sleep 120\`\\)`));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(sleeper.exitCode, null, 'sleep still runs');
    assert.equal(sleeper.signalCode, null, 'sleep was not signalled');
  });

  test('with 127.0.0.1:9229 taken by another inspector, the given process is measured through its own inspector port', async () => {
    await busy9229();
    const port = await freePort();
    const service = start(process.execPath, ['--inspect=127.0.0.1:0', SERVER], { PORT: String(port) });
    await until('the service', () => answers(`http://127.0.0.1:${port}/health`));
    await until('its inspector', async () => ((await listeningSocketsOf(service.pid!)).length >= 2 ? true : undefined));
    const out = join(dir, 'busy');
    const r = await runCli([
      'attach',
      '--pid',
      String(service.pid),
      '--workload-url',
      `http://127.0.0.1:${port}/orders/{i}`,
      '--requests',
      '50',
      '--cycles',
      '3',
      '--out',
      out,
      '-q',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
    assert.equal(report.target.pid, service.pid);
    assert.doesNotMatch(report.target.endpoint, /:9229\//);
    assert.equal(report.verdict, 'leak', report.summary);
  });

  test('with 127.0.0.1:9229 taken, a process that can only open 9229 is refused in a sentence, never swapped for the holder', async () => {
    await busy9229();
    const port = await freePort();
    const service = start(process.execPath, [SERVER], { PORT: String(port) });
    await until('the service', () => answers(`http://127.0.0.1:${port}/health`));
    const r = await runCli(['memory', '--pid', String(service.pid)]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`PID ${service.pid} could not open its inspector: port 9229, where SIGUSR1 opens it, is taken by PID \\d+`),
    );
    assert.equal(service.exitCode, null, 'the service still runs');
  });
});
