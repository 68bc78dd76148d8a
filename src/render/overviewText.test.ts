import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGolden } from '../../test/helpers/assertGolden';
import { renderOverviewText } from './overviewText';
import { displayWidth } from './textTable';
import { maliciousOverview, sampleOverview } from '../../test/helpers/testData';

describe('renderOverviewText', () => {
  it('matches the golden file', () => {
    assertGolden('overview.txt', renderOverviewText(sampleOverview(), { color: false }));
  });

  it('aligns the numeric columns', () => {
    const lines = renderOverviewText(sampleOverview(), { color: false }).split('\n');
    const header = lines.findIndex((line) => line.trimStart().startsWith('Class'));
    const ends = lines.slice(header, header + 5).map((line) => line.length);
    assert.ok(
      ends.every((end) => end === ends[0]),
      `ragged right edge: ${ends.join(', ')}`,
    );
  });

  for (const width of [60, 80]) {
    it(`fits in ${width} columns, cutting long class names`, () => {
      const o = sampleOverview();
      o.classes.push({ className: `VeryLong${'Name'.repeat(30)}`, count: 1, selfSize: 1, retainedSize: 1 });
      const text = renderOverviewText(o, { color: false, width });
      for (const line of text.split('\n')) assert.ok(displayWidth(line) <= width, `${displayWidth(line)} > ${width}: ${line}`);
      assert.ok(text.includes('VeryLongName'));
      assert.ok(text.includes('…'));
    });
  }

  it('uses ANSI colour only when asked, and never from heap strings', () => {
    const plain = renderOverviewText(maliciousOverview(), { color: false });
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/.test(plain));
    const colored = renderOverviewText(maliciousOverview(), { color: true });
    assert.ok(colored.includes('\x1b[1m'));
    assert.ok(!/\x1b(?!\[[0-9;]*m)/.test(colored));
  });
});
