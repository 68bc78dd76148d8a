import { GrowableUint32Array } from './growable';
import { OPEN_BRACKET, CLOSE_BRACKET, type ValueReader } from './jsonBytes';

/**
 * `trace_tree` is nested: each trace node is `id, function_info_index, count, size, [children]`.
 * Streams it into parallel columns with a stack of parent positions.
 */
export class TraceTreeReader implements ValueReader {
  private depth = 0;
  private value = 0;
  private digits = false;
  private readonly record = [0, 0, 0, 0];
  private filled = 0;
  private readonly parentStack: number[] = [];
  readonly ids = new GrowableUint32Array();
  readonly functionInfos = new GrowableUint32Array();
  readonly parents = new GrowableUint32Array();

  constructor(
    private readonly fieldCount: number,
    private readonly idField: number,
    private readonly functionField: number,
  ) {}

  feed(buf: Buffer, pos: number, end: number): number {
    for (let i = pos; i < end; i++) {
      const c = buf[i];
      const d = c - 48;
      if (d >= 0 && d <= 9) {
        this.value = this.value * 10 + d;
        this.digits = true;
        continue;
      }
      if (this.digits) this.number();
      if (c === OPEN_BRACKET) {
        // A children array opens after a complete record: its records hang under the last one.
        if (this.depth > 0) this.parentStack.push(this.ids.length - 1);
        this.depth++;
      } else if (c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) return i + 1;
        this.parentStack.pop();
        this.filled = 0;
      }
    }
    return -1;
  }

  private number(): void {
    if (this.filled < this.record.length) this.record[this.filled] = this.value;
    this.filled++;
    this.value = 0;
    this.digits = false;
    if (this.filled === this.fieldCount - 1) {
      const parent = this.parentStack.length > 0 ? this.parentStack[this.parentStack.length - 1] : 0xffffffff;
      this.ids.push(this.record[this.idField]);
      this.functionInfos.push(this.record[this.functionField]);
      this.parents.push(parent);
      this.filled = 0;
    }
  }
}
