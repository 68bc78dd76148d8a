import type { ClassDiff, RetainerGroup, SnapshotDiff } from '../analysis/types';
import { diffHeadline, diffSnapshots } from './diffHeadline';
import {
  formatBytes,
  formatBytesDelta,
  formatCount,
  formatCountDelta,
  formatLeakedObjectLabel,
  formatAllocationSite,
  formatLocation,
  groupChainParts,
  pathPartsFrom,
  printable,
} from './format';
import { deltaStyle, paint, textTable, wrapChain, wrapList, type TextColumn, type TextRow } from './textTable';

export interface DiffTextOptions {
  color: boolean;
  /** Terminal columns; long class names are cut and retainer paths wrapped to fit. */
  width?: number;
  maxClasses?: number;
  maxGroups?: number;
}

const LABEL_WIDTH = 9;

/** What `leakscope diff` prints. */
export function renderDiffText(d: SnapshotDiff, options: DiffTextOptions): string {
  const color = options.color;
  const width = Math.max(60, options.width ?? 100);
  const maxClasses = options.maxClasses ?? 25;
  const maxGroups = options.maxGroups ?? 10;
  const lines: string[] = [];

  lines.push(paint(diffHeadline(d), d.newObjects.count > 0 ? ['bold', 'red'] : ['bold', 'green'], color), '');
  const baselineSize = d.baseline.totals.reachableSize;
  lines.push(
    ...textTable(
      [
        { header: 'Snapshot', align: 'left' },
        { header: 'File', align: 'left', flexible: true },
        { header: 'Nodes', align: 'right' },
        { header: 'Reachable', align: 'right' },
        { header: 'Change', align: 'right' },
      ],
      diffSnapshots(d).map((s) => {
        const delta = s.summary.totals.reachableSize - baselineSize;
        return [
          s.role,
          printable(s.summary.file, 200),
          formatCount(s.summary.totals.nodeCount),
          formatBytes(s.summary.totals.reachableSize),
          s.role === 'baseline' ? '' : { text: formatBytesDelta(delta), style: deltaStyle(delta) },
        ];
      }),
      { color, width, indent: '  ' },
    ),
    '',
  );

  lines.push(paint('Classes', 'bold', color));
  if (d.classes.length === 0) {
    lines.push('  No class changed.');
  } else {
    lines.push(...classTable(d.classes.slice(0, maxClasses), color, width));
    const rest = d.classes.slice(maxClasses);
    if (rest.length > 0) {
      const restDelta = rest.reduce((sum, c) => sum + c.retainedSizeDelta, 0);
      lines.push(paint(`  …and ${formatCount(rest.length)} more classes (${formatBytesDelta(restDelta)} retained)`, 'dim', color));
    }
  }

  if (d.groups.length > 0) {
    lines.push('', paint('What holds the new objects', 'bold', color));
    d.groups.slice(0, maxGroups).forEach((group, i) => {
      if (i > 0) lines.push('');
      lines.push(...groupLines(group, i + 1, color, width));
    });
    const rest = d.groups.length - maxGroups;
    if (rest > 0) lines.push('', paint(`  …and ${formatCount(rest)} more ${rest === 1 ? 'group' : 'groups'}`, 'dim', color));
  }

  return `${lines.join('\n')}\n`;
}

function classTable(classes: ClassDiff[], color: boolean, width: number): string[] {
  const withSurvivors = classes.some((c) => c.survivorCount !== undefined);
  const columns: TextColumn[] = [
    { header: 'Class', align: 'left', flexible: true },
    { header: '#new', align: 'right' },
    { header: '#deleted', align: 'right' },
    { header: '#Δ', align: 'right' },
    ...(withSurvivors ? [{ header: '#survived', align: 'right' as const }] : []),
    { header: 'Self Δ', align: 'right' },
    { header: 'Retained Δ', align: 'right' },
  ];
  const rows: TextRow[] = classes.map((c) => [
    printable(c.className, 80),
    formatCount(c.newCount),
    formatCount(c.deletedCount),
    formatCountDelta(c.countDelta),
    ...(withSurvivors ? [c.survivorCount === undefined ? '' : formatCount(c.survivorCount)] : []),
    { text: formatBytesDelta(c.selfSizeDelta), style: deltaStyle(c.selfSizeDelta) },
    { text: formatBytesDelta(c.retainedSizeDelta), style: [deltaStyle(c.retainedSizeDelta), 'bold'] },
  ]);
  return textTable(columns, rows, { color, width, indent: '  ' });
}

function groupLines(group: RetainerGroup, n: number, color: boolean, width: number): string[] {
  const marker = `${String(n).padStart(3)}. `;
  const indent = ' '.repeat(marker.length);
  const label = (text: string) => paint(text.padEnd(LABEL_WIDTH), 'dim', color);
  const lines = wrapChain(groupChainParts(group, { maxSteps: 6 }), { color, width, indent: marker, continuationIndent: `${indent}  ` });

  const noun = group.count === 1 ? 'object' : 'objects';
  lines.push(
    `${indent}${paint(`${formatCount(group.count)} ${noun}`, 'bold', color)}, ` +
      `${paint(`${formatBytes(group.retainedSize)} retained`, 'bold', color)} (${formatBytes(group.selfSize)} self)`,
  );
  const detailIndent = indent + ' '.repeat(LABEL_WIDTH);
  if (group.classes.length > 0) {
    const shown = group.classes
      .slice(0, 5)
      .map((c) => `${printable(c.className, 60)} ×${formatCount(c.count)} (${formatBytes(c.retainedSize)})`);
    const more = group.classes.length - shown.length;
    if (more > 0) shown.push(`and ${formatCount(more)} more`);
    lines.push(...wrapList(shown, { width, indent: indent + label('classes'), continuationIndent: detailIndent }));
  }
  if (group.allocationSites && group.allocationSites.length > 0) {
    const sites = group.allocationSites.slice(0, 3).map(formatAllocationSite);
    lines.push(...wrapList(sites, { width, indent: indent + label('made in'), continuationIndent: detailIndent }));
  }
  const sample = group.samples[0];
  if (sample) {
    const facts = [formatLeakedObjectLabel(sample), `${formatBytes(sample.retainedSize)} retained`];
    if (sample.location) facts.push(`at ${formatLocation(sample.location)}`);
    lines.push(...wrapList(facts, { width, indent: indent + label('sample'), continuationIndent: detailIndent }));
    const via = pathPartsFrom(sample.path, group.holderId, { maxSteps: 6 });
    if (via) {
      lines.push(
        ...wrapChain(via, {
          color,
          width,
          indent: `${detailIndent}${paint('via ', 'dim', color)}`,
          continuationIndent: `${detailIndent}    `,
        }),
      );
    }
  }
  return lines;
}
