import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGolden } from '../../test/helpers/assertGolden';
import { renderDiffText } from './diffText';
import { displayWidth } from './textTable';
import { maliciousDiff, sampleDiff } from '../../test/helpers/testData';

describe('renderDiffText', () => {
  it('matches the golden file', () => {
    assertGolden('diff.txt', renderDiffText(sampleDiff(), { color: false }));
  });

  it('uses ANSI colour only when asked', () => {
    assert.ok(!renderDiffText(sampleDiff(), { color: false }).includes('\x1b'));
    const colored = renderDiffText(sampleDiff(), { color: true });
    assert.ok(colored.includes('\x1b[31m'));
    // Colour must not change the layout.
    assert.equal(colored.replace(/\x1b\[[0-9;]*m/g, ''), renderDiffText(sampleDiff(), { color: false }));
  });

  for (const width of [60, 80, 120]) {
    it(`fits in ${width} columns`, () => {
      for (const line of renderDiffText(sampleDiff(), { color: false, width }).split('\n')) {
        assert.ok(displayWidth(line) <= width, `${displayWidth(line)} > ${width}: ${line}`);
      }
    });
  }

  it('cannot be made to emit terminal escapes by heap strings', () => {
    const plain = renderDiffText(maliciousDiff(), { color: false });
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(plain));
    const colored = renderDiffText(maliciousDiff(), { color: true });
    // The only escapes left are the renderer's own SGR colour codes.
    assert.ok(!/\x1b(?!\[[0-9;]*m)/.test(colored));
    assert.ok(!/[\x07\u202e]/.test(colored));
  });
});
