import { readFileSync } from 'node:fs';

/**
 * Each thread that parses numbers holds one WebAssembly memory, and V8 (with its default trap
 * handler) reserves about 10 GB of virtual address space for every such memory, however small.
 * Under a `ulimit -v` that leaves room for fewer than a few of them, reading stays on one thread.
 */
const ROOM_FOR_THREADS = 64 * 2 ** 30;

let cached: boolean | undefined;

/** Whether extra reader threads (each with its own WebAssembly memory) fit the address-space limit. */
export function roomForReaderThreads(): boolean {
  cached ??= trapHandlerDisabled() || addressSpaceLimit() >= ROOM_FOR_THREADS;
  return cached;
}

/** The soft RLIMIT_AS in bytes, Infinity when unlimited or unknown (not Linux). */
export function addressSpaceLimit(): number {
  try {
    const line = /^Max address space\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const value = line ? Number(line[1]) : NaN;
    return Number.isFinite(value) ? value : Infinity;
  } catch {
    return Infinity;
  }
}

function trapHandlerDisabled(): boolean {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--disable-wasm-trap-handler');
}
