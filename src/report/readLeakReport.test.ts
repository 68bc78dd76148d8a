import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleReport } from '../../test/helpers/sampleReport';
import { MAX_REPORT_BYTES, parseLeakReport, readLeakReport } from './readLeakReport';

/** A report as a crafted file may hold it: any value anywhere. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Crafted = Record<string, any>;

describe('readLeakReport', () => {
  let dir: string;
  before(async () => (dir = await fs.mkdtemp(join(tmpdir(), 'leakscope-read-report-'))));
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const write = async (name: string, content: string) => {
    const file = join(dir, name);
    await fs.writeFile(file, content);
    return file;
  };
  /** A sample report with one change made by `edit`. */
  const crafted = (edit: (r: Crafted) => void) => {
    const r = JSON.parse(JSON.stringify(sampleReport())) as Crafted;
    edit(r);
    return r;
  };

  it('reads a complete report as written', async () => {
    const file = await write('report.json', JSON.stringify(sampleReport()));
    assert.deepEqual(await readLeakReport(file), sampleReport());
  });

  it('names a snapshot, a diff, another schema version, a folder and a missing file in one sentence', async () => {
    await assert.rejects(
      readLeakReport(await write('a.heapsnapshot', '{"snapshot":{"meta":{}},"nodes":[]}'), { takes: 'compare takes two reports' }),
      /a\.heapsnapshot is a heap snapshot, not a Leakscope report; compare takes two reports\.$/,
    );
    await assert.rejects(
      readLeakReport(await write('diff.json', '{"schemaVersion":1,"classes":[],"groups":[]}')),
      /diff\.json is a heap diff, not a Leakscope report; give the report\.json/,
    );
    await assert.rejects(
      readLeakReport(await write('v2.json', JSON.stringify(crafted((r) => (r.schemaVersion = 2))))),
      /v2\.json is a report of schema version 2, and this Leakscope reads version 1; read it with the Leakscope version that wrote it\.$/,
    );
    await assert.rejects(readLeakReport(dir), /is a folder; give the report\.json inside it\./);
    await assert.rejects(readLeakReport(join(dir, 'none.json')), /none\.json does not exist\./);
    await assert.rejects(readLeakReport(await write('text.json', 'not json')), /text\.json is not JSON, so not a Leakscope report/);
    await assert.rejects(readLeakReport(await write('array.json', '[1,2]')), /array\.json is not a Leakscope report \(the report\.json/);
  });

  it('checks every field the hosts read, and says which one is wrong', () => {
    const rejects = (edit: (r: Crafted) => void, problem: RegExp) =>
      assert.throws(
        () => parseLeakReport(crafted(edit), 'pr.json'),
        (e: Error) =>
          e.name === 'LeakscopeError' && /^pr\.json is not a complete Leakscope report: /.test(e.message) && problem.test(e.message),
      );
    rejects((r) => (r.findings[0].growth.bytesPerCycle = '12800'), /findings\[0\]\.growth\.bytesPerCycle is not a number/);
    rejects((r) => delete r.diff, /diff is missing/);
    rejects((r) => (r.diff.groups[0].samples[0].path = {}), /diff\.groups\[0\]\.samples\[0\]\.path is not an array/);
    rejects((r) => (r.memory.verdict.kind = 'fine'), /memory\.verdict\.kind is not one of "leak"/);
    rejects((r) => (r.verdict = '<img src=x onerror=alert(1)>'), /verdict is not one of/);
    rejects((r) => (r.target.command = [1]), /target\.command\[0\] is not a string/);
    rejects((r) => (r.findings[0].holderPath[1].node = null), /findings\[0\]\.holderPath\[1\]\.node is not an object/);
    rejects((r) => (r.memory.breakdown = {}), /memory\.breakdown\.rss is missing/);
    rejects(
      (r) => (r.findings[0].explanation = 'x'.repeat(2 * 1024 * 1024)),
      /findings\[0\]\.explanation is longer than 1048576 characters/,
    );
    rejects((r) => (r.snapshots.mid = 7), /snapshots\.mid is not a string/);
  });

  it('keeps what a newer writer added beside the fields it checks', () => {
    const r = parseLeakReport(
      crafted((r) => (r.extra = { note: 'kept' })),
      'new.json',
    ) as unknown as { extra: unknown };
    assert.deepEqual(r.extra, { note: 'kept' });
  });

  it('does not read a file larger than any report', async () => {
    const file = join(dir, 'huge.json');
    const handle = await fs.open(file, 'w');
    await handle.truncate(MAX_REPORT_BYTES + 1);
    await handle.close();
    await assert.rejects(
      readLeakReport(file),
      /huge\.json is 128 MiB, more than any Leakscope report \(at most 128 MiB\), so it is not read/,
    );
  });
});
