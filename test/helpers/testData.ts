import type { ClassDiff, LeakedObject, RetainerGroup, SnapshotDiff } from '../../src/analysis/types';
import type { ClassAggregate, NodeInfo, RetainerPath, RetainerStep, SnapshotOverview, SnapshotTotals } from '../../src/snapshot/types';

// Hand-built results shaped like what the analysis produces for a small Express-style service that
// leaks sessions into a module-level Map, request listeners onto a server, and log entries into a
// closure kept alive by an interval timer.

function node(
  id: number,
  type: string,
  className: string,
  name: string,
  selfSize: number,
  retainedSize: number,
  distance: number,
): NodeInfo {
  return { id, type, name, className, selfSize, retainedSize, distance };
}

function step(edge: string, edgeType: string, n: NodeInfo): RetainerStep {
  return { edge, edgeType, node: n };
}

const globalHandles = step('[2]', 'element', node(3, 'synthetic', '(synthetic)', '(Global handles)', 0, 0, 1));
const strongRoots = step('[1]', 'element', node(5, 'synthetic', '(synthetic)', '(Strong roots)', 0, 0, 1));

/** `(GC roots) → (Global handles) → [118] (Module) → exports (Object) → store (SessionStore) → sessionCache (Map)` */
export const sessionCachePath: RetainerPath = [
  globalHandles,
  step('[118]', 'element', node(40213, 'object', 'Module', 'Module', 96, 2_712_304, 2)),
  step('exports', 'property', node(40227, 'object', 'Object', 'Object', 28, 2_611_880, 3)),
  step('store', 'property', node(40311, 'object', 'SessionStore', 'SessionStore', 40, 2_598_012, 4)),
  step('sessionCache', 'property', node(40315, 'object', 'Map', 'Map', 32, 2_597_940, 5)),
];

export const listenersPath: RetainerPath = [
  globalHandles,
  step('[31]', 'element', node(52001, 'object', 'Server', 'Server', 176, 1_120_448, 2)),
  step('_events', 'property', node(52004, 'object', 'Object', 'Object', 56, 1_011_920, 3)),
  step('request', 'property', node(52110, 'object', 'Array', 'Array', 32, 1_008_860, 4)),
];

export const pendingLogPath: RetainerPath = [
  strongRoots,
  step('[12]', 'element', node(61002, 'object', 'TimersList', 'TimersList', 64, 412_900, 2)),
  step('_idleNext', 'property', node(61005, 'object', 'Timeout', 'Timeout', 112, 412_780, 3)),
  step('_onTimeout', 'property', node(61009, 'closure', '(closure)', 'flushLogs', 64, 412_530, 4)),
  step('context', 'internal', node(61010, 'hidden', '(system)', 'system / Context', 48, 412_466, 5)),
  step('(context).pending', 'context', node(61020, 'object', 'Array', 'Array', 32, 412_400, 6)),
];

function leaked(n: NodeInfo, path: RetainerPath, location?: LeakedObject['location']): LeakedObject {
  const result: LeakedObject = {
    id: n.id,
    className: n.className,
    name: n.name,
    selfSize: n.selfSize,
    retainedSize: n.retainedSize,
    path: [...path],
  };
  if (location) result.location = location;
  return result;
}

const sessionSample = node(901233, 'object', 'Session', 'Session', 80, 2_456, 8);
const sessionTable = node(40316, 'hidden', '(system)', 'system / OrderedHashMap', 49_176, 2_597_908, 6);
const listenerSample = node(905877, 'closure', '(closure)', 'onRequest', 64, 351, 6);
const logSample = node(910442, 'object', 'RequestLog', 'RequestLog', 48, 288, 8);

export const sessionGroup: RetainerGroup = {
  holderPath: sessionCachePath,
  holderId: 40315,
  holderClassName: 'Map',
  edgeFromHolder: 'table',
  count: 2_000,
  selfSize: 144_000,
  retainedSize: 2_456_000,
  classes: [
    { className: 'Session', count: 1_000, retainedSize: 2_392_000 },
    { className: '(string)', count: 1_000, retainedSize: 64_000 },
  ],
  samples: [
    leaked(sessionSample, [...sessionCachePath, step('table', 'internal', sessionTable), step('(map entry)', 'internal', sessionSample)], {
      scriptId: 97,
      line: 41,
      column: 18,
    }),
  ],
};

export const listenerGroup: RetainerGroup = {
  holderPath: listenersPath,
  holderId: 52110,
  holderClassName: 'Array',
  edgeFromHolder: '[…]',
  count: 4_000,
  selfSize: 198_016,
  retainedSize: 992_100,
  classes: [
    { className: '(closure)', count: 2_000, retainedSize: 702_100 },
    { className: '(system)', count: 2_000, retainedSize: 290_000 },
  ],
  samples: [leaked(listenerSample, [...listenersPath, step('[1004]', 'element', listenerSample)])],
};

