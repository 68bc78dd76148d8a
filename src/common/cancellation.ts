import { CancelledError } from './errors';

/** Shaped like vscode.CancellationToken so the extension can pass its own straight through. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export const NeverCancelled: CancellationToken = Object.freeze({
  isCancellationRequested: false,
  onCancellationRequested: () => ({ dispose() {} }),
});

export class CancellationTokenSource {
  private cancelled = false;
  private readonly listeners = new Set<() => void>();
  private readonly parentSubscription?: { dispose(): void };

  readonly token: CancellationToken;

  constructor(parent?: CancellationToken) {
    // The token's getter must read this source's state, not the token's own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.token = {
      get isCancellationRequested() {
        return self.cancelled;
      },
      onCancellationRequested(listener) {
        if (self.cancelled) {
          listener();
          return { dispose() {} };
        }
        self.listeners.add(listener);
        return { dispose: () => self.listeners.delete(listener) };
      },
    };
    if (parent) {
      this.parentSubscription = parent.onCancellationRequested(() => this.cancel());
    }
  }

  /** A source that cancels itself after `ms`, or when the parent does. */
  static withTimeout(ms: number, parent?: CancellationToken): CancellationTokenSource {
    const source = new CancellationTokenSource(parent);
    const timer = setTimeout(() => source.cancel(), ms);
    timer.unref?.();
    source.token.onCancellationRequested(() => clearTimeout(timer));
    return source;
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l();
  }

  dispose(): void {
    this.listeners.clear();
    this.parentSubscription?.dispose();
  }
}

export function throwIfCancelled(token: CancellationToken | undefined, message?: string): void {
  if (token?.isCancellationRequested) throw new CancelledError(message);
}
