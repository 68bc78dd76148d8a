import { z } from 'zod/v4';
import type { Finding, RetainerGroup } from '../analysis/types';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { compareReports } from '../report/compareReports';
import { formatLeakedObjectLabel, formatLocation, formatPathFrom, formatRetainerPath, printable } from '../render/format';
import type { LeakReport } from '../report/leakReport';
import { readLeakReport } from '../report/readLeakReport';
import { findingSummaryOutput, summarizeFinding } from './findingSummary';
import { defineTool, page, pagingInput, pagingOutput, resolvePath, type ToolContext } from './toolDefinition';

export const reportInput = { report: z.string().describe('The report.json of a leak check (leakscope_run_leak_check returns its path).') };
export const findingInput = { finding: z.number().int().min(0).describe("The finding's index, as leakscope_report_findings lists it.") };

export const reportFindingsTool = defineTool({
  name: 'leakscope_report_findings',
  title: "List a report's findings",
  description:
    "The findings of a leak check's report.json, largest growth first, a page at a time: what grows, what holds it, where in the code, and what to do.",
  readOnly: true,
  input: { ...reportInput, ...pagingInput },
  output: { verdict: z.string(), summary: z.string(), findings: z.array(findingSummaryOutput), ...pagingOutput },
  async run(i, context) {
    const report = await readReportFor(i, context);
    const { items, ...paging } = page(report.findings, i);
    const findings = items.map((f, k) => summarizeFinding(f, paging.offset + k));
    return {
      structured: { verdict: report.verdict, summary: report.summary, findings, ...paging },
      summary: `Findings ${paging.offset + 1}-${paging.offset + items.length} of ${paging.total}. ${report.summary}`,
    };
  },
});

export const findingHolderPathTool = defineTool({
  name: 'leakscope_finding_holder_path',
  title: "A finding's holder path",
  description:
    "The retainer path that keeps a finding's holder alive, from a GC root, step by step (paged): the edge (property, variable, map entry) and the object it leads to. The last step is the holder, the collection that grows.",
  readOnly: true,
  input: { ...reportInput, ...findingInput, ...pagingInput },
  output: {
    title: z.string(),
    path: z.string().describe('The whole path on one line, long paths elided in the middle.'),
    steps: z.array(
      z.object({
        index: z.number(),
        edge: z.string(),
        edgeType: z.string(),
        nodeType: z.string(),
        className: z.string(),
        name: z.string(),
        id: z.number(),
        retainedSize: z.number(),
      }),
    ),
    source: findingSummaryOutput.shape.source,
    ...pagingOutput,
  },
  async run(i, context) {
    const finding = findingOf(await readReportFor(i, context), i.finding);
    const { items, ...paging } = page(finding.holderPath, i);
    const steps = items.map((s, k) => ({
      index: paging.offset + k,
      edge: printable(s.edge, 80),
      edgeType: s.edgeType,
      nodeType: s.node.type,
      className: printable(s.node.className, 80),
      name: printable(s.node.name, 80),
      id: s.node.id,
      retainedSize: s.node.retainedSize,
    }));
    const summary = summarizeFinding(finding, i.finding);
    return {
      structured: { title: summary.title, path: summary.holder, steps, ...(summary.source ? { source: summary.source } : {}), ...paging },
      summary: `${summary.title}: ${summary.holder}`,
    };
  },
});

export const reportSamplesTool = defineTool({
  name: 'leakscope_report_samples',
  title: 'Sample leaked objects',
  description:
    "A few of the objects a finding's holder gained during the check (paged), each with how it hangs off the holder, its whole retainer path, and where it was allocated when known.",
  readOnly: true,
  input: { ...reportInput, ...findingInput, ...pagingInput },
  output: {
    samples: z.array(
      z.object({
        id: z.number(),
        label: z.string(),
        className: z.string(),
        selfSize: z.number(),
        retainedSize: z.number(),
        fromHolder: z.string().optional().describe('The path from the holder to the object.'),
        path: z.string().describe('The whole retainer path, from a GC root.'),
        location: z.string().optional(),
        allocatedBy: z.string().optional(),
      }),
    ),
    ...pagingOutput,
  },
  async run(i, context) {
    const report = await readReportFor(i, context);
    const group = groupOf(report, findingOf(report, i.finding));
    const { items, ...paging } = page(group?.samples ?? [], i);
    const samples = items.map((s) => {
      const frame = s.allocation?.[0];
      const fromHolder = group ? formatPathFrom(s.path, group.holderId, { maxSteps: 8 }) : undefined;
      return {
        id: s.id,
        label: formatLeakedObjectLabel(s),
        className: printable(s.className, 120),
        selfSize: s.selfSize,
        retainedSize: s.retainedSize,
        ...(fromHolder ? { fromHolder } : {}),
        path: formatRetainerPath(s.path, { maxSteps: 12 }),
        ...(s.location ? { location: formatLocation(s.location) } : {}),
        ...(frame
          ? { allocatedBy: printable(`${frame.functionName || '(anonymous)'} ${frame.url}:${frame.line}:${frame.column}`, 300) }
          : {}),
      };
    });
    return {
      structured: { samples, ...paging },
      summary: `Samples ${paging.offset + 1}-${paging.offset + items.length} of ${paging.total}.`,
    };
  },
});