export const pendingLogGroup: RetainerGroup = {
  holderPath: pendingLogPath,
  holderId: 61020,
  holderClassName: 'Array',
  edgeFromHolder: '[…]',
  count: 1_012,
  selfSize: 48_672,
  retainedSize: 289_100,
  classes: [
    { className: 'RequestLog', count: 1_000, retainedSize: 288_000 },
    { className: 'Object', count: 12, retainedSize: 1_100 },
  ],
  samples: [leaked(logSample, [...pendingLogPath, step('[377]', 'element', logSample)])],
};

function aggregate(className: string, count: number, selfSize: number, retainedSize: number): ClassAggregate {
  return { className, count, selfSize, retainedSize };
}

function classDiff(
  className: string,
  newCount: number,
  deletedCount: number,
  baseline: [number, number, number],
  after: [number, number, number],
  newSelfSize: number,
  survivorCount?: number,
): ClassDiff {
  const result: ClassDiff = {
    className,
    newCount,
    deletedCount,
    countDelta: after[0] - baseline[0],
    selfSizeDelta: after[1] - baseline[1],
    retainedSizeDelta: after[2] - baseline[2],
    baseline: aggregate(className, ...baseline),
    after: aggregate(className, ...after),
    newSelfSize,
  };
  if (survivorCount !== undefined) result.survivorCount = survivorCount;
  return result;
}

export const baselineTotals: SnapshotTotals = {
  nodeCount: 412_503,
  edgeCount: 1_873_220,
  totalSize: 38_912_448,
  reachableSize: 36_104_112,
  unreachableCount: 8_412,
  unreachableSize: 2_808_336,
  extraNativeBytes: 1_048_576,
  maxNodeId: 1_204_881,
};

export function sampleDiff(options: { final?: boolean } = {}): SnapshotDiff {
  const withFinal = options.final ?? true;
  const survivors = (n: number) => (withFinal ? n : undefined);
  const diff: SnapshotDiff = {
    schemaVersion: 1,
    baseline: { file: 'heap-1.heapsnapshot', totals: baselineTotals },
    after: {
      file: 'heap-2.heapsnapshot',
      totals: {
        nodeCount: 428_911,
        edgeCount: 1_951_004,
        totalSize: 43_390_112,
        reachableSize: 40_254_872,
        unreachableCount: 9_120,
        unreachableSize: 3_135_240,
        extraNativeBytes: 1_048_576,
        maxNodeId: 1_298_405,
      },
    },
    classes: [
      classDiff('Session', 1_000, 0, [12, 960, 29_472], [1_012, 80_960, 2_421_472], 80_000, survivors(1_000)),
      classDiff('(closure)', 2_000, 12, [18_220, 583_040, 3_402_114], [20_208, 646_656, 4_104_214], 64_000, survivors(2_000)),
      classDiff('(compiled code)', 350, 1_240, [24_410, 5_901_228, 7_012_560], [23_520, 5_389_228, 6_400_260], 61_250, survivors(20)),
      classDiff('(string)', 6_210, 4_180, [96_112, 6_120_448, 6_120_448], [98_142, 6_533_008, 6_533_008], 412_560, survivors(1_040)),
      classDiff('(system)', 2_400, 300, [40_118, 2_310_900, 2_310_900], [42_218, 2_445_300, 2_600_900], 134_400, survivors(2_010)),
      classDiff('RequestLog', 1_000, 0, [0, 0, 0], [1_000, 48_000, 288_000], 48_000, survivors(1_000)),
      classDiff('Array', 1_010, 998, [3_881, 124_192, 1_912_004], [3_893, 127_412, 2_092_404], 32_320, survivors(12)),
      classDiff('Uint8Array', 4, 9, [210, 20_160, 1_213_440], [205, 19_680, 1_115_136], 384, survivors(0)),
    ],
    newObjects: { count: 7_412, selfSize: 502_880, retainedSize: 3_812_440 },
    groups: [sessionGroup, listenerGroup, pendingLogGroup],
  };
  if (withFinal) {
    diff.final = {
      file: 'heap-3.heapsnapshot',
      totals: { ...diff.after.totals, nodeCount: 429_407, reachableSize: 40_871_005, maxNodeId: 1_340_112 },
    };
  }
  return diff;
}

