import type { Finding } from '../analysis/types';
import { formatBytes } from '../common/bytes';
import { displayUrl, formatCount, printable } from './format';

/** The parts of a finding every rendering shows, as plain strings (not yet escaped for a medium). */
export function findingFacts(f: Finding): { title: string; pathLabel: string; path: string; growth: string; classes: string; source?: string; fix: string } {
  const g = f.growth;
  return {
    title: printable(f.title, 200),
    // A sampling check knows the allocation stack, not the holder.
    pathLabel: f.stack ? 'Allocated by' : 'Held by',
    path: f.path.map((step) => printable(step, 80)).join(' → '),
    growth:
      `${formatCount(Math.round(g.objectsPerCycle))} objects, ${formatBytes(g.bytesPerCycle)} per cycle ` +
      `(${formatCount(g.newBeforeMid)} from the first ${g.cyclesBeforeMid} cycles still alive, ${formatCount(g.newAfterMid)} from the last ${g.cyclesAfterMid})`,
    classes: f.classes
      .slice(0, 4)
      .map((c) => `${printable(c.className, 60)} +${formatCount(c.countDelta)} (${formatBytes(c.retainedSizeDelta)})`)
      .join(', '),
    ...(f.source
      ? {
          source:
            `${f.source.role === 'allocated' ? 'allocated in' : 'held in the scope of'} ` +
            `${printable(f.source.functionName || '(anonymous)', 80)} at ${printable(displayUrl(f.source.file), 200)}:${f.source.line}:${f.source.column}`,
        }
      : {}),
    fix: printable(f.fix.summary, 400),
  };
}

export function renderFindingsText(findings: Finding[]): string {
  if (findings.length === 0) return 'No leak found: nothing grew steadily across the cycles.\n';
  const lines: string[] = [];
  findings.forEach((f, i) => {
    const facts = findingFacts(f);
    lines.push(`${String(i + 1).padStart(2)}. [${f.kind}] ${facts.title} (${f.confidence} confidence)`);
    lines.push(`    ${facts.pathLabel === 'Held by' ? 'held by  ' : 'stack    '} ${facts.path}`);
    lines.push(`    growth    ${facts.growth}`);
    if (facts.classes) lines.push(`    classes   ${facts.classes}`);
    if (facts.source) lines.push(`    source    ${facts.source}`);
    lines.push(`    fix       ${facts.fix}`);
    lines.push('');
  });
  return lines.join('\n');
}
