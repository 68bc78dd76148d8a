import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInThisContext } from 'node:vm';
import { ErrorCode, LeakscopeError } from '../common/errors';
import type { InspectorConnection } from './connection';
import { sampleMemory } from './memorySampler';
import { readTargetMemory } from './targetMemory';

/** A connection whose target answers every probe with `answer(expression)`; only what the probes use is there. */
function targetAnswering(answer: (expression: string) => unknown): InspectorConnection {
  const fake: Pick<InspectorConnection, 'evaluate' | 'snapshotsTaken'> = {
    evaluate: (expression: string) => Promise.resolve(answer(expression)),
    snapshotsTaken: 0,
  };
  return fake as InspectorConnection;
}

// This test's own process stands in for a Node target: the probe runs here as it would there.
const honest = targetAnswering((expression) => runInThisContext(expression));

/** The probe's real answer with the value at `path` (a list of keys into its JSON) replaced by `value`. */
function tampered(path: Array<string | number>, value: unknown): InspectorConnection {
  return targetAnswering((expression) => {
    const raw: unknown = JSON.parse(runInThisContext(expression) as string);
    const parent = path.slice(0, -1).reduce((at, key) => (at as Record<string | number, unknown>)[key], raw);
    (parent as Record<string | number, unknown>)[path[path.length - 1]] = value;
    return JSON.stringify(raw);
  });
}

const malformed = (e: unknown) =>
  e instanceof LeakscopeError && e.code === ErrorCode.TargetUnreachable && /in a shape Node\.js never does/.test(e.message);

test("a Node target's memory answers are read", async () => {
  const sample = await sampleMemory(honest);
  assert.ok(sample.rss > 0 && sample.heapUsed > 0 && sample.spaces.length > 0);
  const facts = await readTargetMemory(honest);
  assert.equal(facts.pid, process.pid);
});

test('a memory sample of the wrong shape is refused in one sentence', async () => {
  await assert.rejects(sampleMemory(targetAnswering(() => 'not json')), malformed);
  await assert.rejects(sampleMemory(tampered(['memory', 'rss'], -1)), malformed);
  await assert.rejects(sampleMemory(tampered(['memory', 'heapUsed'], '12')), malformed);
  await assert.rejects(sampleMemory(tampered(['at'], null)), malformed);
  await assert.rejects(sampleMemory(tampered(['spaces', 0, 'space_name'], 7)), malformed);
  await assert.rejects(sampleMemory(tampered(['status'], 42)), malformed);
});

test('memory limits of the wrong shape are refused in one sentence', async () => {
  await assert.rejects(readTargetMemory(targetAnswering(() => '[]')), malformed);
  await assert.rejects(readTargetMemory(tampered(['pid'], 1.5)), malformed);
  await assert.rejects(readTargetMemory(tampered(['cgroups'], [{ version: 3, limit: 'max' }])), malformed);
  await assert.rejects(readTargetMemory(tampered(['cgroups'], [{ version: 2, limit: 1024 }])), malformed);
});
