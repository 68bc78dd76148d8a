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

/**
 * For webview/, the panel bundled for the browser: from src/ only the browser-safe modules
 * layers.json names for their values, and the ones that declare what the panel is sent for their
 * types only (typescript-eslint's rule, because the base rule cannot tell `import type` apart).
 */
function webviewRestrictions() {
  const { modules, types } = layers.webview;
  const names = (list) => list.map((m) => `src/${m}`).join(', ');
  return {
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A regex: a gitignore-style negation cannot take back a file whose folder is excluded.
              regex: `(^|/)src/(?!(${[...modules, ...types].join('|')})$)`,
              message: `webview/ may import from src/ only ${names(modules)}, and the types of ${names(types)} (layers.json; docs/ARCHITECTURE.md).`,
            },
            {
              group: types.map((m) => `**/src/${m}`),
              allowTypeImports: true,
              message: `webview/ may import only the types of ${names(types)}: \`import type\` (layers.json; docs/ARCHITECTURE.md).`,
            },
          ],
        },
      ],
    },
  };
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
  webviewRestrictions(),
  {
    files: layers.core.map((layer) => `src/${layer}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error', 'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'The core never exits: throw a LeakscopeError.' }] },
  },
);
