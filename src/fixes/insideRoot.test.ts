import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { insideRoot } from './insideRoot';
import { locateSource } from './locateSource';

/** The one check both `leakscope fix` and the editor's Apply fix pass every path through. */
test('insideRoot gives the real path inside the root and refuses every way out', () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'leakscope-inside-')));
  try {
    const root = join(top, 'root');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(top, 'out'));
    writeFileSync(join(root, 'src', 'a.js'), '');
    writeFileSync(join(top, 'out', 'x.js'), '');
    symlinkSync(join(root, 'src', 'a.js'), join(root, 'in.js'));
    symlinkSync(join(top, 'out', 'x.js'), join(root, 'out.js'));
    symlinkSync(join(top, 'out'), join(root, 'outdir'));
    symlinkSync(root, join(top, 'rootlink'));

    assert.equal(insideRoot('src/a.js', root), join(root, 'src', 'a.js'));
    assert.equal(insideRoot(join(root, 'in.js'), root), join(root, 'src', 'a.js'), 'a link inside is followed to its target');
    assert.equal(insideRoot('src/new.js', root), join(root, 'src', 'new.js'), 'a file not yet there is judged by its folder');
    assert.equal(
      insideRoot('src/a.js', join(top, 'rootlink')),
      join(root, 'src', 'a.js'),
      'a root reached through a link is its real folder',
    );
    const refused = (path: string, pattern: RegExp) =>
      assert.throws(
        () => insideRoot(path, root),
        (e: Error) => e.name === 'LeakscopeError' && pattern.test(e.message) && /is outside the project folder/.test(e.message),
      );
    refused('../out/x.js', /\.\.\/out\/x\.js/);
    refused(join(top, 'out', 'x.js'), /out\/x\.js/);
    refused(join(root, 'out.js'), /out\.js .*leads to .*out\/x\.js/);
    refused('outdir/x.js', /outdir\/x\.js .*leads to .*out\/x\.js/);
    refused('outdir/new.js', /leads to .*out\/new\.js/);
    refused('/etc/passwd', /\/etc\/passwd/);
    refused(join(root, '..', 'rootx'), /rootx/);

    // A file:// URL in a report resolves to its path, which is then refused like any other.
    const location = locateSource({ source: { file: pathToFileURL(join(top, 'out', 'x.js')).href, line: 1, column: 1 } }, root);
    assert.equal(location?.file, join(top, 'out', 'x.js'));
    refused(location!.file, /out\/x\.js/);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
