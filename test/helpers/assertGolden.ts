import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Test support: compares rendered output with a file under test/golden/. `UPDATE_GOLDEN=1` rewrites
// the files instead, after which `git diff test/golden` is the review of a rendering change.

/** The repository root: compiled tests run from out/…, so walk up to the package.json. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export function assertGolden(name: string, actual: string): void {
  const file = join(repoRoot(), 'test', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) assert.fail(`missing golden file ${file}; run the tests with UPDATE_GOLDEN=1 to create it`);
  const expected = readFileSync(file, 'utf8');
  assert.equal(actual, expected, `output differs from ${file}; if the change is intended, rerun with UPDATE_GOLDEN=1`);
}
