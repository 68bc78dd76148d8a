import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findHolderCode } from './holderCode';

const SERVER = `const http = require('node:http');
const summaryCache = new Map();
const bus = new (require('node:events'))();
class Store {
  items = [];
  remember(x) {
    this.items.push(x);
  }
}
function warm() {
  summaryCache.set('warm', 1);
}
http.createServer((req, res) => {
  const key = req.url;
  summaryCache.set(key, { at: Date.now() });
  bus.on('tick', () => res.write('.'));
  index[key] = true;
  res.end();
}).listen(3000);
`;

const at = (needle: string) => {
  const line = SERVER.split('\n').findIndex((l) => l.includes(needle)) + 1;
  return { line, column: SERVER.split('\n')[line - 1].indexOf(needle) + 1 };
};

test('the insertion in the function the heap named comes first, then the declaration', () => {
  const code = findHolderCode('server.js', SERVER, ['summaryCache'], at('(req, res) =>'));
  assert.equal(code?.name, 'summaryCache');
  assert.deepEqual(
    code?.insertions.map((s) => s.text),
    ['summaryCache.set(key, { at: Date.now() })'],
  );
  assert.deepEqual({ line: code?.insertions[0].line, column: code?.insertions[0].column }, at('summaryCache.set(key'));
  assert.equal(code?.declaration?.text, 'const summaryCache = new Map();');
  // Without a function, every insertion in the file.
  assert.equal(findHolderCode('server.js', SERVER, ['summaryCache'])?.insertions.length, 2);
});

test('listeners, members and computed keys; names that are not inserted into are passed over', () => {
  const listener = findHolderCode('server.js', SERVER, ['tick', '_events', 'bus'], at('(req, res) =>'));
  assert.equal(listener?.name, 'bus');
  assert.equal(listener?.insertions[0].text, "bus.on('tick', () => res.write('.'))");
  const member = findHolderCode('server.js', SERVER, ['items']);
  assert.equal(member?.insertions[0].text, 'this.items.push(x)');
  assert.equal(member?.declaration?.text, 'items = [];');
  assert.equal(findHolderCode('server.js', SERVER, ['index'])?.insertions[0].text, 'index[key] = true');
  assert.equal(findHolderCode('server.js', SERVER, ['nothingHere', '(internal) context']), undefined);
});

test('TypeScript is read as TypeScript', () => {
  const text =
    'const cache: Map<string, number> = new Map();\nexport function put(k: string): void {\n  cache.set(k, k.length as number);\n}\n';
  const code = findHolderCode('cache.ts', text, ['cache'], { line: 2, column: 20 });
  assert.equal(code?.insertions[0].line, 3);
  assert.equal(code?.declaration?.line, 1);
});
