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
