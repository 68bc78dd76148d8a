import { promises as fs } from 'node:fs';
import { z } from 'zod/v4';
import { ErrorCode, errorMessage, LeakscopeError } from '../common/errors';
import { isFixId } from '../common/fixIds';
import { printable } from '../common/printable';
import type { LeakReport } from './leakReport';
import { LEAK_VERDICTS, MEMORY_VERDICT_KINDS } from './verdicts';

// A report.json may come from a pull request, a CI artifact or another machine: it is untrusted
// input for the CLI, the editor and MCP alike. One reader checks its shape, its sizes and its
// strings, so every host accepts and rejects the same files, each time with one sentence.

/** Far above any report a leak check writes (its lists are capped), far below what would stall the reader. */
export const MAX_REPORT_BYTES = 128 * 1024 * 1024;
const MAX_STRING = 1024 * 1024;
const MAX_ITEMS = 1_000_000;

const text = z.string().max(MAX_STRING);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_ITEMS);
// Unknown keys are kept (a newer writer's additions); every key Leakscope reads is checked.
const obj = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);

const codeLocation = { file: text, line: z.number(), column: z.number() };
const nodeInfo = obj({
  id: z.number(),
  type: text,
  name: text,
  className: text,
  selfSize: z.number(),
  retainedSize: z.number(),
  distance: z.number(),
});
const retainerPath = list(obj({ edge: text, edgeType: text, node: nodeInfo }));
const totals = obj({
  nodeCount: z.number(),
  edgeCount: z.number(),
  totalSize: z.number(),
  reachableSize: z.number(),
  unreachableCount: z.number(),
  unreachableSize: z.number(),
  extraNativeBytes: z.number(),
  maxNodeId: z.number(),
  maxObjectId: z.number().optional(),
});
const classAggregate = obj({ className: text, count: z.number(), selfSize: z.number(), retainedSize: z.number() });
const growth = obj({
  cyclesBeforeMid: z.number(),
  cyclesAfterMid: z.number(),
  newBeforeMid: z.number(),
  newAfterMid: z.number(),
  objectsPerCycle: z.number(),
  bytesPerCycle: z.number(),
  steady: z.boolean(),
  inconclusive: text.optional(),
  pendingTimers: obj({
    count: z.number(),
    callbacks: list(obj({ scriptId: z.number(), line: z.number(), column: z.number(), url: text.optional(), timers: z.number() })),
  }).optional(),
  boundInCode: obj({ ...codeLocation, text }).optional(),
});
const leakedObject = obj({
  id: z.number(),
  className: text,
  name: text,
  selfSize: z.number(),
  retainedSize: z.number(),
  path: retainerPath,
  location: obj({ scriptId: z.number(), line: z.number(), column: z.number(), url: text.optional() }).optional(),
  allocation: list(obj({ functionName: text, url: text, scriptId: z.number(), line: z.number(), column: z.number() })).optional(),
});
const group = obj({
  holderPath: retainerPath,
  holderId: z.number(),
  holderClassName: text,
  edgeFromHolder: text,
  count: z.number(),
  selfSize: z.number(),
  retainedSize: z.number(),
  classes: list(obj({ className: text, count: z.number(), retainedSize: z.number() })),
  samples: list(leakedObject),
  allocationSites: list(obj({ functionName: text, url: text, line: z.number(), column: z.number(), count: z.number() })).optional(),
  growth: growth.optional(),
  sharedWith: list(obj({ holderId: z.number(), count: z.number() })).optional(),
});
const summary = obj({ file: text, totals });
const diff = obj({
  schemaVersion: z.literal(1),
  baseline: summary,
  after: summary,
  final: summary.optional(),
  classes: list(
    obj({
      className: text,
      newCount: z.number(),
      deletedCount: z.number(),
      countDelta: z.number(),
      selfSizeDelta: z.number(),
      retainedSizeDelta: z.number(),
      baseline: classAggregate,
      after: classAggregate,
      newSelfSize: z.number(),
      survivorCount: z.number().optional(),
    }),
  ),
  newObjects: obj({ count: z.number(), selfSize: z.number(), retainedSize: z.number() }),
  groups: list(group),
});
const finding = obj({
  kind: text,
  title: text,
  confidence: z.enum(['high', 'medium', 'low']),
  path: list(text),
  holderPath: retainerPath,
  classes: list(obj({ className: text, countDelta: z.number(), retainedSizeDelta: z.number() })),
  growth,
  source: obj({
    ...codeLocation,
    functionName: text.optional(),
    role: z.enum(['allocated', 'holder', 'inserts']),
    generated: obj(codeLocation).optional(),
  }).optional(),
  insertions: list(obj({ ...codeLocation, text })).optional(),
  holderDeclaration: obj({ ...codeLocation, name: text, text }).optional(),
  package: obj({ name: text, version: text.optional() }).optional(),
  fix: obj({ id: text, summary: text }),
  stack: list(obj({ functionName: text, url: text, line: z.number(), column: z.number() })).optional(),
  explanation: text,
});
const memorySample = obj({
  at: z.number(),
  label: text.optional(),
  rss: z.number(),
  heapTotal: z.number(),
  heapUsed: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
  maxRss: z.number(),
  heapPhysical: z.number(),
  heapSizeLimit: z.number(),
  spaces: list(obj({ name: text, size: z.number(), used: z.number(), available: z.number(), physical: z.number() })),
  linux: obj({
    rssAnon: z.number(),
    rssFile: z.number(),
    rssShmem: z.number(),
    vmHwm: z.number(),
    vmSwap: z.number(),
    pss: z.number().optional(),
    privateDirty: z.number().optional(),
  }).optional(),
  snapshotsTaken: z.number().optional(),
});
const headroom = obj({
  estimate: z.number(),
  basis: z.enum(['heap-statistics', 'earlier-snapshots']),
  available: z.number().optional(),
  limit: z.number().optional(),
  limitSource: z.enum(['memory-limit', 'cgroup', 'machine', 'unknown']),
  rss: z.number(),
  heapUsed: z.number(),
});

