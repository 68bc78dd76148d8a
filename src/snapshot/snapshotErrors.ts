import { ErrorCode, LeakscopeError } from '../common/errors';

export function notASnapshot(why: string): LeakscopeError {
  return new LeakscopeError(ErrorCode.NotASnapshot, `This is not a V8 heap snapshot: ${why}.`);
}

export function countMismatch(section: string): LeakscopeError {
  return new LeakscopeError(
    ErrorCode.TruncatedSnapshot,
    `The snapshot's "${section}" section does not hold the number of entries its header announces; the file is damaged.`,
  );
}
