import { formatBytes } from '../common/bytes';
import { diffHtmlBody } from './diffHtml';
import { memoryChartSvg } from './memoryChartSvg';
import { findingFacts, threadText } from './findingsText';
import { codeSpanParts, escapeHtml } from './format';
import { htmlDocument, htmlText, type HtmlRenderOptions } from './htmlDocument';
import type { LeakReport } from '../report/leakReport';
import { renderPackagesHtml } from './packagesReport';

/** `report.html`: one self-contained page, findings and memory above the diff's sortable tables. */
export function renderReportHtml(r: LeakReport, options: HtmlRenderOptions = {}): string {
  const parts = [`<h1>Leakscope: ${escapeHtml(r.verdict)}</h1>`, `<p>${htmlText(r.summary, 2000)}</p>`];
  if (r.findings.length > 0) {
    parts.push('<h2>Findings</h2>', '<ol>');
    for (const f of r.findings) {
      const facts = findingFacts(f);
      parts.push(
        '<li>',
        `<p><strong>${escapeHtml(facts.title)}</strong> <span class="muted">(${escapeHtml(f.kind)}, ${escapeHtml(f.confidence)} confidence)</span></p>`,
        '<dl>',
        facts.heldBy
          ? `<dt>${escapeHtml(facts.pathLabel)}</dt><dd>${codeSpanParts(facts.heldBy)
              .map((p) => (p.code ? `<code>${escapeHtml(p.text)}</code>` : escapeHtml(p.text)))
              .join('')}<details><summary>V8's retainer path</summary><code>${escapeHtml(facts.path)}</code></details></dd>`
          : `<dt>${escapeHtml(facts.pathLabel)}</dt><dd><code>${escapeHtml(facts.path)}</code></dd>`,
        ...(facts.package ? [`<dt>Package</dt><dd>${escapeHtml(facts.package)}</dd>`] : []),
        ...(facts.thread
          ? [
              `<dt>Thread</dt><dd>${threadText({ name: escapeHtml(facts.thread.name), ...(facts.thread.script ? { script: escapeHtml(facts.thread.script) } : {}) }, (t) => `<code>${t}</code>`)}</dd>`,
            ]
          : []),
        `<dt>Growth</dt><dd>${escapeHtml(facts.growth)}</dd>`,
        ...(facts.classes ? [`<dt>Classes</dt><dd>${escapeHtml(facts.classes)}</dd>`] : []),
        ...(facts.source
          ? [`<dt>${f.source?.role === 'inserts' ? 'Added by' : 'Source'}</dt><dd><code>${escapeHtml(facts.source)}</code></dd>`]
          : []),
        ...(facts.alsoAdded ? [`<dt>Also added by</dt><dd><code>${escapeHtml(facts.alsoAdded)}</code></dd>`] : []),
        ...(facts.declared ? [`<dt>Declared</dt><dd><code>${escapeHtml(facts.declared)}</code></dd>`] : []),
        `<dt>Fix</dt><dd>${escapeHtml(facts.fix)}</dd>`,
        '</dl>',
        '</li>',
      );
    }
    parts.push('</ol>');
  }
  const byPackage = renderPackagesHtml(r.packages);
  if (byPackage) parts.push(byPackage);
  const b = r.memory.breakdown;
  parts.push(
    '<h2>Memory</h2>',
    `<p>RSS ${formatBytes(b.rss)}: live V8 heap ${formatBytes(b.heapUsed)}, free heap pages ${formatBytes(b.heapFree)}, external ${formatBytes(b.external)}, code and files ${formatBytes(b.fileBacked)}, native ${formatBytes(b.native)}.</p>`,
    `<p>${htmlText(r.memory.verdict.summary, 2000)}</p>`,
    memoryChartSvg(r.memory.samples),
    diffHtmlBody(r.diff, { midFile: r.snapshots.mid }),
  );
  // The diff's tables sort from `data.classes` and `data.groups`; the rest of the report rides along.
  return htmlDocument({
    title: `Leakscope: ${r.verdict}`,
    body: parts.join('\n'),
    data: { ...r.diff, report: { ...r, diff: undefined } },
    nonce: options.nonce,
  });
}
