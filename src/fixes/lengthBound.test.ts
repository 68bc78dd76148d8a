import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lengthBoundAt } from './lengthBound';

const at = (text: string, marker: string): [number, number] => {
  const before = text.slice(0, text.indexOf(marker)).split('\n');
  return [before.length, before[before.length - 1].length + 1];
};

test('an array trimmed to a length beside its insert is bounded, with the length when the code names it', () => {
  const cases: Array<[string, number | undefined]> = [
    ['const recent = [];\nfunction keep(p) {\n  recent.push(p);\n  if (recent.length > 20) recent.shift();\n}\n', 20],
    [
      'const MAX_LOG = 1_000;\nconst log = [];\nfunction add(e) {\n  while (log.length >= MAX_LOG) log.splice(0, 1);\n  log.push(e);\n}\n',
      1000,
    ],
    [
      'class W {\n  items = [];\n  add(x) {\n    this.items.push(x);\n    if (this.limit < this.items.length) {\n      this.items.length = this.limit;\n    }\n  }\n}\n',
      undefined,
    ],
  ];
  for (const [text, limit] of cases) {
    const marker = text.includes('recent.push') ? 'recent.push' : text.includes('log.push') ? 'log.push' : 'this.items.push';
    const name = marker.split('.').at(-2)!;
    const bound = lengthBoundAt('a.ts', text, ...at(text, marker), name);
    assert.ok(bound, text);
    assert.equal(bound.limit, limit, text);
  }
});

test('a trim elsewhere (a reset nobody calls), a test of another array, or no trim at all is no bound', () => {
  const text =
    'const jobs = [];\nconst other = [];\nfunction run(j) {\n  jobs.push(j);\n  if (other.length > 10) other.shift();\n  if (jobs.length > 10) console.log("many");\n}\nfunction reset() {\n  if (jobs.length > 0) jobs.length = 0;\n}\n';
  assert.equal(lengthBoundAt('b.js', text, ...at(text, 'jobs.push'), 'jobs'), undefined);
});
