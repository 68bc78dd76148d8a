import type { AnyQueryResult, FromWebview, PanelQueries, QueryCall, QueryMethod, QueryResult, ToWebview } from '../src/panel/protocol';

/** Asks the extension host one question; the answer comes back as a `queryResult` with the same id. */
export type Query = <M extends QueryMethod>(method: M, params: PanelQueries[M]['params']) => Promise<QueryResult<M>>;

export type QueryResultMessage = Extract<ToWebview, { type: 'queryResult' }>;

export interface Rpc {
  query: Query;
  /** Settles the pending call a `queryResult` answers; unknown ids (a call from before a reload) are ignored. */
  handleResult(message: QueryResultMessage): void;
  /** Fails every pending call, e.g. when a new model replaces the view that asked. */
  rejectAll(reason: string): void;
}

export function createRpc(post: (message: FromWebview) => void): Rpc {
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: AnyQueryResult) => void; reject: (error: Error) => void }>();

  const query: Query = <M extends QueryMethod>(method: M, params: PanelQueries[M]['params']) =>
    new Promise<QueryResult<M>>((resolve, reject) => {
      const id = nextId++;
      // The answer with this id is this call's result: the backend answers each call with its own method.
      pending.set(id, { resolve: resolve as (value: AnyQueryResult) => void, reject });
      // The mapped QueryCall union cannot be narrowed from a generic M; method and params match by construction.
      post({ type: 'query', id, call: { method, params } as QueryCall });
    });

  return {
    query,
    handleResult(message) {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if ('err' in message) call.reject(new Error(message.err));
      else call.resolve(message.ok);
    },
    rejectAll(reason) {
      for (const call of pending.values()) call.reject(new Error(reason));
      pending.clear();
    },
  };
}
