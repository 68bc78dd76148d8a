import type { SnapshotOverview } from '../snapshot/types';
import { formatBytes, formatCount, formatNodeLabel, formatPercent, printable, retainerPathParts } from './format';
import { displayWidth, paint, textTable, truncate, wrapChain, wrapList } from './textTable';

export interface OverviewTextOptions {
  color: boolean;
  /** Terminal columns; long class names are cut and retainer paths wrapped to fit. */
  width?: number;
  maxClasses?: number;
  maxDominators?: number;
}

/** What `leakscope inspect` prints. */
export function renderOverviewText(o: SnapshotOverview, options: OverviewTextOptions): string {
  const color = options.color;
  const width = Math.max(60, options.width ?? 100);
  const maxClasses = options.maxClasses ?? 25;
  const maxDominators = options.maxDominators ?? 10;
  const t = o.totals;
  const heap = t.reachableSize;
  const lines: string[] = [];

  lines.push(paint(printable(o.file, 300), 'bold', color));
  lines.push(
    ...textTable(
      [
        { header: '', align: 'left' },
        { header: '', align: 'right' },
        { header: '', align: 'left', flexible: true },
      ],
      [
        [{ text: 'reachable', style: 'dim' }, { text: formatBytes(heap), style: 'bold' }, ''],
        [{ text: 'total', style: 'dim' }, formatBytes(t.totalSize), `${formatCount(t.nodeCount)} nodes, ${formatCount(t.edgeCount)} edges`],
        [
          { text: 'unreachable', style: 'dim' },
          formatBytes(t.unreachableSize),
          `${formatCount(t.unreachableCount)} nodes, not reachable from the roots`,
        ],
        ...(t.extraNativeBytes > 0
          ? [[{ text: 'extra native', style: 'dim' as const }, formatBytes(t.extraNativeBytes), 'native memory not attributed to any node']]
          : []),
      ],
      { color, width, indent: '  ', header: false },
    ),
    '',
  );

  lines.push(paint('Largest classes by retained size', 'bold', color));
  if (o.classes.length === 0) {
    lines.push('  No classes.');
  } else {
    lines.push(
      ...textTable(
        [
          { header: 'Class', align: 'left', flexible: true },
          { header: 'Count', align: 'right' },
          { header: 'Self size', align: 'right' },
          { header: 'Retained', align: 'right' },
          { header: '% of heap', align: 'right' },
        ],
        o.classes
          .slice(0, maxClasses)
          .map((c) => [
            printable(c.className, 80),
            formatCount(c.count),
            formatBytes(c.selfSize),
            { text: formatBytes(c.retainedSize), style: 'bold' },
            formatPercent(c.retainedSize, heap),
          ]),
        { color, width, indent: '  ' },
      ),
    );
    const rest = o.classes.length - maxClasses;
    if (rest > 0) lines.push(paint(`  …and ${formatCount(rest)} more classes`, 'dim', color));
  }

  if (o.dominators.length > 0) {
    lines.push('', paint('Largest dominators', 'bold', color));
    o.dominators.slice(0, maxDominators).forEach((dominator, i) => {
      const marker = `${String(i + 1).padStart(3)}. `;
      const indent = ' '.repeat(marker.length);
      const n = dominator.node;
      const share = formatPercent(n.retainedSize, heap);
      if (i > 0) lines.push('');
      const stats = [
        paint(`${formatBytes(n.retainedSize)} retained`, 'bold', color) + (share ? ` (${share})` : ''),
        `${formatBytes(n.selfSize)} self`,
        `distance ${formatCount(n.distance)}`,
      ];
      const head = `${marker}${paint(truncate(formatNodeLabel(n), width - marker.length), 'bold', color)}`;
      const oneLine = `${head}  ${stats.join(', ')}`;
      if (displayWidth(oneLine) <= width) lines.push(oneLine);
      else lines.push(head, ...wrapList(stats, { width, indent, continuationIndent: indent }));
      lines.push(
        ...wrapChain(retainerPathParts(dominator.path, { maxSteps: 6 }), {
          color,
          width,
          indent,
          continuationIndent: `${indent}  `,
        }),
      );
    });
    const rest = o.dominators.length - maxDominators;
    if (rest > 0) lines.push('', paint(`  …and ${formatCount(rest)} more dominators`, 'dim', color));
  }

  return `${lines.join('\n')}\n`;
}
