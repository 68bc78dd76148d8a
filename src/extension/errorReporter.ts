import type * as vscode from 'vscode';
import { errorNotice, type ErrorContext } from './errorNotice';

/** The extension's error seam: every command handler is wrapped in it at registration, and the few other callbacks report through it. */
export class ErrorReporter {
  constructor(
    private readonly api: typeof vscode,
    private readonly output: vscode.OutputChannel,
  ) {}

  /** Logs `e` in full and shows it as `errorNotice` decides; never throws. */
  report(e: unknown, context: ErrorContext): void {
    const notice = errorNotice(e, context);
    this.output.appendLine(notice.log);
    if (notice.message === undefined) return;
    const show = 'Show Output';
    void Promise.resolve(
      notice.offerOutput ? this.api.window.showErrorMessage(notice.message, show) : this.api.window.showErrorMessage(notice.message),
    ).then((pick) => {
      if (pick === show) this.output.show(true);
    });
  }

  /** `handler`, with what it throws or rejects with reported instead of lost: its result, or undefined after a failure. */
  wrap<A extends unknown[], R>(action: string, handler: (...args: A) => R | PromiseLike<R>): (...args: A) => Promise<R | undefined> {
    return async (...args: A) => {
      try {
        return await handler(...args);
      } catch (e) {
        this.report(e, { action });
        return undefined;
      }
    };
  }
}
