import * as d3 from 'd3';
import type { MemoryVerdict, MemorySample, RssBreakdown } from '../src/memory/types';
import type { MemoryMark } from '../src/panel/protocol';
import { el } from './dom';
import { formatBytes, formatPercent, printable } from '../src/render/format';
import { MEMORY_VERDICT_TITLE } from '../src/report/verdicts';

/** The stacked layers, bottom up; together they reach RSS (what is left of it goes in `other`). */
const LAYERS = [
  { key: 'heapUsed', label: 'V8 heap used', value: (s: MemorySample) => s.heapUsed },
  { key: 'heapFree', label: 'V8 heap total (free part)', value: (s: MemorySample) => Math.max(0, s.heapTotal - s.heapUsed) },
  { key: 'external', label: 'External + ArrayBuffers', value: (s: MemorySample) => s.external },
  { key: 'other', label: 'Rest of RSS (native, code)', value: (s: MemorySample) => Math.max(0, s.rss - s.heapTotal - s.external) },
] as const;
type LayerKey = (typeof LAYERS)[number]['key'];

const MARGIN = { top: 22, right: 16, bottom: 28, left: 64 };
const HEIGHT = 240;

export interface MemoryChart {
  element: HTMLElement;
  update(samples: MemorySample[], marks: MemoryMark[]): void;
}

/**
 * Memory over time: a stacked area of heap used, heap free, external and the rest of RSS, with the
 * RSS line on top and the session's marks (snapshots, cleanups). Hover or arrow keys read a sample out.
 */
