#!/usr/bin/env node
// Bundles the extension for VS Code: the extension host entry, the three worker threads it
// starts and the launch preload (each loaded by path beside the bundle, so each needs an entry
// of its own), then the panel UI. `vscode` is provided by the host; everything else, typescript included, is bundled.
'use strict';
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');
const esbuild = require('esbuild');

const root = join(__dirname, '..');

async function main() {
  await esbuild.build({
    entryPoints: {
      extension: join(root, 'src', 'extension', 'extension.ts'),
      graphWorker: join(root, 'src', 'panel', 'graphWorker.ts'),
      edgesWorker: join(root, 'src', 'snapshot', 'edgesWorker.ts'),
      comparableWorker: join(root, 'src', 'analysis', 'comparableWorker.ts'),
      // Loaded by path (NODE_OPTIONS --require) into every Node process a launch starts.
      launchPreload: join(root, 'src', 'inspector', 'launchPreload.ts'),
    },
    outdir: join(root, 'dist'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [join(__dirname, 'buildWebview.js')], { stdio: 'inherit' });
}

main().catch((err) => {
  process.stderr.write(`build: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
