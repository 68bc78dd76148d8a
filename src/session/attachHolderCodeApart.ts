import { join } from 'node:path';
import type { Finding } from '../analysis/types';
import { startWorkerJob } from '../common/workerThread';

/**
 * `attachHolderCode` on a thread of its own. `checkLeaks` runs inside the process it measures:
 * the TypeScript compiler that finds the inserting statement would stay in that heap, and every
 * later check's snapshots would carry its hundred-odd MB (a test file's second check went from 2 s
 * to 70 s). A worker's heap is its own isolate's, so the checks never see it.
 */
export async function attachHolderCodeApart(findings: Finding[]): Promise<Finding[]> {
  if (!findings.some((f) => f.source)) return findings;
  const job = startWorkerJob<Finding[], Finding[]>(join(__dirname, 'holderCodeWorker.js'), findings, 'Finding the inserting statements');
  try {
    return await job.result;
  } finally {
    await job.terminate();
  }
}
