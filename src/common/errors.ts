import { printable } from './printable';

/**
 * One error type for everything a user can cause. Hosts map `code` to their own channel
 * (exit code, showErrorMessage, DAP error response); the core never prints or exits.
 */
export const enum ErrorCode {
  FileNotFound = 'file-not-found',
  FileUnreadable = 'file-unreadable',
  NotASnapshot = 'not-a-snapshot',
  TruncatedSnapshot = 'truncated-snapshot',
  UnsupportedSnapshot = 'unsupported-snapshot',
  DifferentProcesses = 'different-processes',
  /** The target process, its inspector or its workload did not do what the check needs. */
  TargetUnreachable = 'target-unreachable',
  InvalidArgument = 'invalid-argument',
  /** A heap snapshot would need more memory than the target may use (see memory/headroom). */
  NoHeadroom = 'no-headroom',
  Cancelled = 'cancelled',
  Internal = 'internal',
}

export class LeakscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** True when the message is one sentence meant for the user, not a bug report. */
    readonly userFacing = true,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LeakscopeError';
  }
}

export class CancelledError extends LeakscopeError {
  constructor(message = 'Cancelled.') {
    super(ErrorCode.Cancelled, message);
    this.name = 'CancelledError';
  }
}

export function isLeakscopeError(e: unknown): e is LeakscopeError {
  return e instanceof LeakscopeError;
}

/** An error's message, or what was thrown when it is not an Error (a string, an inspector's reply). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What a developer needs of an internal error: its stack, and the stacks of its causes. */
export function errorDetail(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause !== undefined ? `\nCaused by: ${errorDetail(e.cause)}` : '';
  return `${e.stack ?? `${e.name}: ${e.message}`}${cause}`;
}

/**
 * An error as the hosts that print say it (the CLI's stderr, the debug adapter's console), after
 * their `leakscope: ` prefix: a user-facing LeakscopeError is its own sentence; a snapshot too
 * big for this machine's memory says so; anything else is an internal error with its message,
 * and `internal` tells the host to offer the stack. Messages carry text from the target (its
 * stderr, an exception it threw): data, never terminal control.
 */
export function printedError(e: unknown): { text: string; internal: boolean } {
  if (isLeakscopeError(e) && e.userFacing) return { text: printable(e.message, Infinity, { keepLayout: true }), internal: false };
  if (e instanceof RangeError && /Array buffer allocation failed|Invalid typed array length/.test(e.message))
    return { text: 'Not enough memory to load this snapshot; close other programs or use a machine with more memory.', internal: false };
  return { text: `internal error: ${printable(errorMessage(e), Infinity, { keepLayout: true })}`, internal: true };
}