const leakReportSchema = obj({
  schemaVersion: z.literal(1),
  createdAt: text,
  verdict: z.enum(LEAK_VERDICTS),
  summary: text,
  target: obj({
    command: list(text).optional(),
    endpoint: text,
    pid: z.number().optional(),
    argv: list(text).optional(),
    why: text.optional(),
  }),
  settings: obj({
    warmup: z.number(),
    cycles: z.number(),
    workloadUrl: text.optional(),
    requests: z.number().optional(),
    workloadExpression: text.optional(),
    cleanupExpression: text.optional(),
    trackAllocations: z.boolean(),
  }),
  findings: list(finding),
  packages: list(
    obj({
      name: text,
      version: text.optional(),
      holders: z.number(),
      objects: z.number(),
      retainedSize: z.number(),
      bytesPerCycle: z.number(),
      heldSize: z.number().optional(),
    }),
  ).optional(),
  memory: obj({
    samples: list(memorySample),
    breakdown: obj({
      rss: z.number(),
      heapUsed: z.number(),
      heapFree: z.number(),
      external: z.number(),
      fileBacked: z.number(),
      native: z.number(),
    }),
    verdict: obj({ kind: z.enum(MEMORY_VERDICT_KINDS), summary: text, advice: text.optional() }),
  }),
  snapshots: obj({ baseline: text, mid: text.optional(), after: text }),
  diff,
  capture: obj({
    requested: z.enum(['auto', 'snapshot', 'sampling']),
    mode: z.enum(['snapshot', 'sampling']),
    reason: text,
    headroom: headroom.optional(),
    samplingInterval: z.number().optional(),
    skipped: list(text).optional(),
    switched: obj({ snapshot: text, afterCycle: z.number(), reason: text, headroom }).optional(),
    settling: obj({ settled: z.boolean(), waitedMs: z.number(), freed: z.number() }).optional(),
    workers: list(
      obj({
        id: z.number(),
        title: text,
        url: text.optional(),
        snapshots: obj({ baseline: text, mid: text.optional(), after: text }).optional(),
        note: text.optional(),
      }),
    ).optional(),
  }).optional(),
  heapLimitSnapshots: list(text).optional(),
});

/** What the caller takes instead, ending the sentence about a wrong file; `leakscope fix`'s by default. */
export interface ReportPurpose {
  /** e.g. "compare takes the report.json of two leak checks" */
  takes?: string;
  /** Said after a schema version this Leakscope does not read. */
  versionAdvice?: string;
}

const WRITES = 'the report.json that leakscope run, attach or demo writes';

