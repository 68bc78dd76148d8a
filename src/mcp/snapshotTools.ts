import { statSync } from 'node:fs';
import { z } from 'zod/v4';
import { diffSnapshots } from '../analysis/diff';
import { loadForDiff } from '../analysis/loadForDiff';
import type { SnapshotDiff } from '../analysis/types';
import { loadGraphWithProgress, type GraphLoadContext } from '../snapshot/loadGraph';
import { NoProgress } from '../common/progress';
import { formatBytes } from '../common/bytes';
import { formatGroupChain, formatRetainerPath, printable } from '../render/format';
import { overviewOf } from '../snapshot/overview';
import type { SnapshotOverview } from '../snapshot/types';
import { defineTool, page, pagingInput, pagingOutput, resolvePath, type ToolContext } from './toolDefinition';

/** The longest lists an answer pages through: the biggest dominators, the changed classes, the holder groups. */
const MAX_DOMINATORS = 100;
const MAX_DIFF_CLASSES = 1000;
const MAX_DIFF_GROUPS = 50;

const totalsOutput = z.object({ nodeCount: z.number(), totalSize: z.number(), reachableSize: z.number(), unreachableSize: z.number() });
const classOutput = z.object({ className: z.string(), count: z.number(), selfSize: z.number(), retainedSize: z.number() });

export const inspectSnapshotTool = defineTool({
  name: 'leakscope_inspect_snapshot',
  title: 'Inspect a heap snapshot',
  description: `What a .heapsnapshot holds: totals, then one paged list: the classes that retain the most (section "classes"), or the ${MAX_DOMINATORS} biggest dominators with the path that keeps each alive (section "dominators").`,
  readOnly: true,
  input: {
    file: z.string().describe('The .heapsnapshot file.'),
    section: z.enum(['classes', 'dominators']).optional().describe('Which list to page through (default classes).'),
    ...pagingInput,
  },
  output: {
    file: z.string(),
    totals: totalsOutput,
    section: z.enum(['classes', 'dominators']),
    classes: z.array(classOutput).optional(),
    dominators: z
      .array(z.object({ id: z.number(), label: z.string(), className: z.string(), retainedSize: z.number(), path: z.string() }))
      .optional(),
    ...pagingOutput,
  },
  async run(i, context) {
    const file = resolvePath(i.file, context);
    const overview = await remember(['inspect', file], () => loadOverview(file, context));
    const { nodeCount, totalSize, reachableSize, unreachableSize } = overview.totals;
    const totals = { nodeCount, totalSize, reachableSize, unreachableSize };
    const section = i.section ?? 'classes';
    if (section === 'classes') {
      const { items, ...paging } = page(overview.classes, i);
      const classes = items.map((c) => ({
        className: printable(c.className, 120),
        count: c.count,
        selfSize: c.selfSize,
        retainedSize: c.retainedSize,
      }));
      return {
        structured: { file, totals, section, classes, ...paging },
        summary: `${file}: ${formatBytes(reachableSize)} reachable in ${nodeCount} nodes; classes ${paging.offset + 1}-${paging.offset + items.length} of ${paging.total}.`,
      };
    }
    const { items, ...paging } = page(overview.dominators, i);
    const dominators = items.map((d) => ({
      id: d.node.id,
      label: printable(d.node.name || d.node.className, 120),
      className: printable(d.node.className, 120),
      retainedSize: d.node.retainedSize,
      path: formatRetainerPath(d.path, { maxSteps: 10 }),
    }));
    return {
      structured: { file, totals, section, dominators, ...paging },
      summary: `${file}: dominators ${paging.offset + 1}-${paging.offset + items.length} of ${paging.total}.`,
    };
  },
});

