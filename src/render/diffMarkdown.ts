import type { ClassDiff, RetainerGroup, SnapshotDiff } from '../analysis/types';
import { diffHeadline, diffSnapshots, groupClasses, heapChange } from './diffHeadline';
import {
  formatBytes,
  formatBytesDelta,
  formatCount,
  formatCountDelta,
  formatGroupChain,
  formatLeakedObjectLabel,
  formatAllocationSite,
  formatLocation,
  formatPathFrom,
  markdownCode,
  PATH_SEPARATOR,
} from './format';
import { markdownTable } from './markdownTable';

export interface DiffMarkdownOptions {
  /** Most class rows; a PR comment should stay well under GitHub's 65,536 characters. */
  maxClasses?: number;
  maxGroups?: number;
  /** Steps of a retainer path shown before the middle is elided. */
  maxPathSteps?: number;
}

/** A heap diff as GitHub-flavoured Markdown, for a pull-request comment or a job summary. */
export function renderDiffMarkdown(d: SnapshotDiff, options: DiffMarkdownOptions = {}): string {
  const maxClasses = options.maxClasses ?? 20;
  const maxGroups = options.maxGroups ?? 10;
  const maxPathSteps = options.maxPathSteps ?? 5;
  const lines: string[] = [];

  lines.push(`## Leakscope: ${diffHeadline(d)}`, '');
  const files = diffSnapshots(d)
    .map((s) => markdownCode(s.summary.file, { maxLength: 120 }))
    .join(PATH_SEPARATOR);
  lines.push(`Compared ${files}. Reachable heap: ${heapChange(d)}.`);
  lines.push(
    d.final
      ? 'New objects are those allocated after the baseline and still alive in the final snapshot.'
      : 'New objects are those allocated after the baseline and still alive in the second snapshot.',
  );
  lines.push('');

  lines.push('### Classes', '');
  if (d.classes.length === 0) {
    lines.push('No class changed.', '');
  } else {
    lines.push(...classTable(d.classes.slice(0, maxClasses)));
    const rest = d.classes.slice(maxClasses);
    if (rest.length > 0) {
      const restDelta = rest.reduce((sum, c) => sum + c.retainedSizeDelta, 0);
      lines.push('', `…and ${formatCount(rest.length)} more classes (${formatBytesDelta(restDelta)} retained).`);
    }
    lines.push('');
  }

  if (d.groups.length > 0) {
    lines.push('### What holds the new objects', '');
    d.groups.slice(0, maxGroups).forEach((group, i) => lines.push(...groupItem(group, i + 1, maxPathSteps)));
    const rest = d.groups.length - maxGroups;
    if (rest > 0) lines.push('', `…and ${formatCount(rest)} more ${rest === 1 ? 'group' : 'groups'}.`);
    lines.push('');
  }

  return lines.join('\n');
}

function classTable(classes: ClassDiff[]): string[] {
  const withSurvivors = classes.some((c) => c.survivorCount !== undefined);
  const columns = [
    { title: 'Class', align: 'left' as const },
    { title: '#new', align: 'right' as const },
    { title: '#deleted', align: 'right' as const },
    { title: '#Δ', align: 'right' as const },
    ...(withSurvivors ? [{ title: '#survived', align: 'right' as const }] : []),
    { title: 'Self Δ', align: 'right' as const },
    { title: 'Retained Δ', align: 'right' as const },
  ];
  const rows = classes.map((c) => [
    markdownCode(c.className, { inTable: true, maxLength: 80 }),
    formatCount(c.newCount),
    formatCount(c.deletedCount),
    formatCountDelta(c.countDelta),
    ...(withSurvivors ? [c.survivorCount === undefined ? '' : formatCount(c.survivorCount)] : []),
    formatBytesDelta(c.selfSizeDelta),
    formatBytesDelta(c.retainedSizeDelta),
  ]);
  return markdownTable(columns, rows);
}

function groupItem(group: RetainerGroup, n: number, maxPathSteps: number): string[] {
  const marker = `${n}. `;
  // Nested lines must be indented by the marker's width, or `10.` items would end their list.
  const indent = ' '.repeat(marker.length);
  const chain = formatGroupChain(group, { maxSteps: maxPathSteps });
  const lines = [`${marker}${markdownCode(chain)}`];
  const noun = group.count === 1 ? 'object' : 'objects';
  lines.push(
    `${indent}- ${formatCount(group.count)} ${noun}, ${formatBytes(group.retainedSize)} retained (${formatBytes(group.selfSize)} self)`,
  );
  if (group.classes.length > 0) {
    const shown = groupClasses(group)
      .slice(0, 5)
      .map((c) => `${markdownCode(c.className, { maxLength: 60 })} ×${formatCount(c.count)} (${formatBytes(c.retainedSize)})`);
    const more = group.classes.length - shown.length;
    lines.push(`${indent}- Classes: ${shown.join(', ')}${more > 0 ? `, and ${formatCount(more)} more` : ''}`);
  }
  if (group.allocationSites && group.allocationSites.length > 0) {
    lines.push(
      `${indent}- Allocated in: ${group.allocationSites
        .slice(0, 3)
        .map((site) => markdownCode(formatAllocationSite(site)))
        .join(', ')}`,
    );
  }
  const sample = group.samples[0];
  if (sample) {
    const where = sample.location ? `, at ${formatLocation(sample.location)}` : '';
    const via = formatPathFrom(sample.path, group.holderId, { maxSteps: maxPathSteps });
    lines.push(
      `${indent}- Sample: ${markdownCode(formatLeakedObjectLabel(sample))}, ${formatBytes(sample.retainedSize)} retained${where}` +
        (via ? `, via ${markdownCode(via)}` : ''),
    );
  }
  const fullChain = formatGroupChain(group);
  if (fullChain !== chain) lines.push(`${indent}- Full path: ${markdownCode(fullChain, { maxLength: 4000 })}`);
  return lines;
}
