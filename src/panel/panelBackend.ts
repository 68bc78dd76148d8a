import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Finding } from '../analysis/types';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import type { Progress } from '../common/progress';
import type { LeakReport } from '../report/leakReport';
import { readLeakReport } from '../report/readLeakReport';
import { answerQuery, classRowsOfDiff, pageClassRows } from './panelQueries';
import { findingFacts, threadText } from '../render/findingsText';
import type { ClassRow, FindingView, MemoryMark, PanelModel, QueryCallOf, QueryMethod, QueryResult, ReportView } from './protocol';
import { createGraphHost, type GraphHost } from './graphHost';
import { memoryMarks } from './memoryMarks';
import { toUserSources } from '../session/userSources';

/** What a panel talks to: its model, and answers to its queries. */
export interface PanelBackend {
  readonly model: PanelModel;
  query<M extends QueryMethod>(call: QueryCallOf<M>, token?: CancellationToken): Promise<QueryResult<M>>;
  dispose(): void;
}

export interface BackendOptions {
  /** Run the snapshot work in this thread (tests); the extension uses a worker. */
  inProcess?: boolean;
  progress?: Progress;
  token?: CancellationToken;
}

export async function openSnapshotBackend(file: string, options: BackendOptions = {}): Promise<PanelBackend> {
  const host = createGraphHost(options);
  try {
    const snapshot = await host.openSnapshot(file, options.progress, options.token);
    return graphBackend(host, { kind: 'snapshot', title: basename(file), snapshot });
  } catch (e) {
    host.dispose();
    throw e;
  }
}

export async function openDiffBackend(baseline: string, after: string, options: BackendOptions = {}): Promise<PanelBackend> {
  const host = createGraphHost(options);
  try {
    const diff = await host.openDiff(baseline, after, options.progress, options.token);
    return graphBackend(host, { kind: 'diff', title: `${basename(baseline)} → ${basename(after)}`, diff });
  } catch (e) {
    host.dispose();
    throw e;
  }
}

function graphBackend(host: GraphHost, model: PanelModel): PanelBackend {
  return {
    model,
    query: (call, token) => host.query(call, token),
    dispose: () => host.dispose(),
  };
}

/**
 * A report's panel. The class table comes from the report itself; object queries (paths of a
 * class, retainers of one object) need the after snapshot, found where the report says or beside
 * the report (a report copied out of a CI run with its snapshots).
 */
/** Whether the editor has a quick-fix for a finding; `command` is what the check launched. */
export type FixAvailable = (finding: Finding, command?: readonly string[]) => boolean;

export async function openReportBackend(
  file: string,
  options: BackendOptions & { fixAvailable?: FixAvailable } = {},
): Promise<PanelBackend> {
  const report = await readLeakReport(file);
  // Go to source and Apply fix open the code the user wrote, not the compiled script.
  toUserSources(report.findings);
  const rows = classRowsOfDiff(report.diff);
  const afterFile = await findSnapshot(report.snapshots?.after, dirname(resolve(file)));
  const model: PanelModel = {
    kind: 'report',
    title: basename(dirname(resolve(file))) + '/' + basename(file),
    report: reportView(report, rows, Boolean(afterFile), options.fixAvailable),
  };
  let host: GraphHost | undefined;
  let opened: Promise<void> | undefined;
  const objects = async <M extends QueryMethod>(call: QueryCallOf<M>, token: CancellationToken): Promise<QueryResult<M>> => {
    if (!afterFile)
      throw new LeakscopeError(
        ErrorCode.FileNotFound,
        'The after snapshot of this report is not on disk, so objects cannot be queried; the findings and the class table still can.',
      );
    host ??= createGraphHost(options);
    opened ??= host.openAfter(afterFile, report.diff.baseline.totals.maxObjectId, options.progress, options.token);
    await opened;
    return host.query(call, token);
  };
  return {
    model,
    query: (call, token = NeverCancelled) =>
      answerQuery(
        {
          classRows: (params) => pageClassRows(rows, params),
          packages: () => ({ packages: report.packages ?? [] }),
          classPaths: (params) =>
            afterFile
              ? objects({ method: 'classPaths', params }, token)
              : { objects: samplesOfClass(report, params.className, params.limit) },
          retainerGraph: (params) => objects({ method: 'retainerGraph', params }, token),
        },
        call,
      ),
    dispose: () => host?.dispose(),
  };
}

async function findSnapshot(recorded: string | undefined, reportDir: string): Promise<string | undefined> {
  if (!recorded) return undefined;
  const candidates = [isAbsolute(recorded) ? recorded : join(reportDir, recorded), join(reportDir, basename(recorded))];
  for (const c of candidates) {
    if (
      await fs.stat(c).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return c;
  }
  return undefined;
}

/** Without the snapshot, the report's own group samples are the objects it knows paths for. */
function samplesOfClass(report: LeakReport, className: string, limit: number) {
  return report.diff.groups
    .flatMap((g) => g.samples)
    .filter((s) => s.className === className)
    .slice(0, limit)
    .map((s) => ({ id: s.id, name: s.name, selfSize: s.selfSize, retainedSize: s.retainedSize, path: s.path }));
}

export function reportView(report: LeakReport, rows: ClassRow[], canQueryObjects: boolean, fixAvailable?: FixAvailable): ReportView {
  const endpoint = report.target.command?.join(' ') ?? report.target.endpoint;
  return {
    verdict: report.verdict,
    summary: report.summary,
    createdAt: report.createdAt,
    target: endpoint,
    cycles: report.settings.cycles,
    findings: report.findings.map((finding) => findingView(finding, fixAvailable?.(finding, report.target.command) ?? false)),
    memory: { samples: report.memory.samples, marks: marksOf(report), breakdown: report.memory.breakdown, verdict: report.memory.verdict },
    diff: {
      baselineTotals: report.diff.baseline.totals,
      afterTotals: report.diff.after.totals,
      newObjects: report.diff.newObjects,
      classCount: rows.length,
      groups: report.diff.groups,
    },
    canQueryObjects,
    ...(report.target.command ? { command: report.target.command } : {}),
  };
}

function findingView(finding: Finding, fixAvailable: boolean): FindingView {
  const facts = findingFacts(finding);
  const heldBy = facts.heldBy;
  const extra = {
    source: facts.source,
    declared: facts.declared,
    alsoAdded: facts.alsoAdded,
    package: facts.package,
    thread: facts.thread && threadText(facts.thread, (t) => t),
  };
  return {
    finding,
    fixAvailable,
    ...(heldBy ? { heldBy } : {}),
    facts: Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  };
}

/** The chart of a finished check: the mid snapshot, when there is one, follows the middle cycle. */
export function marksOf(report: LeakReport): MemoryMark[] {
  const cycles = report.settings.cycles;
  return memoryMarks(report.memory.samples, {
    cleanup: Boolean(report.settings.cleanupExpression),
    ...(cycles >= 2 && report.snapshots.mid ? { midCycle: Math.ceil(cycles / 2) } : {}),
    ended: true,
  });
}