export const reportClassesTool = defineTool({
  name: 'leakscope_report_classes',
  title: "A report's class table",
  description:
    "Per class, what changed between the leak check's baseline and after snapshots (paged, largest retained change first): new and deleted instances, count and retained size deltas.",
  readOnly: true,
  input: { ...reportInput, ...pagingInput },
  output: {
    classes: z.array(
      z.object({
        className: z.string(),
        newCount: z.number(),
        deletedCount: z.number(),
        countDelta: z.number(),
        selfSizeDelta: z.number(),
        retainedSizeDelta: z.number(),
      }),
    ),
    ...pagingOutput,
  },
  async run(i, context) {
    const report = await readReportFor(i, context);
    const { items, ...paging } = page(report.diff.classes, i);
    const classes = items.map((c) => ({
      className: printable(c.className, 120),
      newCount: c.newCount,
      deletedCount: c.deletedCount,
      countDelta: c.countDelta,
      selfSizeDelta: c.selfSizeDelta,
      retainedSizeDelta: c.retainedSizeDelta,
    }));
    return {
      structured: { classes, ...paging },
      summary: `Classes ${paging.offset + 1}-${paging.offset + items.length} of ${paging.total}.`,
    };
  },
});

const comparedFinding = z.object({ title: z.string(), kind: z.string(), holder: z.string(), bytesPerCycle: z.number() });

export const compareReportsTool = defineTool({
  name: 'leakscope_compare_reports',
  title: 'Compare two reports',
  description:
    'What a change did to the leaks, from the report.json of a leak check on each side (base before the change, head after): new leaks, fixed ones, and the ones still there, worse or not.',
  readOnly: true,
  input: { base: z.string().describe('report.json before the change.'), head: z.string().describe('report.json after it.') },
  output: {
    base: z.object({ verdict: z.string(), summary: z.string(), findingCount: z.number() }),
    head: z.object({ verdict: z.string(), summary: z.string(), findingCount: z.number() }),
    newFindings: z.array(comparedFinding),
    fixedFindings: z.array(comparedFinding),
    persisting: z.array(comparedFinding.extend({ change: z.enum(['worse', 'better', 'same']), bytesPerCycleDelta: z.number() })),
    settingsDiffer: z.array(z.string()),
  },
  async run(i, context) {
    const base = await readLeakReport(resolvePath(i.base, context), REPORT_WANTED);
    const head = await readLeakReport(resolvePath(i.head, context), REPORT_WANTED);
    const c = compareReports(base, head, { base: i.base, head: i.head });
    const side = (s: typeof c.base) => ({ verdict: s.verdict, summary: s.summary, findingCount: s.findingCount });
    const brief = (f: Finding) => ({
      title: printable(f.title, 200),
      kind: f.kind,
      holder: formatRetainerPath(f.holderPath, { maxSteps: 6 }),
      bytesPerCycle: Math.round(f.growth.bytesPerCycle),
    });
    return {
      structured: {
        base: side(c.base),
        head: side(c.head),
        newFindings: c.newFindings.map(brief),
        fixedFindings: c.fixedFindings.map(brief),
        persisting: c.persisting.map((p) => ({ ...brief(p.head), change: p.change, bytesPerCycleDelta: Math.round(p.bytesPerCycleDelta) })),
        settingsDiffer: c.settingsDiffer,
      },
      summary: `${c.newFindings.length} new, ${c.fixedFindings.length} fixed, ${c.persisting.length} still there.`,
    };
  },
});

/** What the report tools take, said when they are handed a snapshot or a diff instead. */
const REPORT_WANTED = {
  takes: 'give the report.json of a leak check (the files.report of leakscope_run_leak_check)',
  versionAdvice: 'compare reports written by the same version',
};

export function readReportFor(i: { report: string }, context: Pick<ToolContext, 'cwd'>): Promise<LeakReport> {
  return readLeakReport(resolvePath(i.report, context), REPORT_WANTED);
}

export function findingOf(report: LeakReport, index: number): Finding {
  const finding = report.findings[index];
  if (!finding)
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      `The report has ${report.findings.length} finding(s); there is no finding ${index}.`,
    );
  return finding;
}

/** The diff group a finding was named from: the one whose holder ends the finding's path. */
function groupOf(report: LeakReport, finding: Finding): RetainerGroup | undefined {
  // report.diff is the main thread's: a worker's finding names objects of that worker's snapshots.
  if (finding.thread) return undefined;
  const holderId = finding.holderPath[finding.holderPath.length - 1]?.node.id;
  return report.diff.groups.find((g) => g.holderId === holderId);
}
