import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLeakscopeError } from '../common/errors';
import { dependencyChange, missingDependencies } from './packageDependencies';

/** The one path from a fix's packages to its package.json, for `leakscope fix --write` and the editor's Apply fix. */
test('dependencyChange adds what the nearest package.json lacks, inside the root only', () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'leakscope-deps-')));
  try {
    const root = join(top, 'app');
    mkdirSync(join(root, 'src'), { recursive: true });
    const manifest = join(root, 'package.json');
    writeFileSync(manifest, '{\n    "name": "app",\n    "dependencies": {\n        "express": "^4.0.0"\n    }\n}\n');
    const file = join(root, 'src', 'server.js');
    writeFileSync(file, '');
    const change = dependencyChange(file, { 'lru-cache': '^11.0.0', express: '^4.0.0' }, root);
    assert.equal(change?.manifestPath, manifest);
    assert.deepEqual(JSON.parse(change!.after).dependencies, { express: '^4.0.0', 'lru-cache': '^11.0.0' });
    assert.match(change!.after, /^\{\n {4}"name"/);
    assert.equal(dependencyChange(file, { express: '^4.0.0' }, root), null);
    assert.equal(dependencyChange(file, {}, root), null);
    // The nearest package.json lies above the root: refused, as every file a fix touches outside it is.
    writeFileSync(join(top, 'package.json'), '{}\n');
    rmSync(manifest);
    assert.throws(() => dependencyChange(file, { 'lru-cache': '^11.0.0' }, root), /outside the project folder/);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('a package.json that is not JSON, not an object, or has a dependency section that is no object is refused in one sentence naming it', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'leakscope-deps-')));
  try {
    const manifest = join(root, 'package.json');
    const file = join(root, 'server.js');
    writeFileSync(file, '');
    const refused = (e: unknown) =>
      isLeakscopeError(e) && e.message.startsWith(`${manifest} `) && /cannot tell which packages it lists/.test(e.message);
    for (const text of [
      '{"name": "app",',
      'null',
      '["lru-cache"]',
      '{"dependencies": ["lru-cache"]}',
      '{"devDependencies": "lru-cache"}',
    ]) {
      writeFileSync(manifest, text);
      assert.throws(() => dependencyChange(file, { 'lru-cache': '^11.0.0' }, root), refused, text);
      assert.throws(() => missingDependencies(manifest, { 'lru-cache': '^11.0.0' }), refused, text);
    }
    // A null section is no section; a name listed in any section counts, however odd its range.
    writeFileSync(manifest, '{"dependencies": null, "peerDependencies": {"express": 4}}');
    assert.deepEqual(missingDependencies(manifest, { express: '^4.0.0', 'lru-cache': '^11.0.0' }), { 'lru-cache': '^11.0.0' });
    assert.deepEqual(JSON.parse(dependencyChange(file, { 'lru-cache': '^11.0.0' }, root)!.after).dependencies, { 'lru-cache': '^11.0.0' });
    // Only the section's own keys are packages: "constructor" is not listed by an empty section.
    writeFileSync(manifest, '{"dependencies": {}}');
    assert.deepEqual(missingDependencies(manifest, { constructor: '1.0.0' }), { constructor: '1.0.0' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