export const diffSnapshotsTool = defineTool({
  name: 'leakscope_diff_snapshots',
  title: 'Diff heap snapshots',
  description: `What changed between two or three snapshots of one process, matched by object id: the new objects still alive, grouped by what holds them (section "groups", the ${MAX_DIFF_GROUPS} largest), or per-class deltas (section "classes"). With final, only objects still alive in it count.`,
  readOnly: true,
  input: {
    baseline: z.string().describe('The oldest snapshot.'),
    after: z.string().describe('A later snapshot of the same process.'),
    final: z.string().optional().describe('A third, later one: only objects that survive into it count.'),
    section: z.enum(['groups', 'classes']).optional().describe('Which list to page through (default groups).'),
    ...pagingInput,
  },
  output: {
    newObjects: z.object({ count: z.number(), selfSize: z.number(), retainedSize: z.number() }),
    section: z.enum(['groups', 'classes']),
    groups: z
      .array(
        z.object({
          holder: z.string(),
          holderClassName: z.string(),
          count: z.number(),
          retainedSize: z.number(),
          classes: z.array(z.string()),
        }),
      )
      .optional(),
    classes: z
      .array(
        z.object({
          className: z.string(),
          newCount: z.number(),
          deletedCount: z.number(),
          countDelta: z.number(),
          retainedSizeDelta: z.number(),
        }),
      )
      .optional(),
    ...pagingOutput,
  },
  async run(i, context) {
    const files = {
      baseline: resolvePath(i.baseline, context),
      after: resolvePath(i.after, context),
      ...(i.final ? { final: resolvePath(i.final, context) } : {}),
    };
    const diff = await remember(['diff', files.baseline, files.after, files.final ?? ''], () => loadDiff(files, context));
    const section = i.section ?? 'groups';
    const base = { newObjects: diff.newObjects, section };
    if (section === 'groups') {
      const { items, ...paging } = page(diff.groups, i);
      const groups = items.map((g) => ({
        holder: formatGroupChain(g, { maxSteps: 8 }),
        holderClassName: printable(g.holderClassName, 120),
        count: g.count,
        retainedSize: g.retainedSize,
        classes: g.classes.slice(0, 5).map((c) => `${printable(c.className, 80)} ×${c.count}`),
      }));
      return {
        structured: { ...base, groups, ...paging },
        summary: `${diff.newObjects.count} new objects still alive (${formatBytes(diff.newObjects.retainedSize)} retained) in ${paging.total} holder groups.`,
      };
    }
    const { items, ...paging } = page(diff.classes, i);
    const classes = items.map((c) => ({
      className: printable(c.className, 120),
      newCount: c.newCount,
      deletedCount: c.deletedCount,
      countDelta: c.countDelta,
      retainedSizeDelta: c.retainedSizeDelta,
    }));
    return { structured: { ...base, classes, ...paging }, summary: `${paging.total} classes changed.` };
  },
});

/** Progress for loading, as named steps: the CLI's per-phase percentages mean little to an agent. */
function loadContext(context: ToolContext): GraphLoadContext {
  return { token: context.token, progress: { phase: (message) => (context.progress(message), NoProgress), done() {} } };
}

async function loadOverview(file: string, context: ToolContext): Promise<SnapshotOverview> {
  const graph = await loadGraphWithProgress(file, loadContext(context));
  return overviewOf(graph, file, { classes: Number.MAX_SAFE_INTEGER, dominators: MAX_DOMINATORS });
}

async function loadDiff(files: { baseline: string; after: string; final?: string }, context: ToolContext): Promise<SnapshotDiff> {
  const load = loadContext(context);
  const { baseline, after, final } = await loadForDiff(files, {
    token: context.token,
    load: (file, options) => loadGraphWithProgress(file, load, options),
  });
  return diffSnapshots(baseline, after, final, { maxClasses: MAX_DIFF_CLASSES, maxGroups: MAX_DIFF_GROUPS });
}

/**
 * The last answer computed, so paging through it does not parse the snapshots again. One only:
 * a big heap's analysis is large, and an agent pages through one thing at a time.
 */
let last: { key: string; value: Promise<unknown> } | undefined;

function remember<T>(parts: string[], compute: () => Promise<T>): Promise<T> {
  const key = parts.map((p) => (p ? `${p}@${stamp(p)}` : '')).join('\0');
  if (last?.key !== key) {
    const value = compute();
    last = { key, value };
    value.catch(() => last?.value === value && (last = undefined));
  }
  return last.value as Promise<T>;
}

function stamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