export function createMemoryChart(): MemoryChart {
  const readout = el('div', { cls: 'chart-readout', attrs: { 'aria-live': 'polite' } });
  const legendItems = new Map<string, HTMLElement>();
  const legend = el('ul', { cls: 'chart-legend' });
  for (const [key, label, swatch] of [...LAYERS.map((l) => [l.key, l.label, `layer-${l.key}`]), ['rss', 'RSS', 'line-rss']]) {
    const item = el('li', {}, el('span', { cls: `swatch ${swatch}`, attrs: { 'aria-hidden': 'true' } }), label);
    legendItems.set(key, item);
    legend.append(item);
  }
  let scope: 'rss' | 'heap' = 'rss';
  const scopeButtons = (['rss', 'heap'] as const).map((value) => {
    const b = el('button', {
      cls: 'toggle',
      text: value === 'rss' ? 'RSS' : 'V8 heap',
      attrs: {
        type: 'button',
        'aria-pressed': String(value === scope),
        title: value === 'rss' ? 'Everything the process holds' : 'Zoom in on the JavaScript heap',
      },
    });
    b.addEventListener('click', () => {
      scope = value;
      for (const other of scopeButtons) other.setAttribute('aria-pressed', String(other === b));
      draw();
    });
    return b;
  });
  const toolbar = el(
    'div',
    { cls: 'chart-toolbar', attrs: { role: 'group', 'aria-label': 'Chart scale' } },
    el('span', { cls: 'label', text: 'Show' }),
    ...scopeButtons,
  );
  const plot = el('div', {
    cls: 'chart-plot',
    attrs: { tabindex: 0, role: 'img', 'aria-label': 'Memory over time. Use the left and right arrow keys to read each sample.' },
  });
  const element = el('figure', { cls: 'memory-chart' }, toolbar, plot, legend, readout);

  let samples: MemorySample[] = [];
  let marks: MemoryMark[] = [];
  let selected = -1;
  let width = 0;

  const svg = d3.select(plot).append('svg').attr('class', 'chart-svg').attr('height', HEIGHT);
  const layersG = svg.append('g').attr('class', 'layers');
  const rssPath = svg.append('path').attr('class', 'line-rss');
  const xAxisG = svg.append('g').attr('class', 'axis axis-x');
  const yAxisG = svg.append('g').attr('class', 'axis axis-y');
  const marksG = svg.append('g').attr('class', 'marks');
  const pointsG = svg.append('g').attr('class', 'points');
  const cursor = svg.append('line').attr('class', 'chart-cursor').attr('visibility', 'hidden');
  const emptyText = svg
    .append('text')
    .attr('class', 'chart-empty')
    .attr('y', HEIGHT / 2)
    .attr('text-anchor', 'middle');
  const overlay = svg.append('rect').attr('class', 'chart-overlay').attr('x', MARGIN.left).attr('y', MARGIN.top);

  let x = d3.scaleLinear();
  let y = d3.scaleLinear();

  function draw(): void {
    width = Math.max(320, plot.clientWidth || 640);
    svg.attr('width', width).attr('viewBox', `0 0 ${width} ${HEIGHT}`);
    const innerW = width - MARGIN.left - MARGIN.right;
    const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
    overlay.attr('width', innerW).attr('height', innerH);
    emptyText.attr('x', width / 2).text(samples.length === 0 ? 'Waiting for the first memory sample…' : '');

    const t0 = samples[0]?.at ?? 0;
    const seconds = (at: number) => (at - t0) / 1000;
    const lastT = samples.length > 1 ? seconds(samples[samples.length - 1].at) : 1;
    x = d3
      .scaleLinear()
      .domain([0, Math.max(lastT, 1e-3)])
      .range([MARGIN.left, MARGIN.left + innerW]);
    const layers = scope === 'rss' ? LAYERS : LAYERS.filter((l) => l.key !== 'other');
    for (const [key, item] of legendItems) item.hidden = scope === 'heap' && (key === 'other' || key === 'rss');
    const stackTop = (s: MemorySample) => (scope === 'rss' ? s.rss : s.heapTotal + s.external);
    const top = d3.max(samples, (s) => (scope === 'rss' ? Math.max(s.rss, s.heapTotal + s.external) : s.heapTotal + s.external)) ?? 1;
    y = d3
      .scaleLinear()
      .domain([0, top * 1.05])
      .nice()
      .range([MARGIN.top + innerH, MARGIN.top]);

    const stack = d3
      .stack<MemorySample, LayerKey>()
      .keys(layers.map((l) => l.key))
      .value((s, key) => LAYERS.find((l) => l.key === key)!.value(s));
    const series = stack(samples);
    const area = d3
      .area<d3.SeriesPoint<MemorySample>>()
      .x((p) => x(seconds(p.data.at)))
      .y0((p) => y(p[0]))
      .y1((p) => y(p[1]));
    layersG
      .selectAll<SVGPathElement, d3.Series<MemorySample, LayerKey>>('path')
      .data(series, (s) => s.key)
      .join('path')
      .attr('class', (s) => `layer layer-${s.key}`)
      .attr('d', (s) => (samples.length > 1 ? area(s) : null));
    const line = d3
      .line<MemorySample>()
      .x((s) => x(seconds(s.at)))
      .y((s) => y(s.rss));
    rssPath.attr('d', samples.length > 0 && scope === 'rss' ? line(samples) : null);

    pointsG
      .selectAll<SVGCircleElement, MemorySample>('circle')
      .data(samples)
      .join('circle')
      .attr('class', `point point-${scope}`)
      .attr('r', 3)
      .attr('cx', (s) => x(seconds(s.at)))
      .attr('cy', (s) => y(stackTop(s)));

    xAxisG.attr('transform', `translate(0,${MARGIN.top + innerH})`).call(
      d3
        .axisBottom(x)
        .ticks(Math.max(2, Math.floor(innerW / 90)))
        .tickFormat((v) => `${d3.format('~r')(Number(v))} s`),
    );
    yAxisG.attr('transform', `translate(${MARGIN.left},0)`).call(
      d3
        .axisLeft(y)
        .ticks(5)
        .tickFormat((v) => formatBytes(Number(v))),
    );

    const visibleMarks = marks.filter((m) => samples.length > 0 && m.at >= t0);
    const markG = marksG
      .selectAll<SVGGElement, MemoryMark>('g.mark')
      .data(visibleMarks)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line');
        g.append('text');
        return g;
      })
      .attr('class', (m) => `mark mark-${m.kind}`)
      .attr('transform', (m) => `translate(${x(Math.min(seconds(m.at), x.domain()[1]))},0)`);
    markG
      .select('line')
      .attr('y1', MARGIN.top)
      .attr('y2', MARGIN.top + innerH);
    markG
      .select('text')
      .attr('y', MARGIN.top - 6)
      .attr('text-anchor', (m) => {
        const mx = x(Math.min(seconds(m.at), x.domain()[1]));
        return mx > width - MARGIN.right - 60 ? 'end' : mx < MARGIN.left + 60 ? 'start' : 'middle';
      })
      .text((m) => (m.kind === 'cycle' ? '' : printable(m.label, 24)));
    markG.selectAll('title').remove();
    markG.append('title').text((m) => printable(m.label, 200));

    showSelected();
  }

  function showSelected(): void {
    const s = samples[selected];
    if (!s) {
      cursor.attr('visibility', 'hidden');
      readout.textContent = samples.length > 0 ? describe(samples[samples.length - 1], 'Latest') : '';
      return;
    }
    const cx = x((s.at - samples[0].at) / 1000);
    cursor
      .attr('visibility', 'visible')
      .attr('x1', cx)
      .attr('x2', cx)
      .attr('y1', MARGIN.top)
      .attr('y2', HEIGHT - MARGIN.bottom);
    readout.textContent = describe(s, s.label ? printable(s.label, 40) : `Sample ${selected + 1}`);
  }

  function nearest(px: number): number {
    if (samples.length === 0) return -1;
    const t = x.invert(px) * 1000 + samples[0].at;
    const i = d3.bisectCenter(
      samples.map((s) => s.at),
      t,
    );
    return Math.max(0, Math.min(samples.length - 1, i));
  }

  overlay.on('pointermove', (event: PointerEvent) => {
    selected = nearest(d3.pointer(event, svg.node())[0]);
    showSelected();
  });
  overlay.on('pointerleave', () => {
    selected = -1;
    showSelected();
  });
  plot.addEventListener('keydown', (event) => {
    if (samples.length === 0) return;
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      const step = event.key === 'ArrowRight' ? 1 : -1;
      selected = selected < 0 ? (step > 0 ? 0 : samples.length - 1) : Math.max(0, Math.min(samples.length - 1, selected + step));
    } else if (event.key === 'Home') selected = 0;
    else if (event.key === 'End') selected = samples.length - 1;
    else if (event.key === 'Escape') selected = -1;
    else return;
    event.preventDefault();
    showSelected();
  });

  new ResizeObserver(() => {
    if (plot.clientWidth !== width) draw();
  }).observe(plot);

  return {
    element,
    update(nextSamples, nextMarks) {
      samples = [...nextSamples].sort((a, b) => a.at - b.at);
      marks = nextMarks;
      if (selected >= samples.length) selected = -1;
      draw();
    },
  };
}

