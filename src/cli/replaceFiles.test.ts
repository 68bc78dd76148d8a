import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { replaceFiles } from './replaceFiles';

test('replaceFiles writes nothing when any file changed since it was read, and all otherwise', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'leakscope-replace-')));
  try {
    const a = join(dir, 'a.js');
    const b = join(dir, 'b.js');
    writeFileSync(a, 'a1\n');
    writeFileSync(b, 'b1\n');
    const readA = readFileSync(a, 'utf8');
    const readB = readFileSync(b, 'utf8');
    // Saved in an editor while the fix was being worked out.
    writeFileSync(b, 'b1\nsaved meanwhile\n');
    await assert.rejects(
      replaceFiles([
        { file: a, before: readA, after: 'a2\n' },
        { file: b, before: readB, after: 'b2\n' },
      ]),
      /b\.js changed since Leakscope read it, so nothing was written/,
    );
    assert.equal(readFileSync(a, 'utf8'), 'a1\n', 'no partial write');
    assert.equal(readFileSync(b, 'utf8'), 'b1\nsaved meanwhile\n', 'the edit made meanwhile is kept');
    assert.deepEqual(readdirSync(dir).sort(), ['a.js', 'b.js'], 'no temporary file is left');

    await replaceFiles([
      { file: a, before: 'a1\n', after: 'a2\n' },
      { file: b, before: 'b1\nsaved meanwhile\n', after: 'b2\n' },
    ]);
    assert.equal(readFileSync(a, 'utf8'), 'a2\n');
    assert.equal(readFileSync(b, 'utf8'), 'b2\n');
    assert.deepEqual(readdirSync(dir).sort(), ['a.js', 'b.js']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a planted link at the temporary name is not written through', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'leakscope-replace-')));
  try {
    const a = join(dir, 'a.js');
    const victim = join(dir, 'victim');
    writeFileSync(a, 'a1\n');
    writeFileSync(victim, 'keep\n');
    symlinkSync(victim, join(dir, `.a.js.leakscope-${process.pid}.tmp`));
    await assert.rejects(
      replaceFiles([{ file: a, before: 'a1\n', after: 'a2\n' }]),
      /Cannot write .*a\.js \(EEXIST\); nothing was written/,
    );
    assert.equal(readFileSync(victim, 'utf8'), 'keep\n');
    assert.equal(readFileSync(a, 'utf8'), 'a1\n');
    assert.ok(lstatSync(join(dir, `.a.js.leakscope-${process.pid}.tmp`)).isSymbolicLink(), 'the planted link is not ours to remove');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
