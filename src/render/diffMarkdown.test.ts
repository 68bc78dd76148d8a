import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SnapshotDiff } from '../analysis/types';
import { assertGolden } from '../../test/helpers/assertGolden';
import { renderDiffMarkdown } from './diffMarkdown';
import { EVIL_IMG, EVIL_SCRIPT, maliciousDiff, outsideCode, pendingLogGroup, sampleDiff, tableCells } from '../../test/helpers/testData';

describe('renderDiffMarkdown', () => {
  it('matches the golden file', () => {
    assertGolden('diff.md', renderDiffMarkdown(sampleDiff()));
  });

  it('leads with the headline and the example chain', () => {
    const md = renderDiffMarkdown(sampleDiff(), { maxPathSteps: 2 });
    assert.match(md, /^## Leakscope: 7,412 new objects still alive, \+3\.8 MB retained\n/);
    assert.ok(md.includes('`(GC roots) → (Global handles) → … → sessionCache (Map) → table`'));
  });

  it('leaves out the survivor column without a final snapshot', () => {
    const md = renderDiffMarkdown(sampleDiff({ final: false }));
    assert.ok(!md.includes('#survived'));
    assert.ok(md.includes('| Class | #new | #deleted | #Δ | Self Δ | Retained Δ |'));
    assert.ok(md.includes('still alive in the second snapshot'));
  });

  it('says so when nothing leaked', () => {
    const d: SnapshotDiff = { ...sampleDiff(), classes: [], groups: [], newObjects: { count: 0, selfSize: 0, retainedSize: 0 } };
    const md = renderDiffMarkdown(d);
    assert.match(md, /^## Leakscope: No new objects still alive\n/);
    assert.ok(md.includes('No class changed.'));
    assert.ok(!md.includes('What holds'));
  });

  it('caps long lists and says how much was left out', () => {
    const d = sampleDiff();
    const md = renderDiffMarkdown(d, { maxClasses: 3, maxGroups: 1 });
    assert.ok(md.includes('…and 5 more classes'));
    assert.ok(md.includes('…and 2 more groups.'));
  });

  it('indents nested bullets by the width of two-digit markers', () => {
    const d = sampleDiff();
    d.groups = Array.from({ length: 11 }, () => pendingLogGroup);
    const lines = renderDiffMarkdown(d).split('\n');
    const tenth = lines.findIndex((line) => line.startsWith('10. '));
    assert.ok(tenth > 0);
    assert.match(lines[tenth + 1], /^ {4}- 1,012 objects, /);
  });

  it('keeps hostile heap strings inside code spans and tables intact', () => {
    const md = renderDiffMarkdown(maliciousDiff());
    const prose = outsideCode(md);
    for (const needle of ['<img', '</script', '@octocat', '$x$', '[f](', '\x1b', '\u202e', '\x07']) {
      assert.ok(!prose.includes(needle), `${JSON.stringify(needle)} outside a code span`);
    }
    assert.ok(md.includes(`\`${EVIL_IMG}\``));
    assert.ok(md.includes(EVIL_SCRIPT));
    const table = md.split('\n').filter((line) => line.startsWith('|'));
    const width = tableCells(table[0]).length;
    for (const row of table) assert.equal(tableCells(row).length, width, row);
    // 100,000 characters of sample string must not end up in a PR comment.
    assert.ok(md.length < 20_000);
  });
});
