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

/** V8 could not reserve a WebAssembly memory: the address space is limited (`ulimit -v`). */
export function noRoomForWasm(limit: number): LeakscopeError {
  const gb = Number.isFinite(limit) ? ` (the limit is ${(limit / 2 ** 30).toFixed(1)} GiB)` : '';
  return new LeakscopeError(
    ErrorCode.FileUnreadable,
    `Cannot reserve the virtual address space the snapshot reader needs: WebAssembly reserves about 10 GiB, more than ulimit -v leaves${gb}; raise that limit, or run Leakscope with NODE_OPTIONS=--disable-wasm-trap-handler.`,
  );
}
