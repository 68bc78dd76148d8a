import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FixtureTask } from '../../test/helpers/workerThreadFixture';
import { CancellationTokenSource } from './cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from './errors';
import { RequestWorker, startWorkerJob } from './workerThread';

const FIXTURE = join(__dirname, '..', '..', 'test', 'helpers', 'workerThreadFixture.js');

/** The error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<LeakscopeError> {
  const e = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(e instanceof LeakscopeError, String(e));
  return e;
}

describe('startWorkerJob', () => {
  const job = (task: FixtureTask, token?: CancellationTokenSource) =>
    startWorkerJob<FixtureTask, string>(FIXTURE, task, 'The fixture', token?.token);

  it("answers with the worker's result", async () => {
    const j = job({ do: 'echo', value: 'hello' });
    assert.equal(await j.result, 'hello');
    await j.terminate();
  });

  it("keeps a LeakscopeError's code, message and userFacing across the thread; other errors are internal", async () => {
    const user = await failure(job({ do: 'fail' }).result);
    assert.deepEqual([user.code, user.message, user.userFacing], [ErrorCode.NotASnapshot, 'x.json is not a heap snapshot.', true]);
    const bug = await failure(job({ do: 'bug' }).result);
    assert.deepEqual([bug.code, bug.message, bug.userFacing], [ErrorCode.Internal, 'a bug', false]);
  });

  it('fails, rather than waits, when the thread ends without answering', async () => {
    const e = await failure(job({ do: 'crash' }).result);
    assert.deepEqual([e.code, e.message, e.userFacing], [ErrorCode.Internal, 'The fixture stopped unexpectedly (exit code 7).', false]);
  });

  it('ends the thread when cancelled', async () => {
    const source = new CancellationTokenSource();
    const j = job({ do: 'hang' }, source);
    setTimeout(() => source.cancel(), 50);
    assert.ok((await failure(j.result)) instanceof CancelledError);
  });
});

describe('RequestWorker', () => {
  it('answers requests with their progress, keeps errors typed, and fails every waiter when the thread dies', async () => {
    const worker = new RequestWorker<FixtureTask, string>(FIXTURE, 'The fixture');
    try {
      const steps: string[] = [];
      const [echo, progress] = await Promise.all([
        worker.request({ do: 'echo', value: 'a' }),
        worker.request({ do: 'progress' }, { report: (s) => void steps.push(s.message ?? '') }),
      ]);
      assert.deepEqual([echo, progress, steps], ['a', 'done', ['half way']]);
      const user = await failure(worker.request({ do: 'fail' }));
      assert.deepEqual([user.code, user.userFacing], [ErrorCode.NotASnapshot, true]);

      const source = new CancellationTokenSource();
      const hanging = worker.request({ do: 'hang' }, undefined, source.token);
      source.cancel();
      assert.ok((await failure(hanging)) instanceof CancelledError);

      const crashed = await failure(worker.request({ do: 'crash' }));
      assert.equal(crashed.message, 'The fixture stopped unexpectedly (exit code 7).');
      assert.equal((await failure(worker.request({ do: 'echo', value: 'b' }))).message, crashed.message);
    } finally {
      worker.dispose();
    }
  });

  it('says it was closed to requests after dispose', async () => {
    const worker = new RequestWorker<FixtureTask, string>(FIXTURE, 'The fixture');
    worker.dispose();
    const e = await failure(worker.request({ do: 'echo', value: 'c' }));
    assert.ok(e instanceof CancelledError);
    assert.equal(e.message, 'The fixture was closed.');
  });
});
