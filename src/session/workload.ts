import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import http from 'node:http';
import https from 'node:https';
import { CancelledError, ErrorCode, errorMessage, LeakscopeError } from '../common/errors';

const CONCURRENCY = 8;
/** One request, from sending it to the last byte of its body: a server that trickles is not answering. */
const REQUEST_MS = 30_000;

/** Inclusive status ranges a workload request may answer besides 1xx–3xx, e.g. [[404, 404], [410, 410]]. */
export type AcceptedStatuses = Array<[number, number]>;

/**
 * Sends `count` GET requests to `url`, a few at a time; a request that fails, takes longer than
 * 30 s, or answers a 4xx/5xx status the user did not accept stops the check: a workload that
 * does not reach the code it is meant to exercise would measure nothing. `{i}` in the URL
 * becomes the request's number, counted from `first`, so ids can be unique across the whole
 * check. Connections are kept alive within the batch, as real clients do, and all closed at
 * its end: the app's sockets for them must not outlive the cycle and show up in the next
 * snapshot as growth the check itself caused. Cancelling aborts the requests in flight.
 */
export async function requestMany(
  url: string,
  count: number,
  token: CancellationToken = NeverCancelled,
  first = 0,
  accepted: AcceptedStatuses = [],
): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const abort = new AbortController();
  const onCancel = token.onCancellationRequested(() => abort.abort());
  let next = 0;
  const worker = async () => {
    while (next < count) {
      throwIfCancelled(token);
      const i = next++;
      const target = url.replace(/\{i\}/g, String(first + i));
      let status: number;
      try {
        status = await get(target, agent, abort.signal);
      } catch (e) {
        if (token.isCancellationRequested) throw new CancelledError('The workload was cancelled.');
        if (e instanceof LeakscopeError) throw e;
        throw new LeakscopeError(
          ErrorCode.TargetUnreachable,
          `The workload request to ${target} failed (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}); is the server still up?`,
        );
      }
      if (status >= 400 && !accepted.some(([low, high]) => status >= low && status <= high)) {
        throw new LeakscopeError(
          ErrorCode.TargetUnreachable,
          `The workload request to ${target} answered ${status} ${http.STATUS_CODES[status] ?? ''}`.trimEnd() +
            `, so the workload did not reach the code it checks; fix the URL, or pass --accept-status ${status} if that answer is the workload.`,
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  } finally {
    onCancel.dispose();
    abort.abort();
    agent.destroy();
  }
}

/** One GET, body read to the end within REQUEST_MS; resolves with the status. */
function get(target: string, agent: http.Agent, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const https_ = target.startsWith('https:');
    const request = (https_ ? https : http).get(target, { agent: https_ ? undefined : agent, signal }, (response) => {
      response.on('error', reject);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.resume();
    });
    const slow = new LeakscopeError(
      ErrorCode.TargetUnreachable,
      `The workload request to ${target} did not complete within ${REQUEST_MS / 1000} s; the server answers too slowly or never ends its answer.`,
    );
    const deadline = setTimeout(() => request.destroy(slow), REQUEST_MS);
    request.on('error', reject);
    request.on('close', () => clearTimeout(deadline));
  });
}

/**
 * `--accept-status`: a comma-separated list of statuses (404), ranges (400-499) or classes (4xx).
 * Returns undefined for text it cannot read, so the host can say so in its own words.
 */
export function parseAcceptedStatuses(text: string): AcceptedStatuses | undefined {
  const ranges: AcceptedStatuses = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const single = /^([1-5]\d\d)$/.exec(part);
    const range = /^([1-5]\d\d)-([1-5]\d\d)$/.exec(part);
    const klass = /^([1-5])xx$/i.exec(part);
    if (single) ranges.push([Number(single[1]), Number(single[1])]);
    else if (range && Number(range[1]) <= Number(range[2])) ranges.push([Number(range[1]), Number(range[2])]);
    else if (klass) ranges.push([Number(klass[1]) * 100, Number(klass[1]) * 100 + 99]);
    else return undefined;
  }
  return ranges;
}

/** Polls `url` until it answers at all (any status), or fails after `timeoutMs`. */
export async function waitUntilReady(
  url: string,
  timeoutMs: number,
  token: CancellationToken = NeverCancelled,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    throwIfCancelled(token);
    if (!isAlive()) throw new LeakscopeError(ErrorCode.TargetUnreachable, `The target exited before ${url} answered.`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline)
        throw new LeakscopeError(ErrorCode.TargetUnreachable, `${url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
