import type { SnapshotOverview } from '../snapshot/types';
import { formatBytes, formatCount, formatNodeLabel, formatPercent, formatRetainerPath, markdownCode } from './format';
import { markdownTable } from './markdownTable';

export interface OverviewMarkdownOptions {
  maxClasses?: number;
  maxDominators?: number;
  /** Steps of a retainer path shown before the middle is elided. */
  maxPathSteps?: number;
}

/** A snapshot overview as GitHub-flavoured Markdown. */
export function renderOverviewMarkdown(o: SnapshotOverview, options: OverviewMarkdownOptions = {}): string {
  const maxClasses = options.maxClasses ?? 20;
  const maxDominators = options.maxDominators ?? 10;
  const maxPathSteps = options.maxPathSteps ?? 6;
  const t = o.totals;
  const heap = t.reachableSize;
  const lines: string[] = [];

  lines.push(`## Leakscope: ${formatBytes(heap)} reachable in ${markdownCode(o.file, { maxLength: 120 })}`, '');
  lines.push(`The snapshot has ${formatCount(t.nodeCount)} nodes and ${formatCount(t.edgeCount)} edges.`, '');
  lines.push(
    ...markdownTable(
      [
        { title: 'Heap', align: 'left' },
        { title: 'Size', align: 'right' },
        { title: 'Nodes', align: 'right' },
      ],
      [
        ['Reachable', `**${formatBytes(heap)}**`, ''],
        ['Total', formatBytes(t.totalSize), formatCount(t.nodeCount)],
        ['Unreachable', formatBytes(t.unreachableSize), formatCount(t.unreachableCount)],
        ...(t.extraNativeBytes > 0 ? [['Extra native', formatBytes(t.extraNativeBytes), '']] : []),
      ],
    ),
    '',
  );

  lines.push('### Largest classes by retained size', '');
  if (o.classes.length === 0) {
    lines.push('No classes.', '');
  } else {
    lines.push(
      ...markdownTable(
        [
          { title: 'Class', align: 'left' },
          { title: 'Count', align: 'right' },
          { title: 'Self size', align: 'right' },
          { title: 'Retained size', align: 'right' },
          { title: '% of heap', align: 'right' },
        ],
        o.classes
          .slice(0, maxClasses)
          .map((c) => [
            markdownCode(c.className, { inTable: true, maxLength: 80 }),
            formatCount(c.count),
            formatBytes(c.selfSize),
            `**${formatBytes(c.retainedSize)}**`,
            formatPercent(c.retainedSize, heap),
          ]),
      ),
    );
    const rest = o.classes.length - maxClasses;
    if (rest > 0) lines.push('', `…and ${formatCount(rest)} more classes.`);
    lines.push('');
  }

  if (o.dominators.length > 0) {
    lines.push('### Largest dominators', '');
    o.dominators.slice(0, maxDominators).forEach((dominator, i) => {
      const marker = `${i + 1}. `;
      const indent = ' '.repeat(marker.length);
      const n = dominator.node;
      const share = formatPercent(n.retainedSize, heap);
      lines.push(
        `${marker}${markdownCode(formatNodeLabel(n))} retains **${formatBytes(n.retainedSize)}**` +
          // A trailing backslash is a hard line break in CommonMark, keeping the path on its own line.
          `${share ? ` (${share})` : ''}; ${formatBytes(n.selfSize)} self, distance ${formatCount(n.distance)}\\`,
      );
      lines.push(`${indent}${markdownCode(formatRetainerPath(dominator.path, { maxSteps: maxPathSteps }))}`);
    });
    const rest = o.dominators.length - maxDominators;
    if (rest > 0) lines.push('', `…and ${formatCount(rest)} more dominators.`);
    lines.push('');
  }

  return lines.join('\n');
}
