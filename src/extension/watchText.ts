import type { Finding } from '../analysis/types';
import { formatBinaryBytes, formatBytes } from '../common/bytes';
import { printable } from '../common/printable';
import type { Headroom } from '../memory/headroom';
import type { MemoryTrend } from '../memory/memoryTrend';
import type { MemorySample } from '../memory/types';
import { findingFacts, renderFindingsText } from '../render/findingsText';

/** The RSS a watch is held against, and where that number came from. */
export interface WatchLimit {
  bytes: number;
  /** `setting`: the user's watch limit, which triggers a capture; the others are only shown. */
  source: 'setting' | Exclude<Headroom['limitSource'], 'unknown'>;
}

/** What the status bar shows: the watch so far (session/watch's `WatchReading`, or its result). */
export interface WatchState {
  samples: readonly MemorySample[];
  heapTrend: MemoryTrend;
  rssTrend: MemoryTrend;
  findings: Finding[];
  trigger?: string;
}

const LIMIT_SOURCES: { [K in WatchLimit['source']]: string } = {
  setting: 'the leakscope.watch.rssLimit setting; crossing it takes a heap snapshot (if one fits)',
  'memory-limit': 'the leakscope.leakCheck.memoryLimit setting; shown only, set leakscope.watch.rssLimit to capture before it',
  cgroup: "the container's cgroup limit; shown only, set leakscope.watch.rssLimit to capture before it",
  machine:
    "the machine's available memory (its RSS and what is free, less a reserve); shown only, set leakscope.watch.rssLimit to capture before it",
};

/** ↑ growth clear of the noise, ↗ rising within it, → flat, ↓ falling; … until there are readings enough for a line. */
export function trendArrow(trend: MemoryTrend): string {
  if (!Number.isFinite(trend.slopeError)) return '…';
  if (trend.sustained) return '↑';
  if (trend.slopePerHour > trend.slopeError) return '↗';
  if (trend.slopePerHour < -trend.slopeError) return '↓';
  return '→';
}

/** `$(pulse) api 412 MB ↑ 38.0 MB/h · limit 1.5 GiB`: RSS now and the heap's trend (what the watch judges). */
export function watchStatusText(label: string, state: WatchState, limit: WatchLimit | undefined): string {
  const last = state.samples[state.samples.length - 1];
  const arrow = trendArrow(state.heapTrend);
  const trend = arrow === '…' ? '…' : `${arrow} ${formatBytes(Math.abs(state.heapTrend.slopePerHour))}/h`;
  const icon = state.trigger ? '$(loading~spin)' : '$(pulse)';
  const tail = state.trigger ? ' · capturing' : limit ? ` · limit ${formatBinaryBytes(limit.bytes)}` : '';
  return `${icon} ${shortLabel(label)} ${last ? formatBytes(last.rss) : '…'} ${trend}${tail}`;
}

/** The status item's tooltip: the trend's confidence, the limit and its source, the growing allocation sites. */
export function watchTooltip(label: string, state: WatchState, limit: WatchLimit | undefined, intervalMs: number): string {
  const last = state.samples[state.samples.length - 1];
  const lines = [
    `Leakscope is watching ${printable(label, 200)}: a reading every ${formatSeconds(intervalMs)}, ${state.samples.length} so far.`,
  ];
  if (last) lines.push(`RSS ${formatBytes(last.rss)}, heap ${formatBytes(last.heapUsed)}.`);
  lines.push(`Heap trend: ${trendSentence(state.heapTrend)}`, `RSS trend: ${trendSentence(state.rssTrend)}`);
  lines.push(
    limit
      ? `Limit: ${formatBinaryBytes(limit.bytes)}, from ${LIMIT_SOURCES[limit.source]}.`
      : 'Limit: none known; set leakscope.watch.rssLimit to capture at a size.',
  );
  if (state.trigger) lines.push(`${printable(state.trigger, 300)} Taking a heap snapshot, if one fits.`);
  lines.push('Allocation sites whose surviving memory keeps growing:');
  if (state.findings.length === 0) lines.push('  none yet');
  for (const f of state.findings.slice(0, 5)) {
    const facts = findingFacts(f);
    lines.push(`  • ${facts.title}${facts.source ? `, ${facts.source}` : ''}: ${formatBytes(f.growth.bytesPerCycle)} per reading`);
  }
  if (state.findings.length > 5) lines.push(`  and ${state.findings.length - 5} more`);
  lines.push('Click for the live memory chart, or to stop watching (which writes the report).');
  return lines.join('\n');
}

/** The report a watch leaves in its session folder (Markdown; every string from the target made printable, code indented so it cannot close a block). */
export function watchReportMarkdown(
  label: string,
  state: WatchState & { snapshot?: { file?: string; headroom: Pick<Headroom, 'reason'> } },
  limit: WatchLimit | undefined,
  ended: string,
): string {
  const last = state.samples[state.samples.length - 1];
  const first = state.samples[0];
  const out = [`# Leakscope watch of ${printable(label, 200).replace(/[\\`*_[\]<>#|]/g, '\\$&')}`, ''];
  if (first && last)
    out.push(
      `${state.samples.length} readings over ${formatSeconds(last.at - first.at)}; RSS ${formatBytes(first.rss)} → ${formatBytes(last.rss)}, heap ${formatBytes(first.heapUsed)} → ${formatBytes(last.heapUsed)}.`,
      '',
    );
  out.push(`- Heap trend: ${trendSentence(state.heapTrend)}`, `- RSS trend: ${trendSentence(state.rssTrend)}`);
  out.push(limit ? `- Limit: ${formatBinaryBytes(limit.bytes)}, from ${LIMIT_SOURCES[limit.source]}.` : '- Limit: none known.');
  out.push(`- Ended: ${printable(state.trigger ?? ended, 300)}`);
  if (state.snapshot)
    out.push(
      state.snapshot.file
        ? `- Heap snapshot: ${printable(state.snapshot.file, 500)}`
        : `- No heap snapshot: ${printable(state.snapshot.headroom.reason, 500)}`,
    );
  out.push('', '## Allocation sites whose surviving memory keeps growing', '');
  if (state.findings.length === 0) out.push('None.');
  else
    out.push(
      ...renderFindingsText(state.findings)
        .trimEnd()
        .split('\n')
        .map((line) => `    ${line}`),
    );
  return `${out.join('\n')}\n`;
}

function trendSentence(trend: MemoryTrend): string {
  if (!Number.isFinite(trend.slopeError)) return 'too few readings for a trend yet.';
  const rate = `${formatBytes(trend.slopePerHour)}/h ± ${formatBytes(trend.slopeError)}/h`;
  if (trend.sustained) return `${rate}, steady growth (more than three standard errors above zero).`;
  return `${rate}, nothing that stands out from the noise.`;
}

function shortLabel(label: string): string {
  const text = printable(label, 1000).replace(/ \(pid \d+\)$/, '');
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${Number(s.toFixed(1))} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Number((s / 3600).toFixed(1))} h`;
}
