import { parentPort } from 'node:worker_threads';
import { CancellationTokenSource } from '../common/cancellation';
import { GraphState, type GraphRequest } from './graphState';

/** Messages between a GraphHost and its worker thread. Cancellation is a message, not a shared flag. */
export type ToGraphWorker = { id: number; request: GraphRequest } | { cancel: number };
export type FromGraphWorker =
  | { id: number; ok: unknown }
  | { id: number; err: { code: string; message: string; userFacing: boolean } }
  | { id: number; progress: string };

if (parentPort) {
  const port = parentPort;
  const state = new GraphState();
  const running = new Map<number, CancellationTokenSource>();
  port.on('message', (message: ToGraphWorker) => {
    if ('cancel' in message) {
      running.get(message.cancel)?.cancel();
      return;
    }
    const { id, request } = message;
    const source = new CancellationTokenSource();
    running.set(id, source);
    const progress = { report: (step: { message?: string }) => step.message && port.postMessage({ id, progress: step.message } satisfies FromGraphWorker) };
    state
      .handle(request, progress, source.token)
      .then((ok) => port.postMessage({ id, ok } satisfies FromGraphWorker))
      .catch((e: { code?: string; message?: string; userFacing?: boolean }) =>
        port.postMessage({ id, err: { code: e.code ?? 'internal', message: e.message ?? String(e), userFacing: e.userFacing ?? false } } satisfies FromGraphWorker),
      )
      .finally(() => running.delete(id));
  });
}
