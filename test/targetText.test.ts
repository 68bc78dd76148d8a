import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from './helpers/cli';

/**
 * What the target prints and what its heap holds is data: a terminal must not obey it (OSC 8
 * links, clear-screen) and a pull-request comment must not turn it into links or mentions.
 */
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-text-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const OSC8 = '\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07';
const CLEAR = '\x1b[2J\x1b[H';
const C1 = '\x9b31m';

test('the target output lines are shown with their control characters escaped, tabs kept', async () => {
  const script = join(dir, 'noisy.js');
  writeFileSync(
    script,
    `console.error(${JSON.stringify(`${OSC8} and ${CLEAR} and ${C1}\tend`)});\n` +
      // A holder whose heap names carry a URL and a mention, for report.md.
      `class Cache_at_https_www_example {}\nconst held = [];\nglobalThis['@octocat https://evil.example/x www.evil.example #12'] = held;\n` +
      `globalThis.work = () => { for (let i = 0; i < 50; i++) held.push(new Cache_at_https_www_example()); };\n` +
      `setInterval(() => {}, 1000);\n`,
  );
  const out = join(dir, 'out');
  const r = await runCli([
    'run',
    '--workload-expr',
    'work()',
    '--warmup',
    '0',
    '--cycles',
    '2',
    '--out',
    out,
    '--',
    process.execPath,
    script,
  ]);
  assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('[target] '));
  assert.ok(line, r.stderr);
  assert.equal(line, `[target] \\x1b]8;;https://evil.example/\\x07click me\\x1b]8;;\\x07 and \\x1b[2J\\x1b[H and \\x9b31m\tend`);
  assert.doesNotMatch(r.stderr, /\x1b|\x07|\x9b/, 'no raw escape reaches the terminal');

  const md = readFileSync(join(out, 'report.md'), 'utf8');
  // Outside code spans, no mention, URL or issue reference GitHub would make live.
  const prose = md.replace(/(`+)[\s\S]*?\1/g, '');
  assert.doesNotMatch(prose, /(^|[^\w\u2060])@[a-z0-9]/i, 'a live @mention');
  assert.doesNotMatch(prose, /https?:\/\//i, 'a live URL');
  assert.doesNotMatch(prose, /\bwww\./i, 'a live www. link');
  assert.doesNotMatch(prose, /(^|\W)#\d/, 'a live issue reference');
});

test('an exception the target throws reaches the error message escaped', async () => {
  const script = join(dir, 'thrower.js');
  writeFileSync(
    script,
    `globalThis.work = () => { throw new Error(${JSON.stringify(`boom ${OSC8} ${CLEAR}`)}); };\nsetInterval(() => {}, 1000);\n`,
  );
  const r = await runCli([
    'run',
    '--workload-expr',
    'work()',
    '--warmup',
    '0',
    '--cycles',
    '1',
    '--out',
    join(dir, 'thrown'),
    '--',
    process.execPath,
    script,
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /threw in the target: Error: boom \\x1b\]8;;https:\/\/evil\.example\//);
  assert.doesNotMatch(r.stderr, /\x1b|\x07/, 'no raw escape reaches the terminal');
});
