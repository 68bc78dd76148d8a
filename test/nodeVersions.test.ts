import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/inspector/freePort';
import type { LeakReport } from '../src/report/leakReport';
import { BIN, REPO_ROOT, runNode } from './helpers/cli';
import { nodeMissing, supportedNodes } from './helpers/nodeVersions';

/**
 * The capture, the engine and the leak check on every supported Node: the CLI runs on that
 * version and launches the target on it, so the inspector protocol, the snapshot format and
 * node:inspector (checkLeaks) are each exercised per version.
 */
const missing = supportedNodes().map(nodeMissing).filter(Boolean);
if (missing.length && !process.env.LEAKSCOPE_SKIP_E2E)
  throw new Error(`${missing.join('; ')}. (npm test installs them; LEAKSCOPE_SKIP_E2E=1 skips these tests.)`);

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-nodes-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const node of supportedNodes()) {
  describe(`on Node ${node.major}`, { skip: nodeMissing(node) }, () => {
    test("leakscope run names the sample service's leaking holders", async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const out = join(dir, `run-${node.major}`);
      const r = await runNode(
        [
          BIN,
          'run',
          '--workload-url',
          `${base}/orders`,
          '--requests',
          '100',
          '--ready-url',
          `${base}/health`,
          '--cycles',
          '3',
          '--out',
          out,
          '--',
          node.bin,
          join(REPO_ROOT, 'samples', 'leakyServer.js'),
        ],
        { node: node.bin, env: { PORT: String(port) } },
      );
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
      assert.equal(report.verdict, 'leak');
      const holders = report.findings.map((f) => f.path.at(-1) ?? '');
      assert.ok(
        holders.some((h) => h.startsWith('summaryCache')),
        `holders: ${holders.join(', ')}`,
      );
      assert.ok(
        holders.some((h) => h.startsWith('recentRequests')),
        `holders: ${holders.join(', ')}`,
      );
      assert.equal(report.diff.classes.find((c) => c.className === 'OrderSummary')?.newCount, 300);
    });

    test('checkLeaks fails a leaky handler in node:test, naming its holder', async () => {
      const r = await runNode(['--test', '--test-reporter=spec', join(REPO_ROOT, 'test', 'fixtures', 'testApi', 'leakyHandler.mjs')], {
        node: node.bin,
        env: { NODE_TEST_CONTEXT: undefined },
      });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /\[unbounded-collection\] auditTrail \(Array\) is pushed to every cycle and never trimmed/);
    });
  });
}