/**
 * Reads a leak check's report.json and checks it all, so the renderers, the panel and the tools
 * can trust its types. A file that is not one (a snapshot, a diff, another version, a damaged or
 * crafted file) is a `LeakscopeError` with one sentence that names the file and what is wrong.
 */
export async function readLeakReport(file: string, purpose: ReportPurpose = {}): Promise<LeakReport> {
  const takes = purpose.takes ?? `give ${WRITES}`;
  let text: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (/^\s*\{\s*"snapshot"\s*:/.test(head.subarray(0, bytesRead).toString('utf8'))) {
        throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is a heap snapshot, not a Leakscope report; ${takes}.`);
      }
      if (size > MAX_REPORT_BYTES) {
        throw new LeakscopeError(
          ErrorCode.FileUnreadable,
          `${file} is ${Math.round(size / 2 ** 20)} MiB, more than any Leakscope report (at most ${MAX_REPORT_BYTES / 2 ** 20} MiB), so it is not read; ${takes}.`,
        );
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (e instanceof LeakscopeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LeakscopeError(ErrorCode.FileNotFound, `${file} does not exist.`);
    if (code === 'EISDIR') throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is a folder; give the report.json inside it.`);
    throw new LeakscopeError(ErrorCode.FileUnreadable, `Cannot read ${file} (${code ?? errorMessage(e)}).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is not JSON, so not a Leakscope report (${WRITES}).`);
  }
  return parseLeakReport(value, file, purpose);
}

/** The checks of `readLeakReport` on an already parsed value; `name` names it in the sentence. */
export function parseLeakReport(value: unknown, name: string, purpose: ReportPurpose = {}): LeakReport {
  const takes = purpose.takes ?? `give ${WRITES}`;
  const notReport = (what: string) => new LeakscopeError(ErrorCode.FileUnreadable, `${name} is not ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw notReport(`a Leakscope report (${WRITES}).`);
  const r = value as Record<string, unknown>;
  if ('snapshot' in r && 'nodes' in r)
    throw new LeakscopeError(ErrorCode.FileUnreadable, `${name} is a heap snapshot, not a Leakscope report; ${takes}.`);
  if (!('findings' in r) && 'groups' in r && 'classes' in r)
    throw new LeakscopeError(ErrorCode.FileUnreadable, `${name} is a heap diff, not a Leakscope report; ${takes}.`);
  if (!('schemaVersion' in r) || !('findings' in r)) throw notReport(`a Leakscope report (${WRITES}).`);
  if (r.schemaVersion !== 1) {
    const advice = purpose.versionAdvice ?? 'read it with the Leakscope version that wrote it';
    throw new LeakscopeError(
      ErrorCode.FileUnreadable,
      `${name} is a report of schema version ${printable(JSON.stringify(r.schemaVersion) ?? '', 40)}, and this Leakscope reads version 1; ${advice}.`,
    );
  }
  const parsed = leakReportSchema.safeParse(value);
  if (!parsed.success) throw notReport(`a complete Leakscope report: ${issueText(parsed.error.issues[0], value)} (${WRITES}).`);
  // The one place a string from a file becomes a fix id: one this version does not know would
  // reach the quick-fix rules as a bare string.
  const unknownFix = parsed.data.findings.find((f) => !isFixId(f.fix.id));
  if (unknownFix) {
    const advice = purpose.versionAdvice ?? 'read it with the Leakscope version that wrote it';
    throw new LeakscopeError(
      ErrorCode.FileUnreadable,
      `${name} names a fix this Leakscope does not know (${printable(unknownFix.fix.id, 60)}); ${advice}.`,
    );
  }
  return value as LeakReport;
}

/** The first problem, where it is (`findings[2].growth.bytesPerCycle`) and what is wrong, in words. */
function issueText(issue: z.core.$ZodIssue | undefined, value: unknown): string {
  if (!issue) return 'it does not have the shape of one';
  const where =
    issue.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${printable(String(k), 40)}`)).join('') ||
    'the file';
  switch (issue.code) {
    case 'invalid_type':
      return valueAt(value, issue.path) === undefined ? `${where} is missing` : `${where} is not ${article(issue.expected)}`;
    case 'too_big':
      return issue.origin === 'string' ? `${where} is longer than ${MAX_STRING} characters` : `${where} has more than ${MAX_ITEMS} items`;
    case 'invalid_value':
      return `${where} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where} is not valid`;
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path)
    at = at !== null && typeof at === 'object' && Object.hasOwn(at, key) ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
