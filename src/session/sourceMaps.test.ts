import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import ts from 'typescript';
import { encodedSourceMap, SourceMaps, sourceMappingUrlOf } from './sourceMaps';

const SOURCE = [
  'interface Row {',
  '  id: number;',
  '}',
  '',
  'const rows: Row[] = [];',
  'export function add(id: number): void {',
  '  rows.push({ id });',
  '}',
  '',
].join('\n');

/** Real maps, from the real compiler: a file beside the script, or inline. */
function compile(inline: boolean): { js: string; map?: string } {
  const out = ts.transpileModule(SOURCE, {
    fileName: 'rows.ts',
    compilerOptions: { sourceMap: !inline, inlineSourceMap: inline, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  return { js: out.outputText, map: out.sourceMapText };
}

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'leakscope-maps-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lineIn = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('a .map file beside the script and an inline map both lead back to the .ts line', () => {
  withDir((dir) => {
    for (const inline of [false, true]) {
      const { js, map } = compile(inline);
      mkdirSync(join(dir, String(inline)), { recursive: true });
      const script = join(dir, String(inline), 'rows.js');
      writeFileSync(script, js);
      if (map) writeFileSync(`${script}.map`, map);
      writeFileSync(join(dir, String(inline), 'rows.ts'), SOURCE);
      const line = lineIn(js, 'rows.push');
      const column = js.split('\n')[line - 1].indexOf('rows.push') + 1;
      for (const file of [script, pathToFileURL(script).href]) {
        const mapped = new SourceMaps().mapLocation({ file, line, column });
        assert.deepEqual(
          mapped && { file: mapped.file, line: mapped.line },
          { file: join(dir, String(inline), 'rows.ts'), line: lineIn(SOURCE, 'rows.push') },
          `inline: ${inline}, ${file}`,
        );
      }
    }
  });
});

test("the inspector's sourceMapURL wins over the file, as for code tsx transforms on load", () => {
  const { js } = compile(true);
  const reference = sourceMappingUrlOf(js)!;
  assert.match(reference, /^data:application\/json;base64,/);
  // The script on disk is the .ts itself (no comment); the map only comes from the inspector.
  const maps = new SourceMaps({ sourceMapUrl: (url) => (url === 'file:///srv/rows.ts' ? reference : undefined), readFile: () => SOURCE });
  const line = lineIn(js, 'rows.push');
  assert.equal(maps.mapLocation({ file: 'file:///srv/rows.ts', line, column: 3 })?.line, lineIn(SOURCE, 'rows.push'));
});

test('broken, hostile or missing maps are no maps', () => {
  withDir((dir) => {
    const cases: Record<string, string> = {
      'a.js': 'x()\n//# sourceMappingURL=a.js.map',
      'a.js.map': '{not json',
      'b.js': 'x()\n//# sourceMappingURL=b.js.map',
      'b.js.map': JSON.stringify({ version: 3, sources: ['b.ts'], mappings: '!!!!;;;;%%%' }),
      'c.js': 'x()\n//# sourceMappingURL=data:application/json;base64,@@@@',
      'd.js': 'x()\n//# sourceMappingURL=missing.map',
      'e.js': 'x()\n//# sourceMappingURL=https://example.com/e.map',
      'f.js': 'x()\n//# sourceMappingURL=f.js.map',
      'f.js.map': JSON.stringify({ version: 3, sources: null, mappings: 5 }),
    };
    for (const [name, text] of Object.entries(cases)) writeFileSync(join(dir, name), text);
    const maps = new SourceMaps();
    for (const name of ['a.js', 'c.js', 'd.js', 'e.js', 'f.js', 'nowhere.js']) {
      assert.equal(maps.mapLocation({ file: join(dir, name), line: 1, column: 1 }), undefined, name);
    }
    // Garbage mappings decode to something or nothing; they never throw, and never leave the map's sources.
    const garbled = maps.mapLocation({ file: join(dir, 'b.js'), line: 1, column: 1 });
    assert.ok(garbled === undefined || garbled.file === join(dir, 'b.ts'));
    assert.equal(maps.mapLocation({ file: 'node:internal/timers', line: 1, column: 1 }), undefined);
  });
});

test('a map is taken only with the fields a source map has, of their types, and copied out of the file', () => {
  const { map } = compile(false);
  const parsed: unknown = JSON.parse(map!);
  const good = encodedSourceMap(parsed);
  assert.ok(good && good.mappings.length > 0 && good.sources.length === 1);
  assert.deepEqual(encodedSourceMap({ version: 3, sources: ['a.ts', null], mappings: 'AAAA' }), {
    version: 3,
    mappings: 'AAAA',
    sources: ['a.ts', null],
    names: [],
    file: undefined,
  });
  for (const bad of [
    null,
    'AAAA',
    [],
    { sources: ['a.ts'] },
    { sources: ['a.ts'], mappings: [[[0, 0, 0, 0]]] },
    { sources: 'a.ts', mappings: 'AAAA' },
    { sources: ['a.ts', 7], mappings: 'AAAA' },
    { sources: ['a.ts'], mappings: 'AAAA', names: [{}] },
    { sources: ['a.ts'], mappings: 'AAAA', sourceRoot: 1 },
    { sources: ['a.ts'], mappings: 'AAAA', file: ['a.js'] },
  ])
    assert.equal(encodedSourceMap(bad), undefined, JSON.stringify(bad));
  // TraceMap takes an object with its private fields set as a TraceMap; the copy leaves them behind.
  const hostile = encodedSourceMap({ version: 3, sources: ['a.ts'], mappings: 'AAAA', _decodedMemo: {}, _decoded: 'x' });
  assert.deepEqual(Object.keys(hostile ?? {}).sort(), ['file', 'mappings', 'names', 'sources', 'version']);
  const maps = new SourceMaps({
    readFile: () =>
      `x()\n//# sourceMappingURL=data:application/json,${encodeURIComponent(JSON.stringify({ sources: ['a.ts'], mappings: 'AAAA', _decodedMemo: 1 }))}`,
  });
  assert.equal(maps.mapLocation({ file: '/srv/a.js', line: 1, column: 1 })?.file, '/srv/a.ts');
});

test("each script's map is read once, and only so many are kept", () => {
  const reads: string[] = [];
  const { js } = compile(true);
  const maps = new SourceMaps({ maxScripts: 2, readFile: (path) => (reads.push(path), js) });
  for (const name of ['/a.js', '/a.js', '/b.js', '/a.js', '/c.js', '/b.js']) maps.mapLocation({ file: name, line: 1, column: 1 });
  assert.deepEqual(reads, ['/a.js', '/b.js', '/c.js', '/b.js']);
});
