import { ELLIPSIS, PATH_SEPARATOR } from './format';

// Layout for the terminal renderers. All text reaching here has been through `printable`, so it
// holds no escape sequences of its own; the only ANSI codes in the output are the ones `paint` adds,
// and widths are measured before painting.

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'underline';

const ANSI: Record<Style, [string, string]> = {
  bold: ['\x1b[1m', '\x1b[22m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  underline: ['\x1b[4m', '\x1b[24m'],
  red: ['\x1b[31m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
};

export function paint(text: string, style: Style | Style[] | undefined, color: boolean): string {
  if (!color || style === undefined || text === '') return text;
  const styles = Array.isArray(style) ? style : [style];
  return styles.reduce((acc, s) => `${ANSI[s][0]}${acc}${ANSI[s][1]}`, text);
}

/** Growth is what a leak hunter looks for, so it is the alarming colour. */
export function deltaStyle(n: number): Style {
  return n > 0 ? 'red' : n < 0 ? 'green' : 'dim';
}

/** Terminal columns a string takes: wide East Asian characters and emoji take two, combining marks none. */
export function displayWidth(s: string): number {
  let width = 0;
  // Escape sequences here can only be `paint`'s own (heap text is made printable first).
  for (const ch of s.replace(/\x1b\[[0-9;]*m/g, '')) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x200d) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Cut to at most `width` columns, marking the cut with `…`. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + ELLIPSIS;
}

export function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'left' ? s + fill : fill + s;
}

export interface TextColumn {
  header: string;
  align: 'left' | 'right';
  /** The one column that shrinks (with `…`) when the table is wider than the terminal. */
  flexible?: boolean;
}

export interface TextCell {
  text: string;
  style?: Style | Style[];
}

export type TextRow = Array<TextCell | string>;

/**
 * Columns separated by two spaces, each as wide as its widest cell; the flexible column gives
 * way so a line fits in `width` (but never below its header's width).
 */
export function textTable(
  columns: TextColumn[],
  rows: TextRow[],
  options: { color: boolean; width: number; indent?: string; header?: boolean },
): string[] {
  const indent = options.indent ?? '';
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths = columns.map((column, i) => Math.max(displayWidth(column.header), ...cells.map((row) => displayWidth(row[i]?.text ?? ''))));
  const flex = columns.findIndex((column) => column.flexible);
  const total = (gapWidth: number) => displayWidth(indent) + widths.reduce((a, b) => a + b, 0) + gapWidth * (columns.length - 1);
  // Give way in steps: cut the flexible column to a readable floor, then tighten the gaps, and only
  // then cut it further (down to its header).
  const shrinkFlex = (floor: number, gapWidth: number) => {
    const excess = total(gapWidth) - options.width;
    if (flex >= 0 && excess > 0) widths[flex] = Math.max(floor, widths[flex] - excess);
  };
  const headerFloor = flex >= 0 ? displayWidth(columns[flex].header) : 0;
  if (flex >= 0) shrinkFlex(Math.max(headerFloor, Math.min(widths[flex], 10)), 2);
  const gap = total(2) > options.width ? ' ' : '  ';
  shrinkFlex(Math.max(headerFloor, 4), gap.length);
  const line = (row: TextCell[], header: boolean) =>
    indent +
    columns
      .map((column, i) => {
        const cell = row[i] ?? { text: '' };
        const text = pad(truncate(cell.text, widths[i]), widths[i], column.align);
        return paint(text, header ? 'bold' : cell.style, options.color);
      })
      .join(gap)
      .replace(/\s+$/, '');
  const body = cells.map((row) => line(row, false));
  return options.header === false
    ? body
    : [
        line(
          columns.map((column) => ({ text: column.header })),
          true,
        ),
        ...body,
      ];
}

/**
 * A retainer chain broken before arrows so each line fits `width`; continuation lines get
 * `continuationIndent`. A single part longer than a line is cut rather than wrapped mid-word.
 */
export function wrapChain(
  parts: string[],
  options: { color: boolean; width: number; indent: string; continuationIndent: string },
): string[] {
  const arrow = PATH_SEPARATOR.trimStart();
  const lines: string[] = [];
  let current = options.indent;
  let currentWidth = displayWidth(options.indent);
  let empty = true;
  for (const part of parts) {
    const sep = empty ? '' : PATH_SEPARATOR;
    if (!empty && currentWidth + displayWidth(sep + part) > options.width) {
      lines.push(current);
      current = options.continuationIndent + paint(arrow, 'dim', options.color);
      currentWidth = displayWidth(options.continuationIndent + arrow);
      empty = false;
      const text = truncate(part, Math.max(12, options.width - currentWidth));
      current += text;
      currentWidth += displayWidth(text);
      continue;
    }
    const text = truncate(part, Math.max(12, options.width - currentWidth - displayWidth(sep)));
    current += (sep ? paint(sep, 'dim', options.color) : '') + text;
    currentWidth += displayWidth(sep + text);
    empty = false;
  }
  lines.push(current);
  return lines;
}

/**
 * Parts joined with `separator` (kept at the end of a line when breaking), wrapped to `width`;
 * continuation lines get `continuationIndent`. For lists like `Session ×1,000 (2.4 MB), …`.
 */
export function wrapList(
  parts: string[],
  options: { width: number; indent: string; continuationIndent: string; separator?: string },
): string[] {
  const separator = options.separator ?? ', ';
  const lines: string[] = [];
  let current = options.indent;
  let empty = true;
  parts.forEach((part, i) => {
    const text = i < parts.length - 1 ? part + separator.trimEnd() : part;
    const sep = empty ? '' : ' '.repeat(separator.length - separator.trimEnd().length);
    if (!empty && displayWidth(current + sep + text) > options.width) {
      lines.push(current);
      current = options.continuationIndent;
      empty = true;
    }
    const room = options.width - displayWidth(current) - (empty ? 0 : sep.length);
    current += (empty ? '' : sep) + truncate(text, Math.max(12, room));
    empty = false;
  });
  lines.push(current);
  return lines;
}
