// Lint for the TypeScript sources. The layer rules come from layers.json, the same table
// test/architecture.test.ts checks, so the editor shows a wrong-way import as it is typed.
import js from '@eslint/js';
import { readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const layers = JSON.parse(readFileSync(new URL('./layers.json', import.meta.url), 'utf8'));
const all = Object.keys(layers.allowed);

/** For one layer: every other layer it may not import, as relative-path patterns, and vscode outside the hosts. */
function layerRestrictions(layer) {
  const forbidden = all.filter((other) => other !== layer && !layers.allowed[layer].includes(other));
  const patterns = forbidden.map((other) => ({
    group: [`**/${other}`, `**/${other}/**`],
    message: `src/${layer} may not import src/${other} (layers.json; docs/ARCHITECTURE.md).`,
  }));
  const paths = layers.hosts.includes(layer) ? [] : [{ name: 'vscode', message: 'Only the hosts (src/extension, src/debug-adapter) use the VS Code API.' }];
  return { files: [`src/${layer}/**/*.ts`], ignores: ['**/*.test.ts'], rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/peers/**', 'test/fixtures/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Hosts load command modules lazily with require() so a command pays only for what it runs.
      '@typescript-eslint/no-require-imports': 'off',
      // tsc already reports unused names (noUnusedLocals/noUnusedParameters).
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      // Escaping the target's control characters means matching them.
      'no-control-regex': 'off',
      // The engine declares the WebAssembly API it uses (lib is ES2022, without the DOM's) in a .d.ts it references.
      '@typescript-eslint/triple-slash-reference': ['error', { path: 'always', types: 'prefer-import', lib: 'always' }],
    },
  },
  ...all.map(layerRestrictions),
  {
    files: layers.core.map((layer) => `src/${layer}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error', 'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'The core never exits: throw a LeakscopeError.' }] },
  },
);
