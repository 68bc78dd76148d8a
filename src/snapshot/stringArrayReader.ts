import { QUOTE, BACKSLASH, OPEN_BRACKET, CLOSE_BRACKET, COMMA, isSpace, type ValueReader } from './jsonBytes';
import { notASnapshot } from './snapshotErrors';
import { decodeStringBody, StringTable } from './stringTable';

/** Reads the `strings` array one string at a time into a StringTable, decoding none of them yet. */
export class StringArrayReader implements ValueReader {
  private started = false;
  private inString = false;
  /** Bytes of a string that began in an earlier chunk. */
  private carry: Buffer[] = [];
  /** How many backslashes the carried bytes end with: they escape a quote at the chunk start when odd. */
  private carryBackslashes = 0;
  readonly table = new StringTable();
  private scanned: Buffer | undefined;
  private nextBackslash = Infinity;

  feed(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (!this.started) {
      while (i < end && isSpace(buf[i])) i++;
      if (i === end) return -1;
      if (buf[i] !== OPEN_BRACKET) throw notASnapshot('"strings" is not an array');
      this.started = true;
      i++;
    }
    while (i < end) {
      if (!this.inString) {
        const c = buf[i];
        if (c === QUOTE) this.inString = true;
        else if (c === CLOSE_BRACKET) return i + 1;
        else if (c !== COMMA && !isSpace(c)) throw notASnapshot('"strings" holds something that is not a string');
        i++;
        continue;
      }
      const close = this.findClosingQuote(buf, i, end);
      if (close < 0) {
        let run = 0;
        for (let j = end - 1; j >= i && buf[j] === BACKSLASH; j--) run++;
        this.carryBackslashes = run === end - i ? this.carryBackslashes + run : run;
        this.carry.push(Buffer.from(buf.subarray(i, end)));
        return -1;
      }
      this.store(buf, i, close);
      this.inString = false;
      i = close + 1;
    }
    return -1;
  }

  private findClosingQuote(buf: Buffer, from: number, end: number): number {
    let i = from;
    for (;;) {
      const q = buf.indexOf(QUOTE, i);
      if (q < 0 || q >= end) return -1;
      let run = 0;
      let j = q - 1;
      while (j >= from && buf[j] === BACKSLASH) {
        run++;
        j--;
      }
      if (j < from) run += this.carryBackslashes;
      if ((run & 1) === 0) return q;
      i = q + 1;
    }
  }

  private store(buf: Buffer, start: number, close: number): void {
    if (this.carry.length === 0) {
      // The next backslash is found once and reused until passed, so each chunk is scanned once.
      if (buf !== this.scanned || start > this.nextBackslash) {
        const at = buf.indexOf(BACKSLASH, start);
        this.nextBackslash = at < 0 ? Infinity : at;
        this.scanned = buf;
      }
      const escaped = this.nextBackslash < close;
      if (escaped) validate(buf.toString('utf8', start, close));
      this.table.add(buf, start, close, escaped);
      return;
    }
    const bytes = Buffer.concat([...this.carry, buf.subarray(start, close)]);
    this.carry = [];
    this.carryBackslashes = 0;
    const escaped = bytes.indexOf(BACKSLASH) >= 0;
    if (escaped) validate(bytes.toString('utf8'));
    this.table.add(bytes, 0, bytes.length, escaped);
  }
}

/** Strings with escapes are rare; checking them now keeps a damaged file from failing later, on access. */
function validate(text: string): void {
  decodeStringBody(text);
}
