import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';

const CONCURRENCY = 8;

/**
 * Sends `count` GET requests to `url`, a few at a time; a request that fails stops the check.
 * `{i}` in the URL becomes the request's number, counted from `first`, so ids can be unique
 * across the whole check.
 */
export async function requestMany(url: string, count: number, token: CancellationToken = NeverCancelled, first = 0): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      throwIfCancelled(token);
      const i = next++;
      const target = url.replace(/\{i\}/g, String(first + i));
      let response: Response;
      try {
        response = await fetch(target);
        await response.arrayBuffer();
      } catch (e) {
        throw new LeakscopeError(ErrorCode.TargetUnreachable, `The workload request to ${target} failed (${(e as Error).cause ?? (e as Error).message}); is the server still up?`);
      }
      if (response.status >= 500) throw new LeakscopeError(ErrorCode.TargetUnreachable, `The workload request to ${target} answered ${response.status}.`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

/** Polls `url` until it answers at all (any status), or fails after `timeoutMs`. */
export async function waitUntilReady(url: string, timeoutMs: number, token: CancellationToken = NeverCancelled, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    throwIfCancelled(token);
    if (!isAlive()) throw new LeakscopeError(ErrorCode.TargetUnreachable, `The target exited before ${url} answered.`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new LeakscopeError(ErrorCode.TargetUnreachable, `${url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
