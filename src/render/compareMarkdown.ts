import type { Finding } from '../analysis/types';
import type { PersistingFinding, ReportComparison, ReportSide } from '../report/compareReports';
import { findingFacts } from './findingsText';
import { escapeMarkdownCell, formatBytes, formatBytesDelta, formatCount, markdownCode } from './format';
import { LEAK_VERDICT_TITLE } from '../report/verdicts';
import { markdownTable } from './markdownTable';

const CHANGE: Record<PersistingFinding['change'], string> = {
  worse: '**worse**',
  better: 'better',
  same: 'about the same',
};

export interface CompareMarkdownOptions {
  /** Most findings listed in each section; a PR comment must stay under GitHub's 65,536 characters. */
  maxFindings?: number;
}

/** `leakscope compare`: what a pull request did to the leaks, for a PR comment. */
export function renderCompareMarkdown(c: ReportComparison, options: CompareMarkdownOptions = {}): string {
  const max = options.maxFindings ?? 10;
  const lines = [`## Leakscope: ${headline(c)}`, ''];
  lines.push(
    ...markdownTable(
      [
        { title: '', align: 'left' },
        { title: `Base (${escapeMarkdownCell(c.base.name, 80)})`, align: 'left' },
        { title: `Head (${escapeMarkdownCell(c.head.name, 80)})`, align: 'left' },
      ],
      [
        ['Verdict', verdict(c.base), verdict(c.head)],
        ['Findings', formatCount(c.base.findingCount), formatCount(c.head.findingCount)],
        ['Memory', memoryKind(c.base), memoryKind(c.head)],
      ],
    ),
    '',
  );
  if (c.settingsDiffer.length > 0) {
    lines.push(
      `> The two checks ran different workloads (${c.settingsDiffer.map((s) => escapeMarkdownCell(s, 200)).join('; ')}), so growth per cycle is not like for like.`,
      '',
    );
  }

  if (c.newFindings.length > 0) {
    lines.push('### New leaks', '', 'In head, not in base: this change makes these grow.', '');
    c.newFindings.slice(0, max).forEach((f, i) => lines.push(...findingItem(f, i + 1)));
    lines.push(...more(c.newFindings.length - max), '');
  }
  if (c.fixedFindings.length > 0) {
    lines.push('### Fixed', '', 'In base, gone from head.', '');
    c.fixedFindings.slice(0, max).forEach((f, i) => {
      const facts = findingFacts(f);
      lines.push(`${i + 1}. **${escapeMarkdownCell(facts.title)}** (${kind(f)}): grew ${growth(f)} per cycle in base`);
      lines.push(`${indentFor(i + 1)}- Held by: ${markdownCode(facts.path, { maxLength: 2000 })}`);
    });
    lines.push(...more(c.fixedFindings.length - max), '');
  }
  if (c.persisting.length > 0) {
    lines.push('### Still leaking', '', 'On both sides; the growth per cycle of each.', '');
    const shown = c.persisting.slice(0, max);
    lines.push(
      ...markdownTable(
        [
          { title: 'Finding', align: 'left' },
          { title: 'Base per cycle', align: 'right' },
          { title: 'Head per cycle', align: 'right' },
          { title: 'Change', align: 'left' },
        ],
        shown.map((p) => [
          `${escapeMarkdownCell(findingFacts(p.head).title)} (${kind(p.head, true)})`,
          growth(p.base),
          growth(p.head),
          p.change === 'same' ? CHANGE.same : `${CHANGE[p.change]} (${formatBytesDelta(p.bytesPerCycleDelta)})`,
        ]),
      ),
    );
    lines.push(...more(c.persisting.length - max), '');
  }
  if (c.newFindings.length + c.fixedFindings.length + c.persisting.length === 0) {
    lines.push('Neither check found anything that grows steadily across the cycles.', '');
  }

  lines.push('### Memory', '');
  lines.push(`- **Base:** ${escapeMarkdownCell(c.base.memorySummary, 2000)}`);
  lines.push(`- **Head:** ${escapeMarkdownCell(c.head.memorySummary, 2000)}`);
  lines.push('');
  return lines.join('\n');
}

function headline(c: ReportComparison): string {
  const parts: string[] = [];
  if (c.newFindings.length > 0) parts.push(`${formatCount(c.newFindings.length)} new ${c.newFindings.length === 1 ? 'leak' : 'leaks'}`);
  if (c.fixedFindings.length > 0) parts.push(`${formatCount(c.fixedFindings.length)} fixed`);
  if (c.persisting.length > 0) {
    const worse = c.persisting.filter((p) => p.change === 'worse').length;
    parts.push(`${formatCount(c.persisting.length)} still leaking${worse > 0 ? ` (${formatCount(worse)} worse)` : ''}`);
  }
  if (parts.length === 0) return 'no leaks in base or head';
  if (c.newFindings.length === 0) parts.unshift('no new leaks');
  return parts.join(', ');
}

/** Continuation lines line up under the marker's text, which is wider from item 10 on. */
function indentFor(n: number): string {
  return ' '.repeat(`${n}. `.length);
}

// A report is a file anyone can hand over: even the fields Leakscope fills from a fixed set are escaped.
function kind(f: Finding, inTable = false): string {
  return markdownCode(f.kind, { inTable, maxLength: 40 });
}

function verdict(s: ReportSide): string {
  return LEAK_VERDICT_TITLE[s.verdict] ?? escapeMarkdownCell(String(s.verdict), 40);
}

function memoryKind(s: ReportSide): string {
  return escapeMarkdownCell(s.memoryVerdict.replace(/-/g, ' '));
}

function growth(f: Finding): string {
  return `${formatBytes(f.growth.bytesPerCycle)}, ${formatCount(Math.round(f.growth.objectsPerCycle))} objects`;
}

function findingItem(f: Finding, n: number): string[] {
  const facts = findingFacts(f);
  const indent = indentFor(n);
  return [
    `${n}. **${escapeMarkdownCell(facts.title)}** (${kind(f)}, ${escapeMarkdownCell(f.confidence, 20)} confidence)`,
    `${indent}- Held by: ${markdownCode(facts.path, { maxLength: 2000 })}`,
    `${indent}- Growth: ${escapeMarkdownCell(facts.growth)}`,
    `${indent}- Classes: ${escapeMarkdownCell(facts.classes)}`,
    ...(facts.source ? [`${indent}- Source: ${markdownCode(facts.source)}`] : []),
    `${indent}- Fix: ${escapeMarkdownCell(facts.fix, 400)}`,
  ];
}

function more(rest: number): string[] {
  return rest > 0 ? ['', `…and ${formatCount(rest)} more.`] : [];
}