function describe(s: MemorySample, label: string): string {
  return (
    `${label}: RSS ${formatBytes(s.rss)}, V8 heap used ${formatBytes(s.heapUsed)} of ${formatBytes(s.heapTotal)}, ` +
    `external ${formatBytes(s.external)} (ArrayBuffers ${formatBytes(s.arrayBuffers)}), peak RSS ${formatBytes(s.maxRss)}`
  );
}

const BREAKDOWN_PARTS = [
  { key: 'heapUsed', label: 'V8 heap, live objects' },
  { key: 'heapFree', label: 'V8 heap, free pages kept' },
  { key: 'external', label: 'Buffers and other external' },
  { key: 'fileBacked', label: 'Code and files (shared)' },
  { key: 'native', label: 'Native (malloc and the rest)' },
] as const;

/** Where the RSS went, as one bar of its parts, with the same labels as `leakscope memory`. */
export function renderBreakdown(b: RssBreakdown, maxRss: number | undefined): HTMLElement {
  const bar = el('div', { cls: 'breakdown-bar', attrs: { role: 'img', 'aria-label': `RSS ${formatBytes(b.rss)} by part, listed below` } });
  const list = el('ul', { cls: 'breakdown-legend' });
  for (const part of BREAKDOWN_PARTS) {
    const value = b[part.key];
    if (b.rss > 0 && value > 0) {
      const segment = el('span', { cls: `segment part-${part.key}` });
      segment.style.width = `${(value / b.rss) * 100}%`;
      segment.title = `${part.label}: ${formatBytes(value)}`;
      bar.append(segment);
    }
    list.append(
      el(
        'li',
        {},
        el('span', { cls: `swatch part-${part.key}`, attrs: { 'aria-hidden': 'true' } }),
        el('span', { cls: 'legend-label', text: part.label }),
        el('span', { cls: 'legend-value', text: formatBytes(value) }),
        el('span', { cls: 'legend-pct', text: formatPercent(value, b.rss) }),
      ),
    );
  }
  const heading = el(
    'p',
    { cls: 'breakdown-total' },
    el('strong', { text: `RSS ${formatBytes(b.rss)}` }),
    maxRss ? ` (peak ${formatBytes(maxRss)})` : '',
  );
  return el('div', { cls: 'breakdown' }, heading, bar, list);
}

/** The memory verdict in words, as the CLI says it. */
export function renderMemoryVerdict(verdict: MemoryVerdict): HTMLElement {
  return el(
    'div',
    { cls: `verdict verdict-${verdict.kind}`, attrs: { 'data-kind': verdict.kind, role: 'note' } },
    el('p', { cls: 'verdict-title' }, el('strong', { text: `Verdict: ${MEMORY_VERDICT_TITLE[verdict.kind]}.` }), ` ${verdict.summary}`),
    verdict.advice ? el('p', { cls: 'verdict-advice' }, el('strong', { text: 'What to do: ' }), verdict.advice) : null,
  );
}
