import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeakscopeError } from '../common/errors';
import type { NumberSink } from './jsonBytes';
import { NumberArrayReader } from './numberArrayReader';

/** A sink that records every batch, checking each holds whole records. */
function recordingSink(recordSize: number): NumberSink & { values: number[]; batches: number[]; ended: boolean } {
  const sink = {
    recordSize,
    values: [] as number[],
    batches: [] as number[],
    ended: false,
    consume(batch: Float64Array, count: number) {
      sink.batches.push(count);
      for (let k = 0; k < count; k++) sink.values.push(batch[k]);
    },
    end() {
      sink.ended = true;
    },
  };
  return sink;
}

/** Feeds `text` in pieces cut at `cuts`, as the parser's chunks and windows cut it; returns where the array ended. */
function feedAll(reader: NumberArrayReader, text: string, cuts: number[]): number {
  const buf = Buffer.from(text, 'latin1');
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < buf.length), buf.length])].sort((a, b) => a - b);
  for (let p = 0; p + 1 < points.length; p++) {
    const next = reader.feed(buf, points[p], points[p + 1]);
    if (next >= 0) return next;
  }
  return -1;
}

/** A deterministic generator, so a failure names its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('numbers come out as JSON.parse reads them, however the bytes are cut', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rand = random(seed);
    const recordSize = 1 + Math.floor(rand() * 7);
    const values: number[] = [];
    const records = Math.floor(rand() * 400);
    for (let k = 0; k < records * recordSize; k++) {
      const r = rand();
      values.push(r < 0.1 ? 0 : r < 0.95 ? Math.floor(rand() * 10 ** Math.ceil(rand() * 9)) : Math.floor(rand() * 2 ** 53));
    }
    // V8's layout: a newline and a comma between records.
    const body = values.map((v, k) => (k > 0 && k % recordSize === 0 ? `\n,${v}` : k > 0 ? `,${v}` : `${v}`)).join('');
    const text = `  [${body}]`;
    const cuts = Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * text.length));
    const sink = recordingSink(recordSize);
    const end = feedAll(new NumberArrayReader('nodes', sink), text + ',"next":1', cuts);
    assert.equal(end, text.length, `seed ${seed}`);
    assert.deepEqual(sink.values, JSON.parse(body ? `[${body}]` : '[]'), `seed ${seed}`);
    assert.ok(sink.ended, `seed ${seed}`);
  }
});

test("a section longer than the parser's window and its output batch arrives in whole records", () => {
  const recordSize = 7;
  const records = 40_000; // 280,000 numbers: several output batches; about 2 MB, two input windows
  const values = Array.from({ length: records * recordSize }, (_, k) => (k * 7919) % 100_003);
  const text = `[${values.join(',')}]`;
  const sink = recordingSink(recordSize);
  assert.equal(feedAll(new NumberArrayReader('edges', sink), text, [3, 1 << 20, (1 << 20) + 5]), text.length);
  assert.equal(sink.values.length, values.length);
  assert.ok(sink.values.every((v, k) => v === values[k]));
  assert.ok(sink.batches.length > 1);
  for (const b of sink.batches) assert.equal(b % recordSize, 0);
});

test('negative numbers, spaces and an empty array', () => {
  const sink = recordingSink(1);
  const text = '[ -3, 4 ,\t-0 ,\r\n12 ]';
  assert.equal(feedAll(new NumberArrayReader('locations', sink), text, [2, 3, 4]), text.length);
  assert.deepEqual(sink.values, [-3, 4, -0, 12]);
  const empty = recordingSink(3);
  assert.equal(feedAll(new NumberArrayReader('edges', empty), '[]', []), 2);
  assert.deepEqual(empty.values, []);
  assert.ok(empty.ended);
});

test('a value that is not a whole number, or no array, is one sentence', () => {
  assert.throws(
    () => feedAll(new NumberArrayReader('nodes', recordingSink(1)), '[1,2.5,3]', []),
    (e: unknown) => e instanceof LeakscopeError && /"nodes" section holds a value that is not a whole number \('\.'\)/.test(e.message),
  );
  assert.throws(() => feedAll(new NumberArrayReader('edges', recordingSink(1)), '{"a":1}', []), /"edges" is not an array/);
});

test('an array cut short asks for more', () => {
  const sink = recordingSink(1);
  const reader = new NumberArrayReader('nodes', sink);
  assert.equal(feedAll(reader, '[1,2,3', []), -1);
  assert.equal(sink.ended, false);
  assert.equal(reader.feed(Buffer.from('4]'), 0, 2), 2);
  assert.deepEqual(sink.values, [1, 2, 34]);
});
