export interface MarkdownColumn {
  title: string;
  align: 'left' | 'right';
}

/** A GFM table. Cells must already be escaped (`escapeMarkdownCell`, or `markdownCode` with `inTable`). */
export function markdownTable(columns: MarkdownColumn[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((column) => column.title)),
    line(columns.map((column) => (column.align === 'right' ? '---:' : '---'))),
    ...rows.map((row) => line(columns.map((_, i) => row[i] ?? ''))),
  ];
}
