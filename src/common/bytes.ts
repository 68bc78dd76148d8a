import { ErrorCode, LeakscopeError } from './errors';

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * `1.2 MB`, `-340 kB`, `0 B`. Decimal units as in Chrome DevTools, so numbers match what users see
 * there; three significant digits are plenty to compare sizes.
 */
export function formatBytes(n: number): string {
  return formatIn(n, 1000, BYTE_UNITS);
}

/**
 * `1.5 GiB`, `64.0 MiB`: for sentences about memory limits, which users write in binary units
 * (`--memory-limit 1.5G`, a container's `memory: 512Mi`), so the number printed is the one given.
 */
export function formatBinaryBytes(n: number): string {
  return formatIn(n, 1024, BINARY_UNITS);
}

function formatIn(n: number, step: number, units: readonly string[]): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  let value = Math.abs(n);
  if (Math.round(value) === 0) return '0 B';
  if (Math.round(value) < step) return `${sign}${Math.round(value)} B`;
  let unit = 0;
  while (unit < units.length - 1 && value >= step) {
    value /= step;
    unit++;
  }
  let text = value.toFixed(1);
  if (Number(text) >= 100) text = value.toFixed(0);
  // Rounding can carry into the next unit (999.96 kB would print as "1000.0 kB").
  if (Number(text) >= step && unit < units.length - 1) {
    value /= step;
    unit++;
    text = value.toFixed(1);
  }
  return `${sign}${text} ${units[unit]}`;
}

/** Like {@link formatBytes}, with an explicit `+` on growth so a delta cannot be read as a size. */
export function formatBytesDelta(n: number): string {
  const text = formatBytes(n);
  return n > 0 && text !== '0 B' ? `+${text}` : text;
}

/** Parses `512M`, `1.5G`, `1536MiB`, `2000000000`: binary units, as container limits are written. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  const value = Number(m[1]) * 1024 ** power;
  return Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
}

/** The one sentence for a size that does not parse, whichever host's option or setting `name` is. */
export function byteSizeProblem(name: string, text: string): string {
  return `${name} needs a size such as 512M or 1.5G, not "${text}".`;
}

/** {@link parseByteSize} for a size the user gave (`--memory-limit`, launch.json's `memoryLimit`): one that does not parse is refused. */
export function requiredByteSize(name: string, text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new LeakscopeError(ErrorCode.InvalidArgument, byteSizeProblem(name, text));
  return bytes;
}
