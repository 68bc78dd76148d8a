import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { diffWithHolders } from '../analysis/diff';
import { detectFindings } from '../analysis/findings';
import { loadForDiff } from '../analysis/loadForDiff';
import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, type Progress } from '../common/progress';
import type { InspectorConnection } from '../inspector/connection';
import { sampleMemory } from '../inspector/memorySampler';
import { scriptUrlsOf } from '../snapshot/scriptUrls';
import { rssBreakdown } from '../memory/breakdown';
import { memoryVerdict } from '../memory/verdict';
import type { MemoryVerdict } from '../memory/types';
import type { LeakReport, LeakVerdict } from '../report/leakReport';
import type { SnapshotDiff } from '../analysis/types';
import type { LeakCheckOptions, LeakCheckResult } from './types';
import { requestMany } from './workload';

/**
 * The leak check on a connected process: warm up (lazy caches fill), clean up, GC, baseline
 * snapshot; then N cycles of workload, cleanup and GC; then the after snapshot and the diff.
 * What is new since the baseline and still alive after cleanup is what the workload leaks.
 */
export async function runLeakCheck(
  connection: InspectorConnection,
  options: LeakCheckOptions,
  progress: Progress = NoProgress,
  token: CancellationToken = NeverCancelled,
): Promise<LeakCheckResult> {
  if (!options.workload.url && !options.workload.expression) {
    throw new LeakscopeError(ErrorCode.InvalidArgument, 'A leak check needs a workload: --workload-url URL or --workload-expr EXPR.');
  }
  await fs.mkdir(options.outDir, { recursive: true });
  const step = (message: string) => progress.report({ message });
  let sent = 0;
  const cycle = async () => {
    if (options.workload.url) {
      const count = options.workload.requests ?? 100;
      await requestMany(options.workload.url, count, token, sent, options.workload.acceptStatus);
      sent += count;
    }
    if (options.workload.expression) await connection.evaluate(options.workload.expression);
    if (options.cleanupExpression) await connection.evaluate(options.cleanupExpression);
    throwIfCancelled(token);
  };

  for (let i = 0; i < options.warmup; i++) {
    step(`Warm-up ${i + 1}/${options.warmup}`);
    await cycle();
  }
  if (options.warmup === 0 && options.cleanupExpression) await connection.evaluate(options.cleanupExpression);
  step('Collecting garbage and taking the baseline snapshot');
  await connection.collectGarbage();
  const samples = [await sampleMemory(connection, 'baseline')];
  options.onSample?.(samples[0]);
  const baselineFile = join(options.outDir, 'baseline.heapsnapshot');
  await connection.takeHeapSnapshot(baselineFile, { token });

  if (options.trackAllocations) await connection.startTrackingAllocations();
  // A snapshot halfway splits each group's growth into two windows: steady growth shows in both.
  const midAfter = options.cycles >= 2 ? Math.ceil(options.cycles / 2) : 0;
  const midFile = join(options.outDir, 'mid.heapsnapshot');
  for (let i = 0; i < options.cycles; i++) {
    step(`Cycle ${i + 1}/${options.cycles}`);
    await cycle();
    await connection.collectGarbage();
    samples.push(await sampleMemory(connection, `cycle ${i + 1}`));
    options.onSample?.(samples[samples.length - 1]);
    if (i + 1 === midAfter && i + 1 < options.cycles) {
      step('Taking the mid snapshot');
      await connection.takeHeapSnapshot(midFile, { token });
    }
  }
  step('Taking the after snapshot');
  const afterFile = join(options.outDir, 'after.heapsnapshot');
  // Ending the tracking yields the snapshot that carries the allocation stacks.
  if (options.trackAllocations) await connection.stopTrackingToFile(afterFile, { token });
  else await connection.takeHeapSnapshot(afterFile, { token });

  step('Analysing the snapshots');
  const hasMid = midAfter > 0 && midAfter < options.cycles;
  const inputs = await loadForDiff({ baseline: baselineFile, after: afterFile, ...(hasMid ? { mid: midFile } : {}) }, { token });
  const mid = inputs.midIds ? { ids: inputs.midIds, cyclesBefore: midAfter, cyclesAfter: options.cycles - midAfter } : undefined;
  const { diff: rawDiff, holders, graph } = diffWithHolders(inputs.baseline, inputs.after, undefined, { ...(mid ? { mid } : {}) });
  // Scripts the connection saw parsed first; the snapshot names the rest (a late attach, a CDP proxy).
  let fromSnapshot: Map<number, string> | undefined;
  const scriptUrl = (id: number) => connection.scriptUrl(id) ?? (fromSnapshot ??= scriptUrlsOf(graph.snapshot)).get(id);
  const diff = withScriptUrls(rawDiff, scriptUrl);
  const findings = detectFindings(diff, graph, holders, { scriptUrl, ...options.thresholds });
  const breakdown = rssBreakdown(samples[samples.length - 1]);
  const memory = { samples, breakdown, verdict: memoryVerdict(samples, findings.length > 0 ? { retainedGrowth: true } : {}) };
  const verdict = leakVerdict(findings.length, memory.verdict);
  const report: LeakReport = {
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    verdict,
    summary: verdictSummary(verdict, findings.length, memory.verdict.summary, hasMid),
    target: { ...(options.command ? { command: options.command } : {}), endpoint: connection.endpoint },
    settings: {
      warmup: options.warmup,
      cycles: options.cycles,
      ...(options.workload.url ? { workloadUrl: options.workload.url, requests: options.workload.requests ?? 100 } : {}),
      ...(options.workload.expression ? { workloadExpression: options.workload.expression } : {}),
      ...(options.cleanupExpression ? { cleanupExpression: options.cleanupExpression } : {}),
      trackAllocations: Boolean(options.trackAllocations),
    },
    findings,
    memory,
    snapshots: { baseline: baselineFile, ...(hasMid ? { mid: midFile } : {}), after: afterFile },
    diff,
  };
  return {
    baselineFile,
    ...(hasMid ? { midFile } : {}),
    afterFile,
    diff,
    samples,
    breakdown,
    verdict: memory.verdict,
    report,
    scripts: Object.fromEntries(connection.scriptUrls),
  };
}

/** Snapshot locations name scripts by id; the inspector saw which file each id is. */
function withScriptUrls(diff: SnapshotDiff, scriptUrl: (id: number) => string | undefined): SnapshotDiff {
  for (const group of diff.groups) {
    for (const sample of group.samples) {
      const url = sample.location && scriptUrl(sample.location.scriptId);
      if (sample.location && url) sample.location.url = url;
    }
  }
  return diff;
}

/** report.json's verdict: findings decide a leak; otherwise what the memory says, a high-water mark being no leak. */
function leakVerdict(findings: number, memory: MemoryVerdict): LeakVerdict {
  if (findings > 0 || memory.kind === 'leak') return 'leak';
  if (memory.kind === 'allocator-retention' || memory.kind === 'heap-headroom') return memory.kind;
  return 'no-leak';
}

function verdictSummary(verdict: LeakVerdict, findings: number, memory: string, hadMid: boolean): string {
  if (findings > 0) return `${findings === 1 ? 'One holder grows' : `${findings} holders grow`} steadily across the cycles and survive${findings === 1 ? 's' : ''} cleanup and GC. ${memory}`;
  if (!hadMid) return `${memory} (With fewer than two cycles there is no growth evidence; run more cycles to name leaks.)`;
  return verdict === 'leak' ? memory : `Nothing grew steadily across the cycles. ${memory}`;
}