export function sampleOverview(): SnapshotOverview {
  const totals: SnapshotTotals = {
    nodeCount: 428_911,
    edgeCount: 1_951_004,
    totalSize: 43_390_112,
    reachableSize: 40_254_872,
    unreachableCount: 9_120,
    unreachableSize: 3_135_240,
    extraNativeBytes: 1_048_576,
    maxNodeId: 1_298_405,
  };
  const last = (path: RetainerPath) => path[path.length - 1].node;
  return {
    schemaVersion: 1,
    file: 'app.heapsnapshot',
    totals,
    classes: [
      aggregate('(compiled code)', 23_520, 5_389_228, 6_400_260),
      aggregate('(string)', 98_142, 6_533_008, 6_533_008),
      aggregate('(closure)', 20_208, 646_656, 4_104_214),
      aggregate('(system)', 42_218, 2_445_300, 2_600_900),
      aggregate('Session', 1_012, 80_960, 2_421_472),
      aggregate('Array', 3_893, 127_412, 2_092_404),
      aggregate('Uint8Array', 205, 19_680, 1_115_136),
      aggregate('RequestLog', 1_000, 48_000, 288_000),
      aggregate('Object', 14_003, 448_096, 250_812),
    ],
    dominators: [
      { node: last(sessionCachePath), path: sessionCachePath },
      { node: last(listenersPath), path: listenersPath },
      { node: last(pendingLogPath), path: pendingLogPath },
      { node: pendingLogPath[3].node, path: pendingLogPath.slice(0, 4) },
    ],
  };
}

// Strings a hostile page could put into a heap: markup, script breakouts, Markdown table breakers,
// terminal escapes and a bidi override.
export const EVIL_IMG = '<img src=x onerror=alert(1)>';
export const EVIL_SCRIPT = '</script><script>alert(1)</script>';
export const EVIL_MARKDOWN = 'a|b`c\nd **e** [f](javascript:alert(1)) @octocat $x$';
export const EVIL_TERMINAL = 'Evil\x1b[2J\x1b]0;pwned\x07\u202eright-to-left';

export function maliciousDiff(): SnapshotDiff {
  const d = sampleDiff();
  const evilNode = node(999001, 'object', EVIL_IMG, EVIL_SCRIPT, 40, 4_000, 7);
  const evilPath: RetainerPath = [
    globalHandles,
    step(EVIL_SCRIPT, 'property', node(999002, 'object', EVIL_MARKDOWN, 'x', 16, 9_000, 2)),
    step(EVIL_MARKDOWN, 'property', node(999003, 'object', EVIL_TERMINAL, 'y', 16, 8_000, 3)),
    step(EVIL_IMG, 'property', node(999004, 'object', EVIL_SCRIPT, 'z', 16, 7_000, 4)),
  ];
  d.baseline.file = `${EVIL_SCRIPT}.heapsnapshot`;
  d.classes.unshift(
    classDiff(EVIL_IMG, 1, 0, [0, 0, 0], [1, 40, 4_000], 40, 1),
    classDiff(EVIL_SCRIPT, 2, 0, [0, 0, 0], [2, 80, 5_000], 80, 2),
    classDiff(EVIL_MARKDOWN, 3, 0, [0, 0, 0], [3, 120, 6_000], 120, 3),
    classDiff(EVIL_TERMINAL, 4, 0, [0, 0, 0], [4, 160, 7_000], 160, 4),
  );
  d.groups.unshift({
    holderPath: evilPath,
    holderId: 999004,
    holderClassName: EVIL_SCRIPT,
    edgeFromHolder: EVIL_IMG,
    count: 1,
    selfSize: 40,
    retainedSize: 4_000,
    classes: [
      { className: EVIL_IMG, count: 1, retainedSize: 4_000 },
      { className: EVIL_MARKDOWN, count: 1, retainedSize: 1 },
    ],
    samples: [
      leaked(evilNode, [...evilPath, step(EVIL_TERMINAL, 'property', evilNode)]),
      leaked(node(999005, 'string', '(string)', `${EVIL_SCRIPT}${'x'.repeat(100_000)}`, 100_016, 100_016, 5), evilPath),
    ],
  });
  return d;
}

export function maliciousOverview(): SnapshotOverview {
  const o = sampleOverview();
  o.file = `${EVIL_IMG}.heapsnapshot`;
  o.classes.unshift(
    aggregate(EVIL_IMG, 1, 40, 4_000),
    aggregate(EVIL_SCRIPT, 1, 40, 4_000),
    aggregate(EVIL_MARKDOWN, 1, 40, 4_000),
    aggregate(EVIL_TERMINAL, 1, 40, 4_000),
  );
  const evilNode = node(999001, 'object', EVIL_IMG, EVIL_SCRIPT, 40, 4_000, 3);
  const path: RetainerPath = [
    globalHandles,
    step(EVIL_SCRIPT, 'property', node(999002, 'object', EVIL_MARKDOWN, EVIL_TERMINAL, 16, 9_000, 2)),
    step(EVIL_MARKDOWN, 'property', evilNode),
  ];
  o.dominators.unshift({ node: evilNode, path });
  return o;
}

/** The Markdown with inline code spans removed: what GitHub would parse as Markdown and HTML. */
export function outsideCode(markdown: string): string {
  return markdown.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
}

/** Cells of a GFM table row, split on pipes that are not backslash-escaped. */
export function tableCells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/);
}
