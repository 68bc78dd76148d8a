import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotHeadroom, SNAPSHOT_COST_PER_HEAP_BYTE } from './headroom';
import { startTimeOf, targetMemoryFacts } from './targetMemoryFacts';

const MB = 1024 * 1024;
const GB = 1024 * MB;

test('a snapshot that would not fit under the cgroup limit is refused, with the numbers', () => {
  const h = snapshotHeadroom({
    pid: 1,
    rss: 450 * MB,
    heapUsed: 300 * MB,
    cgroup: { version: 2, limit: 1.5 * GB, usage: 500 * MB, inactiveFile: 50 * MB },
  });
  assert.equal(h.fits, false);
  assert.equal(h.estimate, 300 * MB * SNAPSHOT_COST_PER_HEAP_BYTE);
  assert.equal(h.limitSource, 'cgroup');
  // Sizes in the binary units limits are written in: the 1.5G limit prints as given.
  assert.match(h.reason, /about 4\.7 GiB \(for 300 MiB of used heap/);
  assert.match(h.reason, /its container's limit of 1\.5 GiB \(cgroup v2, 450 MiB in use\)/);
  assert.match(h.reason, /not taken/);
});

test('a small heap fits; --memory-limit overrides the cgroup; the machine caps both', () => {
  const facts = { pid: 1, rss: 60 * MB, heapUsed: 8 * MB, cgroup: { version: 1 as const, limit: 8 * GB }, memAvailable: 16 * GB };
  assert.equal(snapshotHeadroom(facts).fits, true);
  const limited = snapshotHeadroom(facts, { memoryLimit: 100 * MB });
  assert.equal(limited.fits, false);
  assert.equal(limited.limitSource, 'memory-limit');
  assert.match(limited.reason, /its --memory-limit of 100 MiB \(RSS 60\.0 MiB\)/);
  const tight = snapshotHeadroom({ ...facts, memAvailable: 50 * MB });
  assert.equal(tight.fits, false);
  assert.equal(tight.limitSource, 'machine');
});

test('what earlier snapshots of the target cost replaces the general factor', () => {
  const h = snapshotHeadroom(
    { pid: 1, rss: 100 * MB, heapUsed: 50 * MB, memAvailable: 1 * GB },
    { earlier: [{ heapUsed: 50 * MB, rssBefore: 100 * MB, peakRss: 300 * MB }] },
  );
  assert.equal(h.basis, 'earlier-snapshots');
  assert.equal(h.estimate, 200 * MB * 1.25);
  assert.equal(h.fits, true);
});

test('cgroup files: the tightest limit over the levels, "max" and v1 no-limit ignored', () => {
  const facts = targetMemoryFacts({
    pid: 7,
    rss: 10,
    heapUsed: 5,
    meminfo: 'MemTotal:       24000000 kB\nMemAvailable:   12000000 kB\n',
    stat: '7 (node (x) y) S 1 7 7 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 11 0 123456 1000 100',
    cgroups: [
      { version: 2, limit: 'max\n', usage: '1000\n' },
      { version: 2, limit: '2147483648\n', usage: '1073741824\n', stat: 'anon 1\ninactive_file 1048576\n' },
      { version: 1, limit: '9223372036854771712\n', usage: '5' },
    ],
  });
  assert.deepEqual(facts.cgroup, { version: 2, limit: 2 * GB, usage: 1 * GB, inactiveFile: 1 * MB });
  assert.equal(facts.memAvailable, 12000000 * 1024);
  assert.equal(facts.startTime, 123456);
  assert.equal(startTimeOf('1 (a) b) R 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 99'), 99);
});
