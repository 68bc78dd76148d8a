import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../src/inspector/freePort';
import type { LeakReport } from '../src/report/leakReport';
import { renderReportHtml } from '../src/render/reportHtml';
import { REPO_ROOT, runCli } from './helpers/cli';

/** report.html as a reviewer reads it, from a real leak check of the sample service. */
let dir: string;
let report: LeakReport;
let html: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leakscope-html-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, 'run');
  const r = await runCli(
    [
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
      '-q',
      '--',
      process.execPath,
      join(REPO_ROOT, 'samples', 'leakyServer.js'),
    ],
    { env: { PORT: String(port) } },
  );
  assert.ok(r.code === 0 || r.code === 3, r.stderr);
  report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
  html = readFileSync(join(out, 'report.html'), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const body = () => html.slice(0, html.indexOf('<script type="application/json"'));

test("the groups that matter lead; the runtime's own are folded in one closed <details>", () => {
  const cards = [...body().matchAll(/<h3 id="group-\d+">\d+\. Held by <code>([^<]*)<\/code>/g)].map((m) => m[1]);
  assert.ok(cards.length >= 2, `cards: ${cards.join(' | ')}`);
  assert.ok(cards.length < report.diff.groups.length, 'some groups are folded');
  for (const holder of cards)
    assert.doesNotMatch(
      holder,
      /compiled code|object shape|Startup object cache|Global handles/,
      `a runtime group leads: ${cards.join(' | ')}`,
    );
  assert.match(cards.slice(0, 2).join(' '), /summaryCache/);
  assert.match(cards.slice(0, 2).join(' '), /recentRequests/);
  assert.match(
    body(),
    /<details class="folded">\n<summary>\d+ more groups? of the runtime's own objects \([^)]*\), [^<]+ retained<\/summary>/,
  );
});

test('the memory section has a static per-cycle chart: one point per sample, no script', () => {
  const svg = /<figure class="memory-chart"><svg[\s\S]*?<\/figure>/.exec(body())?.[0];
  assert.ok(svg, 'a chart');
  assert.doesNotMatch(svg, /<script|\son[a-z]+=|href=/i);
  assert.equal((svg.match(/<circle class="point rss"/g) ?? []).length, report.memory.samples.length);
  assert.ok(body().indexOf('<h2>Memory</h2>') < body().indexOf('<figure class="memory-chart">'));
  assert.ok(body().indexOf('<figure class="memory-chart">') < body().indexOf('<h2>Snapshots</h2>'));
});

test('the snapshots table lists the mid snapshot between baseline and after', () => {
  assert.ok(report.snapshots.mid, 'the check took a mid snapshot');
  const table = /<table aria-label="Snapshots">[\s\S]*?<\/table>/.exec(body())?.[0] ?? '';
  const roles = [...table.matchAll(/<tr data-index="\d+"><td>(\w+)<\/td><td><code>([^<]*)<\/code>/g)].map((m) => m[1]);
  assert.deepEqual(roles, ['baseline', 'mid', 'after']);
  assert.match(table, /mid\.heapsnapshot/);
});

test("a class's retained size never exceeds its group's", () => {
  const group = {
    ...report.diff.groups[0],
    classes: [{ className: 'Inflated', count: 3, retainedSize: report.diff.groups[0].retainedSize * 4 }],
  };
  const page = renderReportHtml({ ...report, diff: { ...report.diff, groups: [group] } });
  const row = /<td><code>Inflated<\/code><\/td><td class="num">3<\/td><td class="num">([^<]+)<\/td>/.exec(page);
  assert.ok(row, 'the class row');
  assert.match(page, new RegExp(`<strong>${row[1].replace(/[.+]/g, '\\$&')}</strong> retained`));
});
