import type { PackageUsage } from '../analysis/types';
import { formatBytes } from '../common/bytes';
import { escapeHtml, escapeMarkdownCell, formatCount, printable } from './format';
import { markdownTable } from './markdownTable';
import { textTable } from './textTable';

/** One row per package, as plain strings (package names and versions come from the target's files). */
function rows(packages: readonly PackageUsage[]): string[][] {
  return packages.map((p) => [
    printable(p.name, 100),
    p.version ? printable(p.version, 40) : '',
    p.heldSize ? formatBytes(p.heldSize) : '',
    // A package that only holds old memory has no new rows to count.
    p.holders > 0 ? formatCount(p.holders) : '',
    p.holders > 0 ? formatCount(p.objects) : '',
    p.holders > 0 ? formatBytes(p.retainedSize) : '',
    p.bytesPerCycle > 0 ? formatBytes(p.bytesPerCycle) : '',
  ]);
}

const TITLES = ['package', 'version', 'in heap', 'holders', 'new objects', 'new retained', 'growth per cycle'];
const INTRO =
  "In heap: what each package's objects hold at the end. New: objects still alive after the cycles, by the package whose code made or holds them.";

/** "By package": which dependency made or holds the new memory. Empty when the report has no attribution. */
export function renderPackagesText(
  packages: readonly PackageUsage[] | undefined,
  options: { color?: boolean; width?: number } = {},
): string {
  if (!packages || packages.length === 0) return '';
  const table = textTable(
    TITLES.map((header, i) => ({ header, align: i < 2 ? ('left' as const) : ('right' as const), ...(i === 0 ? { flexible: true } : {}) })),
    rows(packages),
    { color: options.color ?? false, width: options.width ?? 100, indent: '  ' },
  );
  return ['By package', `  ${INTRO}`, ...table, ''].join('\n');
}

export function renderPackagesMarkdown(packages: readonly PackageUsage[] | undefined): string[] {
  if (!packages || packages.length === 0) return [];
  const cells = rows(packages).map((row) => row.map((cell) => escapeMarkdownCell(cell)));
  return [
    '### By package',
    '',
    INTRO,
    '',
    ...markdownTable(
      TITLES.map((title, i) => ({ title, align: i < 2 ? 'left' : 'right' })),
      cells,
    ),
    '',
  ];
}

export function renderPackagesHtml(packages: readonly PackageUsage[] | undefined): string {
  if (!packages || packages.length === 0) return '';
  const head = TITLES.map((t, i) => `<th${i < 2 ? '' : ' class="num"'}>${escapeHtml(t)}</th>`).join('');
  const body = rows(packages)
    .map((row) => `<tr>${row.map((cell, i) => `<td${i < 2 ? '' : ' class="num"'}>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<h2>By package</h2>\n<p>${escapeHtml(INTRO)}</p>\n<table class="packages"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
