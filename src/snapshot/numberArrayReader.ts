/// <reference path="./webAssembly.d.ts" />
import { ErrorCode, LeakscopeError } from '../common/errors';
import { OPEN_BRACKET, isSpace, type ValueReader, type NumberSink } from './jsonBytes';
import { NUMBER_PARSER_WASM } from './numberParserWasm';
import { addressSpaceLimit } from './addressSpace';
import { noRoomForWasm, notASnapshot } from './snapshotErrors';

interface NumberParserExports {
  memory: WebAssembly.Memory;
  inputBase: WebAssembly.Global;
  inputSize: WebAssembly.Global;
  outputBase: WebAssembly.Global;
  outputCapacity: WebAssembly.Global;
  parse(from: number, end: number, outEnd: number): number;
  count(): number;
  clear(): void;
  status(): number;
}

const enum Status {
  /** The input window is used up, or the output is full. */
  More = 0,
  ClosingBracket = 1,
  BadByte = 2,
}

/** Compiled once per thread (a few hundred bytes). */
let compiled: WebAssembly.Module | undefined;

interface NumberParser {
  wasm: NumberParserExports;
  memory: Uint8Array;
}

/**
 * Instances whose reader finished its section, reused by the next one: each holds a WebAssembly
 * memory, and V8 reserves ~10 GB of address space per memory, so one instance per section (or
 * per snapshot) fails under `ulimit -v`. Readers on one thread that overlap (two snapshots
 * parsed at once) each take their own.
 */
const idle: NumberParser[] = [];

function acquireParser(): NumberParser {
  const reused = idle.pop();
  if (reused) return reused;
  compiled ??= new WebAssembly.Module(Buffer.from(NUMBER_PARSER_WASM, 'base64'));
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(compiled, {});
  } catch (e) {
    if (e instanceof RangeError) throw noRoomForWasm(addressSpaceLimit());
    throw e;
  }
  const wasm = instance.exports as unknown as NumberParserExports;
  return { wasm, memory: new Uint8Array(wasm.memory.buffer) };
}

/**
 * Parses a flat array of whole numbers, handing them to a sink in batches of whole records. The
 * digit loop is numberParser.wat; this class feeds it the bytes a window at a time and keeps
 * the JSON framing (the opening bracket, the section's end, errors) in words.
 */
export class NumberArrayReader implements ValueReader {
  private started = false;
  private readonly parser: NumberParser;
  private readonly wasm: NumberParserExports;
  private readonly memory: Uint8Array;
  private readonly inputBase: number;
  private readonly inputSize: number;
  /** The output as the sink sees it: a view on the module's memory, one batch long. */
  private readonly batch: Float64Array;
  private readonly outputEnd: number;

  constructor(
    private readonly section: string,
    private readonly sink: NumberSink,
  ) {
    this.parser = acquireParser();
    this.wasm = this.parser.wasm;
    this.memory = this.parser.memory;
    this.inputBase = this.wasm.inputBase.value as number;
    this.inputSize = this.wasm.inputSize.value as number;
    const outputBase = this.wasm.outputBase.value as number;
    // Whole records per batch, so sinks copy record by record without tracking a field cursor.
    const capacity = this.wasm.outputCapacity.value as number;
    const batchSize = Math.max(1, Math.floor(capacity / sink.recordSize)) * sink.recordSize;
    this.batch = new Float64Array(this.wasm.memory.buffer, outputBase, batchSize);
    this.outputEnd = outputBase + batchSize * 8;
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
    const { wasm, inputBase, batch } = this;
    while (i < end) {
      const length = Math.min(end - i, this.inputSize);
      this.memory.set(buf.subarray(i, i + length), inputBase);
      const windowEnd = inputBase + length;
      let at = inputBase;
      for (;;) {
        at = wasm.parse(at, windowEnd, this.outputEnd);
        const status = wasm.status() as Status;
        if (wasm.count() === batch.length) {
          this.sink.consume(batch, batch.length);
          wasm.clear();
        }
        if (status === Status.ClosingBracket) {
          const count = wasm.count();
          if (count > 0) this.sink.consume(batch, count);
          wasm.clear();
          // Back for the next section only after a clean end: mid-number state stays with a failed reader.
          idle.push(this.parser);
          this.sink.end();
          return i + (at - inputBase) + 1;
        }
        if (status === Status.BadByte) {
          throw new LeakscopeError(
            ErrorCode.UnsupportedSnapshot,
            `The "${this.section}" section holds a value that is not a whole number ('${String.fromCharCode(this.memory[at])}'); this is not a V8 heap snapshot Leakscope can read.`,
          );
        }
        if (at >= windowEnd) break;
      }
      i += length;
    }
    return -1;
  }
}
