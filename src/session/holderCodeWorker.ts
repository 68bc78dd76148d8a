import type { Finding } from '../analysis/types';
import { answerWorkerJob } from '../common/workerThread';
import { attachHolderCode } from './attachHolderCode';

/** Worker thread: `attachHolderCode` on findings, with the TypeScript compiler loaded here rather than in the caller. */
answerWorkerJob<Finding[], Finding[]>(async (findings) => attachHolderCode(findings));
