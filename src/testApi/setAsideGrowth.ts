import { fieldNames } from '../analysis/detectors/shape';
import type { Finding } from '../analysis/types';
import type { HeapGraph } from '../snapshot/heapGraph';

/** A steady growth that is not the checked code's leak: bounded, the engine's or the test harness's. */
export interface SetAsideFinding {
  finding: Finding;
  reason: string;
}

/** A call record: `calls` next to another per-call log or the double's implementation. */
const CALL_LOGS = ['calls', '#calls'];
const CALL_RECORD_FIELDS = [
  'results',
  'instances',
  'contexts',
  'invocationCallOrder',
  'settledResults',
  '#implementation',
  '#restore',
  '#times',
];
/** node:test's mock tracker keeps every double it made until it is reset, at the end of the test. */
const MOCK_TRACKER_FIELDS = ['#mocks', '#timers'];
/** A console that keeps what is logged until the test ends, to print it with the result. */
const BUFFERED_CONSOLE_FIELDS = ['_buffer', '_counters', '_timers', '_groupDepth'];

/**
 * Some growth that is steady across a few dozen calls is not the checked code's leak: a bounded
 * cache still replacing entries; and, since the function runs in the test runner's process, V8
 * compiling and collecting feedback for code still warming up, a test double recording each
 * call, a runner buffering console output. Each is told by its growth or its holder's shape,
 * as the detectors tell anti-patterns.
 */
export function setAsideGrowth(findings: Finding[], graph: HeapGraph): { kept: Finding[]; setAside: SetAsideFinding[] } {
  const ids = new Set(findings.flatMap((f) => f.holderPath.slice(-2).map((step) => step.node.id)));
  const ordinals = ordinalsOf(graph, ids);
  const kept: Finding[] = [];
  const setAside: SetAsideFinding[] = [];
  for (const finding of findings) {
    const reason = harnessReason(finding, graph, ordinals);
    if (reason) setAside.push({ finding, reason });
    else kept.push(finding);
  }
  return { kept, setAside };
}

/**
 * A leak keeps everything each call adds, so at the end the first half of the calls has left
 * about as much as the second; a cache or buffer that replaces its entries has dropped most of
 * the first half's. Allowing a quarter of the second half's rate leaves room for the halves
 * counting a record's parts differently (a timer list links newer timers to older ones).
 */
function replacesEntries(finding: Finding): boolean {
  const g = finding.growth;
  if (g.cyclesAfterMid === 0 || g.cyclesBeforeMid === 0) return false;
  const expected = (g.newAfterMid / g.cyclesAfterMid) * g.cyclesBeforeMid;
  return g.newBeforeMid < expected / 4;
}

function harnessReason(finding: Finding, graph: HeapGraph, ordinals: Map<number, number>): string | undefined {
  const holder = finding.holderPath.at(-1);
  const owner = finding.holderPath.at(-2);
  if (replacesEntries(finding)) {
    return 'Most of what the first half of the calls added is gone by the end: a bounded cache or buffer that replaces its entries.';
  }
  if (!holder) return undefined;
  // New objects that hang straight off a root category were found through the frames running when
  // the snapshot was taken (this check's own calls); a program's leak hangs off an object of its own.
  if (holder.node.type === 'synthetic') {
    return 'Held only by the code running while the snapshot was taken (the check itself), not by an object of the program.';
  }
  // Feedback cells and code: they fill while V8 tiers a function up, and stop once it is optimised.
  if (holder.node.className === '(compiled code)' || holder.node.type === 'code') {
    return 'V8 compiles and collects feedback for code that is still warming up; more warm-up calls settle it.';
  }
  const ownerNode = owner && ordinals.get(owner.node.id);
  if (ownerNode === undefined) return undefined;
  const fields = fieldNames(graph, ownerNode);
  const isCallLog = [...CALL_LOGS, ...CALL_RECORD_FIELDS].includes(holder.edge);
  if (isCallLog && CALL_LOGS.some((f) => fields.has(f)) && CALL_RECORD_FIELDS.some((f) => fields.has(f))) {
    return 'A test double records every call (mock.calls); clear it in cleanup to count it.';
  }
  if (holder.edge === '#mocks' && MOCK_TRACKER_FIELDS.every((f) => fields.has(f))) {
    return 'The test runner keeps every test double made until the test ends; make it once, outside the checked function.';
  }
  if (holder.edge === '_buffer' && BUFFERED_CONSOLE_FIELDS.every((f) => fields.has(f))) {
    return 'The test runner buffers console output until the test ends.';
  }
  return undefined;
}

function ordinalsOf(graph: HeapGraph, wanted: Set<number>): Map<number, number> {
  const found = new Map<number, number>();
  const ids = graph.snapshot.nodes.ids;
  for (let i = 0; i < ids.length && found.size < wanted.size; i++) if (wanted.has(ids[i])) found.set(ids[i], i);
  return found;
}
