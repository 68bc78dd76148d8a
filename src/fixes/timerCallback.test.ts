import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timerDropsFrom } from './timerCallback';

/** The one-based position of the first `marker` in `text`. */
function at(text: string, marker: string): [number, number] {
  const before = text.slice(0, text.indexOf(marker)).split('\n');
  return [before.length, before[before.length - 1].length + 1];
}

test('a callback that deletes from the holder, by any of the ways code drops an entry', () => {
  const cases: Array<[string, string]> = [
    [
      'const store = new Map();\nfunction put(k, v) {\n  store.set(k, v);\n  setTimeout(() => store.delete(k), 1000);\n}\n',
      'store.delete(k)',
    ],
    ['const seen = {};\nfunction put(k) {\n  seen[k] = 1;\n  setTimeout(function () { delete seen[k]; }, 1000);\n}\n', 'delete seen[k]'],
    [
      'class Cache {\n  items = [];\n  add(x) {\n    this.items.push(x);\n    setTimeout(() => this.items.splice(this.items.indexOf(x), 1), 5);\n  }\n}\n',
      'this.items.splice(this.items.indexOf(x), 1)',
    ],
  ];
  for (const [text, statement] of cases) {
    const [line, column] = at(text, statement.startsWith('delete') ? 'function ()' : '() =>');
    const found = timerDropsFrom('a.js', text, line, column, ['store', 'seen', 'items']);
    assert.equal(found?.text, statement, text);
  }
});

test('one call deep: the callback hands the key to a function of the file that drops it', () => {
  const text =
    'class Sessions {\n  constructor() { this.byId = new Map(); }\n  open(id) {\n    this.byId.set(id, {});\n    setTimeout(() => this.expire(id), 60_000);\n  }\n  expire(id) {\n    this.byId.delete(id);\n  }\n}\n';
  const [line, column] = at(text, '() => this.expire');
  assert.equal(timerDropsFrom('s.ts', text, line, column, ['byId'])?.line, 8);
});

test('a callback that drops nothing, or drops from another collection, is no expiry of the holder', () => {
  const text =
    'const pending = new Map();\nconst other = new Set();\nfunction handle(req, res) {\n  pending.set(req.id, res);\n  setTimeout(() => res.end("late"), 30_000);\n  setTimeout(() => other.delete(req.id), 30_000);\n}\n';
  const [line, column] = at(text, '() => res.end');
  assert.equal(timerDropsFrom('h.js', text, line, column, ['pending']), undefined);
  const [line2, column2] = at(text, '() => other.delete');
  assert.equal(timerDropsFrom('h.js', text, line2, column2, ['pending']), undefined);
  // Asked about any collection (the timer list's own Timeouts), dropping from `other` is an expiry.
  assert.equal(timerDropsFrom('h.js', text, line2, column2, undefined)?.text, 'other.delete(req.id)');
});
