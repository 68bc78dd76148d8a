import { ErrorCode, errorDetail, errorMessage, isLeakscopeError } from '../common/errors';
import { printable } from '../common/printable';

/** What the editor does with an error: the message to show (none for a cancellation) and what goes to the output channel. */
export interface ErrorNotice {
  /** The notification's text; undefined when nothing is shown. */
  message?: string;
  /** The error is not one sentence for the user: offer the output channel, which has its stack. */
  offerOutput: boolean;
  /** The full error for the output channel. */
  log: string;
  /**
   * The error where the place already names what failed (a panel's "Could not load classes: …"):
   * the user-facing sentence, else a generic one pointing at the output channel, since an
   * internal message means nothing to the user; for a cancellation, that it was cancelled.
   */
  inline: string;
}

export interface ErrorContext {
  /** What was being done, in the words of the palette: `Run Leak Check`. */
  action: string;
  /** Appended to the message: `the process is gone`. */
  note?: string;
}

/**
 * The extension's one decision about an error (the CLI's counterpart is `reportError` in
 * cli/main.ts): a cancellation is silent (ours, or VS Code's `CancellationError`); a
 * `userFacing` LeakscopeError is shown as its sentence; anything else names the action that
 * failed and points at the output channel, where the stack is (a panel that shows the error in
 * place says only that, as `inline`). Messages may carry text from the
 * target (an exception it threw), so they are made printable.
 */
export function errorNotice(e: unknown, context: ErrorContext): ErrorNotice {
  const log = `${context.action} failed: ${errorDetail(e)}`;
  if (isCancellation(e)) return { offerOutput: false, log: `${context.action} was cancelled.`, inline: 'Cancelled.' };
  const note = context.note ? ` (${context.note})` : '';
  if (isLeakscopeError(e) && e.userFacing) {
    const text = sentence(printable(withoutPrefix(e.message), 600), note);
    return { message: `Leakscope: ${text}`, offerOutput: false, log, inline: text };
  }
  const text = errorMessage(e);
  return {
    message: `Leakscope: ${context.action} failed: ${sentence(printable(withoutPrefix(text), 300), note)} The Leakscope output has the details.`,
    offerOutput: true,
    log,
    inline: `Something went wrong inside Leakscope${note}; the Leakscope output has the details.`,
  };
}

function isCancellation(e: unknown): boolean {
  if (isLeakscopeError(e)) return e.code === ErrorCode.Cancelled;
  // vscode.CancellationError, thrown by VS Code's own APIs when their token is cancelled.
  return e instanceof Error && e.name === 'Canceled';
}

function withoutPrefix(message: string): string {
  return message.replace(/^Leakscope: /, '');
}

/** One sentence: a capital first letter, the note, and a full stop. */
function sentence(text: string, note: string): string {
  const trimmed = text.trim().replace(/\.$/, '') || 'no message';
  const body = `${trimmed[0].toUpperCase()}${trimmed.slice(1)}${note}`;
  return /[!?…]$/.test(body) ? body : `${body}.`;
}
