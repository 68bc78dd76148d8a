import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, isLeakscopeError } from '../common/errors';
import { decodeStringBody, StringTable } from './stringTable';

test('strings read back across block boundaries, with escapes, empty strings and one larger than a block', () => {
  const big = 'b'.repeat(17 << 20);
  const strings: string[] = ['', 'plain', 'with "quotes" and \\ and \n', 'é ünïcode ✓'];
  // Fill past the first 16 MiB block with 1 MiB strings, so one ends a block and the next starts one.
  for (let i = 0; i < 20; i++) strings.push(`${i}:` + 'x'.repeat((1 << 20) - 3));
  strings.push('', 'after "the" blocks', big, 'after the big one', '');
  const table = StringTable.from(strings);
  table.trim();
  assert.equal(table.length, strings.length);
  for (let i = 0; i < strings.length; i++) assert.equal(table.get(i), strings[i], `string ${i}`);
  assert.equal(table.get(-1), undefined);
  assert.equal(table.get(strings.length), undefined);
});

test('a string body with escapes decodes as JSON does, and a broken escape is no snapshot', () => {
  assert.equal(decodeStringBody('a \\"quoted\\" \\u00e9\\n'), 'a "quoted" é\n');
  for (const body of ['\\x41', '\\u12', 'ends in \\', 'a", "b'])
    assert.throws(
      () => decodeStringBody(body),
      (e: unknown) => isLeakscopeError(e) && e.code === ErrorCode.NotASnapshot && /a string in "strings" is not valid JSON/.test(e.message),
      body,
    );
});
