import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RetainerStep } from '../snapshot/types';
import { describeHolder } from './describeHolder';

let id = 1;
const step = (edge: string, edgeType: string, type: string, className: string, name = className): RetainerStep => ({
  edge,
  edgeType,
  node: { id: id++, type, name, className, selfSize: 0, retainedSize: 0, distance: 0 },
});

const SERVER_PATH = [
  step('', 'element', 'synthetic', 'Node / TCPServerWrap'),
  step('(internal) native_to_javascript', 'internal', 'object', 'TCP'),
  step('<symbol owner_symbol>', 'property', 'object', 'Server'),
  step('_events', 'property', 'object', 'Object'),
  step('request', 'property', 'closure', '(closure)', ''),
  step('(internal) context', 'internal', 'object', 'system / Context'),
];

test("the demo's holder reads like the code", () => {
  const path = [...SERVER_PATH, step('summaryCache', 'context', 'object', 'Map')];
  const source = { file: 'samples/leakyServer.js', line: 30, column: 5, role: 'inserts' as const };
  assert.equal(
    describeHolder({ holderPath: path, source }),
    "`summaryCache` (Map), a variable of `samples/leakyServer.js` captured by the Server's `request` listener",
  );
});

test('a property chain from the variable, and a module export', () => {
  const listeners = [
    ...SERVER_PATH,
    step('bus', 'context', 'object', 'EventEmitter'),
    step('_events', 'property', 'object', 'Object'),
    step('tick-tock', 'property', 'object', 'Array'),
  ];
  assert.equal(
    describeHolder({ holderPath: listeners }),
    "`bus._events['tick-tock']` (Array), where `bus` is a variable captured by the Server's `request` listener",
  );
  const exported = [
    step('exports', 'property', 'object', 'Object'),
    step('quote', 'property', 'closure', '(closure)', 'quote'),
    step('(internal) context', 'internal', 'object', 'system / Context'),
    step('quoteCache', 'context', 'object', 'Map'),
  ];
  assert.equal(
    describeHolder({
      holderPath: exported,
      holderDeclaration: { file: 'src/quotes.ts', line: 1, column: 1, name: 'quoteCache', text: '' },
    }),
    '`quoteCache` (Map), a variable of `src/quotes.ts` captured by `quote`, which its module exports',
  );
});

test('heap strings stay printable', () => {
  const path = [step('', 'element', 'synthetic', '(GC roots)'), step('evil\u001b[31m', 'property', 'object', 'Map')];
  assert.equal(describeHolder({ holderPath: path }), '`evil\\x1b[31m` (Map), a global');
});
