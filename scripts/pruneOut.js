#!/usr/bin/env node
// Removes what tsc emitted into out/ for sources that no longer exist. tsc never deletes: after a
// file is moved or renamed its old .js stays, and `node --test out/` would still run a deleted test.
'use strict';
const { existsSync, readdirSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'out');
const EMITTED = /(\.d\.ts|\.js\.map|\.js)$/;

function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    const match = EMITTED.exec(entry.name);
    if (!match) continue;
    const source = join(root, relative(out, path)).slice(0, -match[1].length);
    if (!existsSync(`${source}.ts`) && !existsSync(`${source}.tsx`)) rmSync(path);
  }
}

if (existsSync(out)) prune(out);
