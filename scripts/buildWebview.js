#!/usr/bin/env node
// Bundles the panel UI (webview/main.ts, d3 included) into dist/webview.js for the VS Code webview.
// One IIFE for the browser: the webview loads it with a nonce and nothing from the network.
// `node scripts/buildWebview.js` (add `--watch` while working on the panel).
'use strict';
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const options = {
  entryPoints: [join(root, 'webview', 'main.ts')],
  outfile: join(root, 'dist', 'webview.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome120'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

async function main() {
  if (process.argv.includes('--watch')) {
    const context = await esbuild.context(options);
    await context.watch();
    process.stderr.write('buildWebview: watching webview/ for changes\n');
    return;
  }
  await esbuild.build(options);
}

main().catch((err) => {
  process.stderr.write(`buildWebview: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
