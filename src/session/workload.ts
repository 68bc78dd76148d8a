import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import http from 'node:http';
import https from 'node:https';
import { ErrorCode, LeakscopeError } from '../common/errors';

const CONCURRENCY = 8;

/**
 * Sends `count` GET requests to `url`, a few at a time; a request that fails stops the check.
 * `{i}` in the URL becomes the request's number, counted from `first`, so ids can be unique
 * across the whole check. Connections are kept alive within the batch, as real clients do, and
 * all closed at its end: the app's sockets for them must not outlive the cycle and show up in
 * the next snapshot as growth the check itself caused.
 */
export async function requestMany(url: string, count: number, token: CancellationToken = NeverCancelled, first = 0): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      throwIfCancelled(token);
      const i = next++;
      const target = url.replace(/\{i\}/g, String(first + i));
      let status: number;
      try {
        status = await get(target, agent);
      } catch (e) {
        throw new LeakscopeError(ErrorCode.TargetUnreachable, `The workload request to ${target} failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is the server still up?`);
      }
      if (status >= 500) throw new LeakscopeError(ErrorCode.TargetUnreachable, `The workload request to ${target} answered ${status}.`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  } finally {
    agent.destroy();
  }
}

/** One GET, body read to the end; resolves with the status. */
function get(target: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (target.startsWith('https:') ? https : http).get(target, { agent: target.startsWith('https:') ? undefined : agent }, (response) => {
      response.on('error', reject);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.resume();
    });
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error('no answer within 30 s')));
  });
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
