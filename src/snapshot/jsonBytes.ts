// Byte-level JSON reading shared by the snapshot section readers.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const MINUS = 0x2d;

export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Consumes bytes of one top-level value; returns the index after the value, or -1 to ask for more. */
export interface ValueReader {
  feed(buf: Buffer, pos: number, end: number): number;
}

/** Receives the numbers of a flat numeric array in batches. */
export interface NumberSink {
  /** Numbers per record; every batch but the last holds whole records. */
  readonly recordSize: number;
  consume(batch: Float64Array, count: number): void;
  end(): void;
}
