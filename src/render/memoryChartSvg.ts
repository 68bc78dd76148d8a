import { formatBytes } from '../common/bytes';
import type { MemorySample } from '../memory/types';
import { escapeHtml, printable } from './format';

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 16, bottom: 40, left: 72 };

const SERIES = [
  { key: 'rss', label: 'RSS', value: (s: MemorySample) => s.rss, dash: '' },
  { key: 'heap-total', label: 'V8 heap total', value: (s: MemorySample) => s.heapTotal, dash: '6 3' },
  { key: 'heap-used', label: 'V8 heap used', value: (s: MemorySample) => s.heapUsed, dash: '' },
  { key: 'external', label: 'External + ArrayBuffers', value: (s: MemorySample) => s.external, dash: '2 3' },
] as const;

/**
 * The check's memory per cycle as a static SVG for report.html: one point per sample (baseline,
 * each cycle, after), RSS, heap total, heap used and external as lines, each point with a native
 * tooltip. No script and no inline style (the page's CSP allows neither); colours come from the
 * page's stylesheet classes, so it follows light and dark themes like the panel's chart.
 */
export function memoryChartSvg(samples: MemorySample[]): string {
  if (samples.length === 0) return '<p class="muted">No memory samples were recorded.</p>';
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = niceTop(Math.max(...samples.map((s) => Math.max(s.rss, s.heapTotal, s.external))));
  const x = (i: number) => MARGIN.left + (samples.length === 1 ? innerW / 2 : (i / (samples.length - 1)) * innerW);
  const y = (v: number) => MARGIN.top + innerH - (Math.max(0, v) / top) * innerH;
  const n = (v: number) => v.toFixed(1);
  const out: string[] = [];
  const summary = `Memory per cycle: RSS from ${formatBytes(samples[0].rss)} to ${formatBytes(samples[samples.length - 1].rss)}, V8 heap used from ${formatBytes(samples[0].heapUsed)} to ${formatBytes(samples[samples.length - 1].heapUsed)}.`;
  out.push(
    `<figure class="memory-chart"><svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(summary)}">`,
  );
  for (let t = 0; t <= 4; t++) {
    const v = (top * t) / 4;
    out.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${n(y(v))}" y2="${n(y(v))}"/>`);
    out.push(`<text class="tick" x="${MARGIN.left - 6}" y="${n(y(v) + 4)}" text-anchor="end">${escapeHtml(formatBytes(v))}</text>`);
  }
  // Labels for at most ~12 samples, so they never overlap.
  const every = Math.max(1, Math.ceil(samples.length / 12));
  samples.forEach((s, i) => {
    if (i % every !== 0 && i !== samples.length - 1) return;
    out.push(
      `<text class="tick" x="${n(x(i))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(printable(s.label ?? String(i), 14))}</text>`,
    );
  });
  for (const series of SERIES) {
    const points = samples.map((s, i) => `${n(x(i))},${n(y(series.value(s)))}`).join(' ');
    out.push(`<polyline class="series ${series.key}" points="${points}"${series.dash ? ` stroke-dasharray="${series.dash}"` : ''}/>`);
    samples.forEach((s, i) => {
      out.push(
        `<circle class="point ${series.key}" cx="${n(x(i))}" cy="${n(y(series.value(s)))}" r="3"><title>${escapeHtml(`${printable(s.label ?? `sample ${i + 1}`, 40)}: ${series.label} ${formatBytes(series.value(s))}`)}</title></circle>`,
      );
    });
  }
  out.push('</svg>');
  out.push(
    `<figcaption class="chart-legend">${SERIES.map((s) => `<span class="swatch ${s.key}" aria-hidden="true"></span>${escapeHtml(s.label)}`).join(' ')}</figcaption>`,
  );
  out.push('</figure>');
  return out.join('\n');
}

/** A round upper bound for the axis: 1, 2 or 5 × a power of ten above the largest value. */
function niceTop(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max * 1.05));
  for (const step of [1, 2, 5, 10]) if (step * power >= max * 1.05) return step * power;
  return 10 * power;
}
