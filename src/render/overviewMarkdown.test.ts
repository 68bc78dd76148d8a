import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGolden } from '../../test/helpers/assertGolden';
import { renderOverviewMarkdown } from './overviewMarkdown';
import { EVIL_IMG, maliciousOverview, outsideCode, sampleOverview, tableCells } from '../../test/helpers/testData';

describe('renderOverviewMarkdown', () => {
  it('matches the golden file', () => {
    assertGolden('overview.md', renderOverviewMarkdown(sampleOverview()));
  });

  it('caps the class table', () => {
    const md = renderOverviewMarkdown(sampleOverview(), { maxClasses: 2, maxDominators: 1 });
    assert.ok(md.includes('…and 7 more classes.'));
    assert.ok(md.includes('…and 3 more dominators.'));
  });

  it('keeps hostile heap strings inside code spans and tables intact', () => {
    const md = renderOverviewMarkdown(maliciousOverview());
    const prose = outsideCode(md);
    for (const needle of ['<img', '</script', '@octocat', '\x1b', '\u202e']) {
      assert.ok(!prose.includes(needle), `${JSON.stringify(needle)} outside a code span`);
    }
    assert.ok(md.includes(`\`${EVIL_IMG} @999001\``));
    for (const table of [0, 1]) {
      const tables = md.split('\n\n').filter((block) => block.startsWith('|'));
      const rows = tables[table].split('\n');
      const width = tableCells(rows[0]).length;
      for (const row of rows) assert.equal(tableCells(row).length, width, row);
    }
  });
});
