import { GrowableUint32Array } from './growable';

const BLOCK_SIZE = 16 << 20;
const ESCAPED = 0x80000000;

/**
 * The snapshot's `strings`, kept as their UTF-8 bytes in a few large off-heap blocks and decoded
 * when asked for. Most of them are the contents of the heap's own strings, which a report shows
 * a handful of; making millions of JS strings up front cost more time (allocation and GC) than
 * the whole node section, and V8 heap besides.
 */
export class StringTable {
  private readonly blocks: Buffer[] = [];
  private block: Buffer | undefined;
  private used = 0;
  /** Per string: block number, offset in it, and byte length with the ESCAPED bit. */
  private readonly blockOf = new GrowableUint32Array(1 << 16);
  private readonly offsets = new GrowableUint32Array(1 << 16);
  private readonly lengths = new GrowableUint32Array(1 << 16);

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
    return this.lengths.length;
  }

  /** Appends the JSON string body `bytes[start, end)`; `escaped` when it holds a backslash. */
  add(bytes: Buffer, start: number, end: number, escaped: boolean): void {
    const size = end - start;
    if (!this.block || this.used + size > this.block.length) {
      this.block = Buffer.allocUnsafe(Math.max(BLOCK_SIZE, size));
      this.blocks.push(this.block);
      this.used = 0;
    }
    bytes.copy(this.block, this.used, start, end);
    this.blockOf.push(this.blocks.length - 1);
    this.offsets.push(this.used);
    this.lengths.push(escaped ? (size | ESCAPED) >>> 0 : size);
    this.used += size;
  }

  /**
   * Called once the table is complete: frees the index arrays' spare capacity, 12 bytes for
   * each of up to as many strings again (~150 MB on a 4 GB snapshot), which would otherwise stay
   * allocated through the analysis' peak.
   */
  trim(): void {
    this.blockOf.trim();
    this.offsets.trim();
    this.lengths.trim();
    if (this.block && this.used < this.block.length) this.blocks[this.blocks.length - 1] = this.block = Buffer.from(this.block.subarray(0, this.used));
  }

  get(index: number): string | undefined {
    if (index < 0 || index >= this.lengths.length) return undefined;
    const block = this.blocks[this.blockOf.at(index)];
    const start = this.offsets.at(index);
    const length = this.lengths.at(index);
    const text = block.toString('utf8', start, start + (length & ~ESCAPED));
    return length & ESCAPED ? (JSON.parse('"' + text + '"') as string) : text;
  }

  /** Every string, decoded: for tests and small snapshots. */
  toArray(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i)!);
  }
}
