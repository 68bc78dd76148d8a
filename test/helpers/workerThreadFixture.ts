import { workerData } from 'node:worker_threads';
import { ErrorCode, LeakscopeError } from '../../src/common/errors';
import { answerRequests, answerWorkerJob } from '../../src/common/workerThread';

/** A worker for src/common/workerThread.test.ts: as a job when given workerData, else answering requests. */
export type FixtureTask =
  { do: 'echo'; value: string } | { do: 'fail' } | { do: 'bug' } | { do: 'crash' } | { do: 'hang' } | { do: 'progress' };

async function run(task: FixtureTask, report: (message: string) => void = () => undefined): Promise<string> {
  switch (task.do) {
    case 'echo':
      return task.value;
    case 'fail':
      throw new LeakscopeError(ErrorCode.NotASnapshot, 'x.json is not a heap snapshot.');
    case 'bug':
      throw new TypeError('a bug');
    case 'crash':
      return process.exit(7);
    case 'hang':
      return new Promise(() => setInterval(() => undefined, 1000));
    case 'progress':
      report('half way');
      return 'done';
  }
}

if (workerData === undefined) answerRequests<FixtureTask, string>((task, progress) => run(task, (message) => progress.report({ message })));
else answerWorkerJob<FixtureTask, string>((task) => run(task));
