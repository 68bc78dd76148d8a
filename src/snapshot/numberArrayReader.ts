import { ErrorCode, LeakscopeError } from '../common/errors';
import { OPEN_BRACKET, CLOSE_BRACKET, COMMA, MINUS, isSpace, type ValueReader, type NumberSink } from './jsonBytes';
import { notASnapshot } from './snapshotErrors';

const BATCH_SIZE = 1 << 16;

/** Parses a flat array of whole numbers byte by byte, handing them to a sink in batches. */
export class NumberArrayReader implements ValueReader {
  private started = false;
  private value = 0;
  private digits = false;
  private negative = false;
  private count = 0;
  private readonly batch: Float64Array;

  constructor(private readonly section: string, private readonly sink: NumberSink) {
    // Whole records per batch, so sinks copy record by record without tracking a field cursor.
    this.batch = new Float64Array(Math.max(1, Math.floor(BATCH_SIZE / sink.recordSize)) * sink.recordSize);
  }

  feed(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (!this.started) {
      while (i < end && isSpace(buf[i])) i++;
      if (i === end) return -1;
      if (buf[i] !== OPEN_BRACKET) throw notASnapshot(`"${this.section}" is not an array`);
      this.started = true;
      i++;
    }
    // Locals, not fields, in the hot loop: V8 keeps them in registers.
    let value = this.value;
    let digits = this.digits;
    let negative = this.negative;
    let count = this.count;
    const batch = this.batch;
    const batchSize = batch.length;
    while (i < end) {
      let c = buf[i];
      if (c >= 48 && c <= 57) {
        // Most bytes are digits: finish the whole number in a tight loop before anything else.
        value = value * 10 + (c - 48);
        i++;
        while (i < end) {
          c = buf[i];
          if (c < 48 || c > 57) break;
          value = value * 10 + (c - 48);
          i++;
        }
        digits = true;
        if (i === end) break;
      }
      if (digits) {
        batch[count++] = negative ? -value : value;
        value = 0;
        digits = false;
        negative = false;
        if (count === batchSize) {
          this.sink.consume(batch, count);
          count = 0;
        }
      }
      if (c === CLOSE_BRACKET) {
        if (count > 0) this.sink.consume(batch, count);
        this.count = 0;
        this.sink.end();
        return i + 1;
      }
      if (c === MINUS) negative = true;
      else if (c !== COMMA && !isSpace(c)) {
        throw new LeakscopeError(
          ErrorCode.UnsupportedSnapshot,
          `The "${this.section}" section holds a value that is not a whole number ('${String.fromCharCode(c)}'); this is not a V8 heap snapshot Leakscope can read.`,
        );
      }
      i++;
    }
    this.value = value;
    this.digits = digits;
    this.negative = negative;
    this.count = count;
    return -1;
  }
}
