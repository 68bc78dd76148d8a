import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/cli';

/**
 * The layers of docs/ARCHITECTURE.md, imported downward only, from layers.json (which ESLint
 * reads too). Each folder of src/ may import the folders listed for it (and itself); only the
 * hosts may touch `vscode`, and the core never prints or exits. webview/ may import from src/
 * only the modules listed for it, some of them for their types only.
 */
const LAYERS = JSON.parse(readFileSync(join(REPO_ROOT, 'layers.json'), 'utf8')) as {
  allowed: Record<string, string[]>;
  core: string[];
  hosts: string[];
  webview: { modules: string[]; types: string[] };
};
const ALLOWED = LAYERS.allowed;
const CORE = LAYERS.core;
const HOSTS = LAYERS.hosts;

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
  for (const f of files)
    assert.ok(f.layer in ALLOWED, `${relative(REPO_ROOT, f.path)} is outside the layers of layers.json (docs/ARCHITECTURE.md)`);
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
    if (!HOSTS.includes(f.layer) && /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(code))
      problems.push(`${relative(REPO_ROOT, f.path)} imports vscode`);
    if (CORE.includes(f.layer) && /\bconsole\.|process\.exit|process\.std(out|err)/.test(code))
      problems.push(`${relative(REPO_ROOT, f.path)} prints or exits`);
  }
  assert.deepEqual(problems, []);
});

/** The module a relative import names: `x.ts`, or `x/index.ts`. */
function resolveImport(from: string, spec: string): string | undefined {
  const base = join(from, '..', spec);
  return [`${base}.ts`, join(base, 'index.ts')].find((p) => files.some((f) => f.path === p));
}

/** Every cycle a depth-first walk meets in `graph`, each as `a → b → a`. */
function cyclesOf(graph: Map<string, string[]>, name: (node: string) => string = (node) => node): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (node: string, stack: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      cycles.push([...stack.slice(stack.indexOf(node)), node].map(name).join(' → '));
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) visit(next, [...stack, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return cycles;
}

test('the layer table names only its own layers and has no cycle', () => {
  // Checked on the table, not only on today's imports: two layers allowed to import each other
  // are a cycle waiting for its first file.
  const unknown = Object.entries(ALLOWED).flatMap(([layer, below]) => below.filter((l) => !(l in ALLOWED)).map((l) => `${layer} → ${l}`));
  assert.deepEqual(unknown, []);
  assert.deepEqual(cyclesOf(new Map(Object.entries(ALLOWED))), []);
});

test('no import cycles (type-only imports included)', () => {
  const graph = new Map(
    files.map((f) => [
      f.path,
      [...f.text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)]
        .map(([, spec]) => resolveImport(f.path, spec))
        .filter((p): p is string => Boolean(p)),
    ]),
  );
  assert.deepEqual(
    cyclesOf(graph, (p) => relative(SRC, p)),
    [],
  );
});

test('webview/ imports from src/ only what layers.json lists for it', () => {
  const WEBVIEW = join(REPO_ROOT, 'webview');
  const problems: string[] = [];
  for (const path of sourceFiles(WEBVIEW)) {
    // Statement by statement (Prettier ends each with a semicolon), so `import type` covers only its own names.
    const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const statement of code.split(';')) {
      const typeOnly = /^\s*(import|export)\s+type\s/.test(statement);
      for (const [, spec] of statement.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(SRC, join(path, '..', spec)).replace(/\\/g, '/');
        if (target.startsWith('..') || LAYERS.webview.modules.includes(target)) continue;
        if (LAYERS.webview.types.includes(target) && typeOnly) continue;
        problems.push(
          `${relative(REPO_ROOT, path)} imports ${spec}${LAYERS.webview.types.includes(target) ? ' (its types only: import type)' : ''}`,
        );
      }
    }
  }
  assert.deepEqual(problems, []);
});
