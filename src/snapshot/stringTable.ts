import { indexOfSorted } from './bisect';
import { GrowableUint32Array } from './growable';
import { notASnapshot } from './snapshotErrors';

const BLOCK_SIZE = 16 << 20;

/**
 * The snapshot's `strings`, kept as their UTF-8 bytes in a few large off-heap blocks and decoded
 * when asked for. Most of them are the contents of the heap's own strings, which a report shows
 * a handful of; making millions of JS strings up front cost more time (allocation and GC) than
 * the whole node section, and V8 heap besides.
 *
 * The index costs 4 bytes a string: where it starts in its block. A string ends where the next
 * one in the same block starts (strings are stored back to back), the block of a string is
 * found by bisecting the blocks' first indexes (a few hundred blocks at most), and the rare
 * strings with JSON escapes are listed apart. Three 4-byte columns cost 160 MB more on a 4 GB
 * snapshot's 20 M strings, at the analysis' peak.
 */
export class StringTable {
  private readonly blocks: Buffer[] = [];
  /** Index of the first string of each block, and the bytes each full block holds (the last one holds `used`). */
  private readonly blockFirst: number[] = [];
  private readonly blockUsed: number[] = [];
  private block: Buffer | undefined;
  private used = 0;
  private count = 0;
  private readonly starts = new GrowableUint32Array(1 << 16);
  /** Indexes of the strings that hold a backslash escape, ascending. */
  private readonly escaped = new GrowableUint32Array(16);

  static from(strings: readonly string[]): StringTable {
    const table = new StringTable();
    for (const s of strings) {
      const body = JSON.stringify(s).slice(1, -1);
      const bytes = Buffer.from(body, 'utf8');
      table.add(bytes, 0, bytes.length, body.includes('\\'));
    }
    return table;
  }

  get length(): number {
    return this.count;
  }

  /** Appends the JSON string body `bytes[start, end)`; `escaped` when it holds a backslash. */
  add(bytes: Buffer, start: number, end: number, escaped: boolean): void {
    const size = end - start;
    if (!this.block || this.used + size > this.block.length) {
      if (this.block) this.blockUsed.push(this.used);
      this.block = Buffer.allocUnsafe(Math.max(BLOCK_SIZE, size));
      this.blocks.push(this.block);
      this.blockFirst.push(this.count);
      this.used = 0;
    }
    bytes.copy(this.block, this.used, start, end);
    this.starts.push(this.used);
    if (escaped) this.escaped.push(this.count);
    this.used += size;
    this.count++;
  }

  /**
   * Called once the table is complete: frees the index's spare capacity (up to as many entries
   * again) and the last block's unused tail, which would otherwise stay allocated through the
   * analysis' peak.
   */
  trim(): void {
    this.starts.trim();
    this.escaped.trim();
    if (this.block && this.used < this.block.length)
      this.blocks[this.blocks.length - 1] = this.block = Buffer.from(this.block.subarray(0, this.used));
  }

  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const b = this.blockOf(index);
    const start = this.starts.at(index);
    const last = b + 1 === this.blocks.length;
    const end =
      index + 1 < this.count && (last || index + 1 < this.blockFirst[b + 1])
        ? this.starts.at(index + 1)
        : last
          ? this.used
          : this.blockUsed[b];
    const text = this.blocks[b].toString('utf8', start, end);
    return this.isEscaped(index) ? decodeStringBody(text) : text;
  }

  /** Every string, decoded: for tests and small snapshots. */
  toArray(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i)!);
  }

  /** The last block whose first string is at or before `index`. */
  private blockOf(index: number): number {
    const first = this.blockFirst;
    let lo = 0;
    let hi = first.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (first[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private isEscaped(index: number): boolean {
    return this.escaped.length > 0 && indexOfSorted(this.escaped.view(), index) >= 0;
  }
}

/**
 * A JSON string body with escapes, decoded. The reader checks each one as it reads the snapshot
 * (where the error is given the file's name), so the table only decodes bodies that passed.
 */
export function decodeStringBody(body: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse('"' + body + '"');
  } catch {
    decoded = undefined;
  }
  if (typeof decoded !== 'string') throw notASnapshot('a string in "strings" is not valid JSON');
  return decoded;
}
