const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/**
 * `1.2 MB`, `-340 kB`, `0 B`. Decimal units as in Chrome DevTools, so numbers match what users see
 * there; three significant digits are plenty to compare sizes.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  if (Math.round(value) === 0) return '0 B';
  if (Math.round(value) < 1000) return `${sign}${Math.round(value)} B`;
  let unit = 0;
  while (unit < BYTE_UNITS.length - 1 && value >= 1000) {
    value /= 1000;
    unit++;
  }
  let text = value.toFixed(1);
  if (Number(text) >= 100) text = value.toFixed(0);
  // Rounding can carry into the next unit (999.96 kB would print as "1000.0 kB").
  if (Number(text) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
    text = value.toFixed(1);
  }
  return `${sign}${text} ${BYTE_UNITS[unit]}`;
}

/** Like {@link formatBytes}, with an explicit `+` on growth so a delta cannot be read as a size. */
export function formatBytesDelta(n: number): string {
  const text = formatBytes(n);
  return n > 0 && text !== '0 B' ? `+${text}` : text;
}
