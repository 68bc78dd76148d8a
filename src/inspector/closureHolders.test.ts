import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionLocation, objectIdIn, propertiesIn } from './closureHolders';

test("a probe answer's object handle is read only when it is a non-empty string", () => {
  assert.equal(objectIdIn({ result: { type: 'object', objectId: '{"id":1}' } }, 'result'), '{"id":1}');
  assert.equal(objectIdIn({ objects: { type: 'object', objectId: 'all' } }, 'objects'), 'all');
  for (const answer of [undefined, null, 'x', {}, { result: null }, { result: { objectId: 7 } }, { result: { objectId: '' } }])
    assert.equal(objectIdIn(answer, 'result'), undefined, JSON.stringify(answer));
});

test('properties are read field by field, and an entry of the wrong shape is left out', () => {
  const answer = {
    result: [
      { name: 'cache', value: { type: 'object', subtype: 'map', className: 'Map', description: 'Map(3)', objectId: 'm' } },
      { name: 'getter' },
      { name: 3, value: { type: 'object', objectId: 'n' } },
      { name: 'noType', value: { objectId: 'x' } },
      { name: 'badClass', value: { type: 'object', className: {}, objectId: 'y' } },
      { name: 'nullValue', value: null },
      'not a property',
    ],
    internalProperties: [{ name: '[[Scopes]]', value: { type: 'object', subtype: 'internal#scopeList', objectId: 's' } }],
  };
  assert.deepEqual(
    propertiesIn(answer, 'result').map((p) => [p.name, p.value?.className, p.value?.objectId]),
    [
      ['cache', 'Map', 'm'],
      ['getter', undefined, undefined],
    ],
  );
  assert.deepEqual(
    propertiesIn(answer, 'internalProperties').map((p) => [p.name, p.value?.objectId]),
    [['[[Scopes]]', 's']],
  );
  for (const bad of [undefined, {}, { result: 'list' }, { result: { 0: { name: 'a' } } }])
    assert.deepEqual(propertiesIn(bad, 'result'), []);
});

test("a function's location needs a whole, non-negative line and a textual script id", () => {
  assert.deepEqual(functionLocation({ scriptId: '42', lineNumber: 9, columnNumber: 2 }), { scriptId: '42', lineNumber: 9 });
  assert.deepEqual(functionLocation({ lineNumber: 0 }), { scriptId: undefined, lineNumber: 0 });
  for (const value of [
    undefined,
    'here',
    {},
    { scriptId: '1' },
    { scriptId: '1', lineNumber: -1 },
    { scriptId: '1', lineNumber: 1.5 },
    { scriptId: 1, lineNumber: 3 },
  ])
    assert.equal(functionLocation(value), undefined, JSON.stringify(value));
});
