import { diffWithHolders } from '../analysis/diff';
import { detectFindings } from '../analysis/findings';
import { loadForDiff } from '../analysis/loadForDiff';
import { mapDiffLocations, withScriptUrls } from '../analysis/mapLocations';
import { attributePackages } from '../analysis/packageAttribution';
import { mergePackageInstances } from '../analysis/packageInstance';
import { setAsideBoundInCode } from '../analysis/boundInCode';
import type { Finding, PackageUsage, SnapshotDiff } from '../analysis/types';
import type { CancellationToken } from '../common/cancellation';
import type { InspectorConnection } from '../inspector/connection';
import { scriptUrlsOf } from '../snapshot/scriptUrls';
import { attachHolderCode } from './attachHolderCode';
import { packageVersion } from './packageVersion';
import { SourceMaps } from './sourceMaps';
import type { LeakCheckOptions } from './types';

export interface SnapshotFiles {
  baseline: string;
  mid?: string;
  after: string;
}

/**
 * Diffs one thread's snapshots and names what grows: the engine, the detectors, source maps,
 * the inserting statement and the packages. `connection` is the thread's own (the main
 * thread's or a worker's): it saw which script each id of that thread's snapshots is.
 */
export async function analyseSnapshots(
  connection: InspectorConnection,
  files: SnapshotFiles,
  cycles: { total: number; beforeMid: number },
  options: Pick<LeakCheckOptions, 'thresholds'>,
  token: CancellationToken,
): Promise<{ findings: Finding[]; diff: SnapshotDiff; packages: PackageUsage[] }> {
  const inputs = await loadForDiff({ baseline: files.baseline, after: files.after, ...(files.mid ? { mid: files.mid } : {}) }, { token });
  const mid = inputs.midIds
    ? { ids: inputs.midIds, cyclesBefore: cycles.beforeMid, cyclesAfter: cycles.total - cycles.beforeMid }
    : undefined;
  const { diff: rawDiff, holders, graph } = diffWithHolders(inputs.baseline, inputs.after, undefined, { ...(mid ? { mid } : {}) });
  // Scripts the connection saw parsed first; the snapshot names the rest (a late attach, a CDP proxy).
  let fromSnapshot: Map<number, string> | undefined;
  const scriptUrl = (id: number) => connection.scriptUrl(id) ?? (fromSnapshot ??= scriptUrlsOf(graph.snapshot)).get(id);
  const { mapLocation } = new SourceMaps({ sourceMapUrl: (url) => connection.sourceMapUrl(url) });
  const diff = mapDiffLocations(withScriptUrls(rawDiff, scriptUrl), mapLocation);
  const findings = setAsideBoundInCode(
    attachHolderCode(detectFindings(diff, graph, holders, { scriptUrl, mapLocation, ...options.thresholds })),
    diff,
  );
  const packages = attributePackages(diff, graph, holders, findings, { scriptUrl, mapLocation, packageVersion });
  return { findings: mergePackageInstances(findings), diff, packages };
}
