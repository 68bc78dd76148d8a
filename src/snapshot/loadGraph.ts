import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { formatBytes } from '../common/bytes';
import { analyzeSnapshot } from './heapGraph';
import type { HeapGraph } from './heapGraph';
import { parseSnapshot } from './parser';
import type { AnalyzeOptions, ParseOptions } from './types';
import type { CancellationToken } from '../common/cancellation';
import type { Progress } from '../common/progress';

/** What loading needs from its host: a token, and progress in named phases (a big file's phases show even off a terminal). */
export interface GraphLoadContext {
  token: CancellationToken;
  progress: { phase(message: string, big?: boolean): Progress; done(): void };
}

/** Files from this size on get progress lines even when stderr is not a terminal. */
const BIG_FILE = 50 << 20;

/** Parse and analyse one file, reporting each phase to the host (the CLI shows them on stderr, MCP as progress notifications). */
export async function loadGraphWithProgress(
  file: string,
  context: GraphLoadContext,
  options: ParseOptions & AnalyzeOptions = {},
): Promise<HeapGraph> {
  let size = 0;
  try {
    size = (await fs.stat(file)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LeakscopeError(ErrorCode.FileNotFound, `${file} does not exist.`);
  }
  const big = size >= BIG_FILE;
  const progress = context.progress.phase(`Reading ${basename(file)} (${formatBytes(size)})`, big);
  const snapshot = await parseSnapshot(file, { ...options, progress, token: context.token });
  context.progress.phase(`Analysing ${basename(file)}: dominators, retained sizes, paths`, big);
  const graph = analyzeSnapshot(snapshot, { ...options, token: context.token });
  context.progress.done();
  return graph;
}
