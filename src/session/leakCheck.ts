import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { diffSnapshots } from '../analysis/diff';
import { loadForDiff } from '../analysis/loadForDiff';
import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, type Progress } from '../common/progress';
import type { InspectorConnection } from '../inspector/connection';
import { sampleMemory } from '../inspector/memorySampler';
import { rssBreakdown } from '../memory/breakdown';
import { memoryVerdict } from '../memory/verdict';
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
  const cycle = async () => {
    if (options.workload.url) await requestMany(options.workload.url, options.workload.requests ?? 100, token);
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
  const baselineFile = join(options.outDir, 'baseline.heapsnapshot');
  await connection.takeHeapSnapshot(baselineFile, { token });

  if (options.trackAllocations) await connection.startTrackingAllocations();
  for (let i = 0; i < options.cycles; i++) {
    step(`Cycle ${i + 1}/${options.cycles}`);
    await cycle();
    await connection.collectGarbage();
    samples.push(await sampleMemory(connection, `cycle ${i + 1}`));
  }
  step('Taking the after snapshot');
  const afterFile = join(options.outDir, 'after.heapsnapshot');
  // Ending the tracking yields the snapshot that carries the allocation stacks.
  if (options.trackAllocations) await connection.stopTrackingToFile(afterFile, { token });
  else await connection.takeHeapSnapshot(afterFile, { token });

  step('Analysing the snapshots');
  const inputs = await loadForDiff({ baseline: baselineFile, after: afterFile }, { token });
  const diff = withScriptUrls(diffSnapshots(inputs.baseline, inputs.after), connection.scriptUrls);
  return {
    baselineFile,
    afterFile,
    diff,
    samples,
    breakdown: rssBreakdown(samples[samples.length - 1]),
    verdict: memoryVerdict(samples),
    scripts: Object.fromEntries(connection.scriptUrls),
  };
}

/** Snapshot locations name scripts by id; the inspector saw which file each id is. */
function withScriptUrls(diff: SnapshotDiff, scripts: ReadonlyMap<string, string>): SnapshotDiff {
  for (const group of diff.groups) {
    for (const sample of group.samples) {
      const url = sample.location && scripts.get(String(sample.location.scriptId));
      if (sample.location && url) sample.location.url = url;
    }
  }
  return diff;
}
