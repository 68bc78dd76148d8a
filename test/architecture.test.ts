import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/cli';

/**
 * The layers of ../shared/DESIGN.md, imported downward only. Each folder of src/ may import
 * the folders listed for it (and itself); only the hosts may touch `vscode`, and the core
 * never prints or exits.
 */
const ALLOWED: Record<string, string[]> = {
  common: [],
  snapshot: ['common'],
  memory: ['common'],
  fixes: ['common'],
  analysis: ['common', 'snapshot', 'memory'],
  report: ['common', 'snapshot', 'memory', 'analysis'],
  inspector: ['common', 'snapshot', 'memory'],
  // `fixes` reads the user's code: the session uses it to point findings at the statement that inserts.
  session: ['common', 'snapshot', 'memory', 'analysis', 'report', 'inspector', 'fixes'],
  cli: ['common', 'snapshot', 'memory', 'analysis', 'report', 'inspector', 'session', 'fixes'],
  // The adapter runs inline in the extension host, so the extension constructs it; never the reverse.
  extension: ['common', 'snapshot', 'memory', 'analysis', 'report', 'inspector', 'session', 'fixes', 'debug-adapter'],
  'debug-adapter': ['common', 'snapshot', 'memory', 'analysis', 'report', 'inspector', 'session'],
  /** `leakscope/test`: a library for test runners, so it neither prints nor exits either. */
  testApi: ['common', 'snapshot', 'memory', 'analysis', 'report', 'inspector', 'session'],
};
const CORE = ['common', 'snapshot', 'memory', 'fixes', 'analysis', 'report', 'testApi'];
const HOSTS = ['cli', 'extension', 'debug-adapter'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

const SRC = join(REPO_ROOT, 'src');
const files = sourceFiles(SRC).map((path) => ({ path, layer: relative(SRC, path).split(/[\\/]/)[0], text: readFileSync(path, 'utf8') }));

test('every source file sits in a known layer', () => {
  for (const f of files) assert.ok(f.layer in ALLOWED, `${relative(REPO_ROOT, f.path)} is outside the layers of DESIGN.md`);
});

test('layers import only the layers below them', () => {
  const problems: string[] = [];
  for (const f of files) {
    for (const [, spec] of f.text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = relative(SRC, join(f.path, '..', spec)).split(/[\\/]/)[0];
      if (target.startsWith('..') || target === f.layer) continue;
      if (!ALLOWED[f.layer]?.includes(target)) problems.push(`${relative(REPO_ROOT, f.path)} imports ${spec} (${target})`);
    }
  }
  assert.deepEqual(problems, []);
});

test('only the hosts import vscode; the core neither prints nor exits', () => {
  const problems: string[] = [];
  for (const f of files) {
    const code = f.text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    if (!HOSTS.includes(f.layer) && /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(code)) problems.push(`${relative(REPO_ROOT, f.path)} imports vscode`);
    if (CORE.includes(f.layer) && /\bconsole\.|process\.exit|process\.std(out|err)/.test(code)) problems.push(`${relative(REPO_ROOT, f.path)} prints or exits`);
  }
  assert.deepEqual(problems, []);
});
