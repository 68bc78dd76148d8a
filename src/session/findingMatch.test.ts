import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ts from 'typescript';
import type { Finding } from '../analysis/types';
import { handMadeFinding } from '../../test/helpers/handMadeReport';
import { applyEdits } from '../fixes';
import { codeSources, firstFix, matchFinding } from './findingMatch';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'fixes', 'bound-cache');

let top: string;
let root: string;
before(() => {
  top = realpathSync(mkdtempSync(join(tmpdir(), 'leakscope-match-')));
  root = join(top, 'root');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'package.json'), '{\n  "name": "project"\n}\n');
});
after(() => rmSync(top, { recursive: true, force: true }));

function cacheFinding(source?: Finding['source']): Finding {
  return handMadeFinding({
    kind: 'unbounded-collection',
    title: 'profiles (Map) gains entries every cycle',
    path: ['server (closure)', 'profiles (Map)'],
    fix: { id: 'bound-cache', summary: 'Bound it.' },
    ...(source ? { source } : {}),
  });
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('a location in compiled JavaScript is matched in the .ts it came from, also when the report names another machine', () => {
  const source = readFileSync(join(FIXTURES, 'before.ts'), 'utf8');
  const out = ts.transpileModule(source, {
    fileName: 'cache.ts',
    compilerOptions: { sourceMap: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceRoot: '../src' },
  });
  writeFileSync(join(root, 'src', 'cache.ts'), source);
  writeFileSync(join(root, 'dist', 'cache.js'), out.outputText);
  writeFileSync(join(root, 'dist', 'cache.js.map'), out.sourceMapText!);
  const jsLine = lineOf(out.outputText, 'profiles.set');
  const jsColumn = out.outputText.split('\n')[jsLine - 1].indexOf('profiles.set') + 1;
  assert.notEqual(jsLine, lineOf(source, 'profiles.set'), 'the compiled line differs, so the map is what moves it');

  // Here, and from a container whose project sat in /app.
  for (const file of [join(root, 'dist', 'cache.js'), '/app/dist/cache.js']) {
    const match = matchFinding(cacheFinding({ file, line: jsLine, column: jsColumn, role: 'holder' }), codeSources(root, undefined));
    assert.equal(match.location?.file, join(root, 'src', 'cache.ts'), file);
    assert.equal(match.location?.line, lineOf(source, 'profiles.set'), file);
    const fix = firstFix(match);
    assert.ok(fix, `${file}: ${match.unfixed}`);
    assert.equal(fix.file, join(root, 'src', 'cache.ts'));
    assert.equal(fix.diagnostic.ruleId, 'bound-cache');
    assert.equal(fix.reason, 'holder');
    assert.match(applyEdits(source, fix.fix.edits), /new LRUCache/);
    assert.equal(match.unfixed, undefined);
  }
});

test('a location outside the root is refused, naming it, and its file is not read', () => {
  const outside = join(top, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'x.js'), readFileSync(join(FIXTURES, 'before.js'), 'utf8'));
  const read: string[] = [];
  const sources = codeSources(root, undefined, { read: (file) => void read.push(file) });
  for (const file of [join(outside, 'x.js'), '../outside/x.js', `file://${join(outside, 'x.js')}`]) {
    assert.throws(
      () => matchFinding(cacheFinding({ file, line: 11, column: 5, role: 'holder' }), sources),
      /outside[/]x\.js is outside the project folder/,
      file,
    );
  }
  assert.deepEqual(read, []);
  // A finding no rule answers is only pointed at: nothing of it is read, so nothing is refused.
  const unanswered: Finding = {
    ...cacheFinding({ file: join(outside, 'x.js'), line: 11, column: 5, role: 'holder' }),
    fix: { id: 'redis-backpressure', summary: 'Look.' },
  };
  const match = matchFinding(unanswered, sources);
  assert.deepEqual(match.matches, []);
  assert.equal(match.location?.file, join(outside, 'x.js'));
  assert.match(match.unfixed ?? '', /No quick-fix rule answers/);
});

test('a location in an installed package is fixed in the scripts the check launched', () => {
  mkdirSync(join(root, 'node_modules', 'lib'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'lib', 'index.js'), 'module.exports = new Map();\n');
  writeFileSync(join(root, 'src', 'server.js'), readFileSync(join(FIXTURES, 'before.js'), 'utf8'));
  const finding = cacheFinding({ file: join(root, 'node_modules', 'lib', 'index.js'), line: 1, column: 1, role: 'holder' });
  finding.path = ['summaries (Map)'];
  const match = matchFinding(finding, codeSources(root, ['node', 'src/server.js']));
  assert.equal(match.location?.file, join(root, 'node_modules', 'lib', 'index.js'));
  assert.deepEqual(
    match.matches.map((m) => [m.file, m.reason]),
    [[join(root, 'src', 'server.js'), 'holder']],
  );
  // Without the command line there is nowhere to look.
  assert.match(matchFinding(finding, codeSources(root, undefined)).unfixed ?? '', /names no script to look in/);
});
