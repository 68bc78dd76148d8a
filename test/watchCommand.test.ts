import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/inspector/freePort';
import { launchUnderInspector } from '../src/inspector/launch';
import type { WatchResult } from '../src/session/watch';
import { REPO_ROOT, runCli } from './helpers/cli';

/** `leakscope watch` on fixture apps under traffic the test sends while it watches, as real users would. */
const app = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'apps', name);
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-watch-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function watch(script: string, args: string[]): Promise<{ result: WatchResult; code: number | null; stderr: string }> {
  const port = await freePort();
  const target = await launchUnderInspector(process.execPath, [app(script)], { env: { PORT: String(port) } });
  let running = true;
  const traffic = (async () => {
    while (running) {
      await fetch(`http://127.0.0.1:${port}/work`)
        .then((r) => r.text())
        .catch(() => undefined);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  try {
    const r = await runCli([
      'watch',
      new URL(target.webSocketUrl).host,
      '--interval',
      '1s',
      '--sampling-interval',
      '4096',
      '--out',
      dir,
      '--json',
      '-q',
      ...args,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return { result: JSON.parse(r.stdout) as WatchResult, code: r.code, stderr: r.stderr };
  } finally {
    running = false;
    await traffic;
    await target.stop();
  }
}

describe('leakscope watch', () => {
  test('names the allocation site whose surviving memory keeps growing under traffic', async () => {
    const { result } = await watch('sessionStore.js', ['--for', '12s']);
    assert.ok(result.samples.length >= 8, String(result.samples.length));
    const finding = result.findings.find((f) => f.source?.file.endsWith('sessionStore.js'));
    assert.ok(finding, JSON.stringify(result.findings.map((f) => f.title)));
    // A leak this fast may also end the watch as a sustained trend, with a snapshot (it fits).
    if (result.trigger) assert.match(result.trigger, /grew steadily/);
  });

  test('a bounded cache under traffic is quiet', async () => {
    const { result } = await watch('boundedCache.js', ['--for', '10s', '--gc']);
    assert.deepEqual(result.findings, []);
  });

  test('crossing --rss-limit ends the watch, and the capture respects the headroom', async () => {
    const { result } = await watch('sessionStore.js', ['--for', '60s', '--rss-limit', '1M', '--memory-limit', '1M']);
    assert.match(result.trigger ?? '', /over the limit of 1\.0 MiB/);
    assert.equal(result.snapshot?.file, undefined);
    assert.match(result.snapshot!.headroom.reason, /not taken/);
  });
});
