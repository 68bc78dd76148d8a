import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, editsConflict } from './applyEdits';

test('insertions at one offset keep their order; identical edits apply once; overlaps are refused', () => {
  assert.equal(
    applyEdits('ab', [
      { start: 1, end: 1, newText: 'x' },
      { start: 1, end: 1, newText: 'y' },
    ]),
    'axyb',
  );
  assert.equal(
    applyEdits('ab', [
      { start: 1, end: 1, newText: 'x' },
      { start: 1, end: 1, newText: 'x' },
    ]),
    'axb',
  );
  assert.equal(
    applyEdits('abc', [
      { start: 1, end: 2, newText: 'B' },
      { start: 1, end: 1, newText: '>' },
    ]),
    'a>Bc',
  );
  assert.throws(
    () =>
      applyEdits('abcd', [
        { start: 0, end: 2, newText: '' },
        { start: 1, end: 3, newText: '' },
      ]),
    /overlap/,
  );
});

test('edits that touch without overlapping do not conflict', () => {
  assert.equal(
    editsConflict([
      { start: 0, end: 2, newText: '' },
      { start: 2, end: 2, newText: 'x' },
    ]),
    false,
  );
  assert.equal(
    editsConflict([
      { start: 0, end: 2, newText: '' },
      { start: 1, end: 1, newText: 'x' },
    ]),
    true,
  );
});
