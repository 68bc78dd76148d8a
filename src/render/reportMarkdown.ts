import { formatBytes } from '../common/bytes';
import { renderDiffMarkdown } from './diffMarkdown';
import { findingFacts, threadText } from './findingsText';
import { codeSpanParts, escapeMarkdownCell, markdownCode } from './format';
import type { LeakReport } from '../report/leakReport';
import { LEAK_VERDICT_TITLE } from '../report/verdicts';
import { renderPackagesMarkdown } from './packagesReport';

/** `report.md`: for a pull-request comment. The findings first, then memory, then the full diff. */
export function renderReportMarkdown(r: LeakReport): string {
  const lines = [`## Leakscope: ${LEAK_VERDICT_TITLE[r.verdict]}`, '', escapeMarkdownCell(r.summary, 2000), ''];
  if (r.capture)
    lines.push(
      `Captured by ${r.capture.mode === 'sampling' ? 'sampling allocations' : 'heap snapshots'}: ${escapeMarkdownCell(r.capture.reason, 1000)}`,
      '',
    );
  if (r.findings.length > 0) {
    lines.push('### Findings', '');
    r.findings.forEach((f, i) => {
      const facts = findingFacts(f);
      lines.push(`${i + 1}. **${escapeMarkdownCell(facts.title)}** (\`${f.kind}\`, ${f.confidence} confidence)`);
      if (facts.heldBy)
        lines.push(
          `   - ${facts.pathLabel}: ${codeSpanParts(facts.heldBy)
            .map((p) => (p.code ? markdownCode(p.text, { maxLength: 300 }) : escapeMarkdownCell(p.text, 300)))
            .join('')}`,
          `   - V8 path: ${markdownCode(facts.path, { maxLength: 2000 })}`,
        );
      else lines.push(`   - ${facts.pathLabel}: ${markdownCode(facts.path, { maxLength: 2000 })}`);
      if (facts.package) lines.push(`   - Package: ${escapeMarkdownCell(facts.package)}`);
      if (facts.thread)
        lines.push(
          `   - Thread: ${threadText({ name: escapeMarkdownCell(facts.thread.name), ...(facts.thread.script ? { script: facts.thread.script } : {}) }, (t) => markdownCode(t))}`,
        );
      lines.push(`   - Growth: ${escapeMarkdownCell(facts.growth)}`);
      if (facts.classes) lines.push(`   - Classes: ${escapeMarkdownCell(facts.classes)}`);
      if (facts.source) lines.push(`   - ${f.source?.role === 'inserts' ? 'Added by' : 'Source'}: ${markdownCode(facts.source)}`);
      if (facts.alsoAdded) lines.push(`   - Also added by: ${markdownCode(facts.alsoAdded)}`);
      if (facts.declared) lines.push(`   - Declared: ${markdownCode(facts.declared)}`);
      lines.push(`   - Fix: ${escapeMarkdownCell(facts.fix, 400)}`);
    });
    lines.push('');
  }
  lines.push(...renderPackagesMarkdown(r.packages));
  const b = r.memory.breakdown;
  lines.push('### Memory', '');
  lines.push(
    `RSS ${formatBytes(b.rss)}: live V8 heap ${formatBytes(b.heapUsed)}, free heap pages ${formatBytes(b.heapFree)}, external ${formatBytes(b.external)}, code and files ${formatBytes(b.fileBacked)}, native ${formatBytes(b.native)}.`,
  );
  lines.push('', escapeMarkdownCell(r.memory.verdict.summary, 2000), '');
  lines.push('<details><summary>The heap diff</summary>', '', renderDiffMarkdown(r.diff).replace(/^## /m, '### '), '</details>', '');
  return lines.join('\n');
}
