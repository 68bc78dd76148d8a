import { QUOTE, BACKSLASH, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, COMMA, isSpace, type ValueReader } from './jsonBytes';
import { notASnapshot } from './snapshotErrors';

/** Skips (and optionally collects) any JSON value, tracking nesting and strings. */
export class RawValueReader implements ValueReader {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private scalar = false;
  private readonly parts: Buffer[] = [];
  private collected = 0;

  constructor(
    private readonly collect: boolean,
    private readonly limit = 64 << 20,
  ) {}

  feed(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (!this.started) {
      while (i < end && isSpace(buf[i])) i++;
      if (i === end) return -1;
      this.started = true;
      const c = buf[i];
      this.scalar = c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== QUOTE;
    }
    const from = i;
    for (; i < end; i++) {
      const c = buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 0) return this.done(buf, from, i + 1);
        }
        continue;
      }
      if (this.scalar) {
        if (c === COMMA || c === CLOSE_BRACE || isSpace(c)) return this.done(buf, from, i);
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) return this.done(buf, from, i + 1);
      }
    }
    this.keep(buf, from, end);
    return -1;
  }

  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }

  private keep(buf: Buffer, from: number, to: number): void {
    if (!this.collect || to <= from) return;
    this.collected += to - from;
    if (this.collected > this.limit) throw notASnapshot('its header is implausibly large');
    this.parts.push(Buffer.from(buf.subarray(from, to)));
  }

  private done(buf: Buffer, from: number, to: number): number {
    this.keep(buf, from, to);
    return to;
  }
}

/**
 * Passes over a flat numeric array without parsing it (another thread does), at memchr speed:
 * such an array holds no nested `]`. Remembers the absolute offset of its `[`.
 */
export class SkipArrayReader implements ValueReader {
  start = -1;

  constructor(private readonly chunkBase: () => number) {}

  feed(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (this.start < 0) {
      while (i < end && isSpace(buf[i])) i++;
      if (i === end) return -1;
      if (buf[i] !== OPEN_BRACKET) throw notASnapshot('"edges" is not an array');
      this.start = this.chunkBase() + i;
      i++;
    }
    const close = buf.indexOf(CLOSE_BRACKET, i);
    return close >= 0 && close < end ? close + 1 : -1;
  }
}
