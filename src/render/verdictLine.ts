import type { LeakReport } from '../report/leakReport';
import { LEAK_VERDICT_TITLE } from '../report/verdicts';

/**
 * `Verdict: leak. 2 holders grow…`: a leak check's result in one line, as the CLI, the Debug
 * Console and the MCP tool's text answer print it. The verdict's id comes first and unchanged,
 * because scripts and tests read it (`Verdict: leak`); its title follows only where it says
 * what the id does not (`allocator-retention (Allocator retention, not a leak)`).
 */
export function renderVerdictLine(report: Pick<LeakReport, 'verdict' | 'summary'>): string {
  const title = LEAK_VERDICT_TITLE[report.verdict];
  const saysMore = title.toLowerCase() !== report.verdict.replace(/-/g, ' ');
  return `Verdict: ${report.verdict}${saysMore ? ` (${title})` : ''}. ${report.summary}`;
}
