/** A least-squares line through memory readings over time, with how much noise there is around it. */
export interface MemoryTrend {
  /** Bytes per hour. */
  slopePerHour: number;
  /** Standard error of the slope, bytes per hour. */
  slopeError: number;
  /** Growth that stands clear of the noise: at least six readings and a slope three standard errors above zero. */
  sustained: boolean;
}

const HOUR = 3600_000;

export function memoryTrend(points: ReadonlyArray<{ at: number; value: number }>): MemoryTrend {
  const n = points.length;
  if (n < 3) return { slopePerHour: 0, slopeError: Infinity, sustained: false };
  const meanX = points.reduce((a, p) => a + p.at, 0) / n;
  const meanY = points.reduce((a, p) => a + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.at - meanX) ** 2;
    sxy += (p.at - meanX) * (p.value - meanY);
  }
  if (sxx === 0) return { slopePerHour: 0, slopeError: Infinity, sustained: false };
  const slope = sxy / sxx;
  let residuals = 0;
  for (const p of points) residuals += (p.value - meanY - slope * (p.at - meanX)) ** 2;
  const slopeError = Math.sqrt(residuals / (n - 2) / sxx);
  return { slopePerHour: slope * HOUR, slopeError: slopeError * HOUR, sustained: n >= 6 && slope > 0 && slope > 3 * slopeError };
}

/** `30s`, `10m`, `2h`, `1d`, or milliseconds as a plain number. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: HOUR, d: 24 * HOUR }[(m[2] ?? 'ms').toLowerCase() as 'ms'];
  const value = Number(m[1]) * unit;
  return value > 0 ? value : undefined;
}
