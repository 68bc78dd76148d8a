import { LEAST_UPPER_BOUND, originalPositionFor, TraceMap, type EncodedSourceMap } from '@jridgewell/trace-mapping';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LocationMapper } from '../analysis/types';
import { fieldOf } from '../inspector/targetValues';

/** Reads a text file, or answers undefined when it cannot (missing, a folder, too large). */
export type TextReader = (path: string) => string | undefined;

export interface SourceMapOptions {
  /** The `sourceMapURL` the inspector gave for a script (Debugger.scriptParsed), by script URL. */
  sourceMapUrl?: (scriptUrl: string) => string | undefined;
  readFile?: TextReader;
  /** Most scripts whose map (or lack of one) is kept; the least recently used is dropped first. */
  maxScripts?: number;
}

/** A map or script larger than this is not read: it is a bundle's worth and then some, or not a map. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Reads files from disk, refusing the unreasonable. */
export const readTextFile: TextReader = (path) => {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Maps locations in the code V8 ran to the code the user wrote, through each script's source
 * map: the `sourceMapURL` the inspector reported (tsx and ts-node register an inline `data:` map
 * for what they transform on load), else the `//# sourceMappingURL=` comment at the end of the
 * script (tsc's `x.js.map` beside `x.js`, or an inline map). Maps come from the target and its
 * files, so a broken one is treated as no map. One map per script is kept, for a bounded number
 * of scripts.
 */
export class SourceMaps {
  private readonly maps = new Map<string, TraceMap | null>();
  private readonly readFile: TextReader;
  private readonly maxScripts: number;

  constructor(private readonly options: SourceMapOptions = {}) {
    this.readFile = options.readFile ?? readTextFile;
    this.maxScripts = options.maxScripts ?? 500;
  }

  /** `mapLocation` for the core: one-based line and column in, one-based out; undefined when the script has no usable map. */
  readonly mapLocation: LocationMapper = (location) => {
    if (!location.file || location.file.startsWith('node:') || location.line < 1) return undefined;
    const map = this.mapOf(location.file);
    if (!map) return undefined;
    let original;
    try {
      original = originalPositionFor(map, { line: location.line, column: Math.max(0, location.column - 1) });
      // A position between mappings (a column V8 reports at a function's start) maps to the nearest mapping before it on the line, else after.
      if (original.source === null)
        original = originalPositionFor(map, { line: location.line, column: Math.max(0, location.column - 1), bias: LEAST_UPPER_BOUND });
    } catch {
      return undefined;
    }
    if (original.source === null || original.line === null || original.column === null) return undefined;
    return {
      file: asPath(original.source),
      line: original.line,
      column: original.column + 1,
      ...(original.name ? { name: original.name } : {}),
    };
  };

  private mapOf(scriptUrl: string): TraceMap | null {
    const cached = this.maps.get(scriptUrl);
    if (cached !== undefined) {
      this.maps.delete(scriptUrl);
      this.maps.set(scriptUrl, cached);
      return cached;
    }
    const map = this.load(scriptUrl);
    this.maps.set(scriptUrl, map);
    if (this.maps.size > this.maxScripts) this.maps.delete(this.maps.keys().next().value!);
    return map;
  }

  private load(scriptUrl: string): TraceMap | null {
    const scriptPath = localPath(scriptUrl);
    let reference = this.options.sourceMapUrl?.(scriptUrl);
    if (!reference && scriptPath) {
      const text = this.readFile(scriptPath);
      reference = text === undefined ? undefined : sourceMappingUrlOf(text);
    }
    if (!reference) return null;
    let json: string | undefined;
    // Sources resolve against the map's own location; an inline map's against the script's.
    let base = scriptPath ? pathToFileURL(scriptPath).href : scriptUrl;
    if (reference.startsWith('data:')) json = decodeDataUrl(reference);
    else {
      const mapPath = referencedPath(reference, scriptPath);
      if (!mapPath) return null;
      json = this.readFile(mapPath);
      base = pathToFileURL(mapPath).href;
    }
    if (json === undefined) return null;
    try {
      const map = encodedSourceMap(JSON.parse(json));
      return map ? new TraceMap(map, base) : null;
    } catch {
      return null;
    }
  }
}

/**
 * The fields of a parsed source map that mapping a location reads, checked, in a new object:
 * TraceMap trusts its input's shape (an object with its private fields set would even be taken
 * as a TraceMap itself). Undefined when they are not a source map's, which is then no map.
 */
export function encodedSourceMap(value: unknown): EncodedSourceMap | undefined {
  const mappings = fieldOf(value, 'mappings');
  const sources = fieldOf(value, 'sources');
  const names = fieldOf(value, 'names');
  const sourceRoot = fieldOf(value, 'sourceRoot');
  const file = fieldOf(value, 'file');
  if (typeof mappings !== 'string' || !isList(sources, (s) => s === null || typeof s === 'string')) return undefined;
  if (names !== undefined && !isList(names, (n) => typeof n === 'string')) return undefined;
  if (sourceRoot !== undefined && typeof sourceRoot !== 'string') return undefined;
  if (file !== undefined && file !== null && typeof file !== 'string') return undefined;
  return { version: 3, mappings, sources, names: names ?? [], ...(sourceRoot === undefined ? {} : { sourceRoot }), file };
}

function isList<T>(value: unknown, isItem: (item: unknown) => item is T): value is T[] {
  return Array.isArray(value) && value.every(isItem);
}

/** The last `//# sourceMappingURL=` comment of a script, as the spec has it: only the end of the file counts. */
export function sourceMappingUrlOf(text: string): string | undefined {
  const tail = text.slice(-Math.min(text.length, 1024 * 1024));
  let found: string | undefined;
  for (const m of tail.matchAll(/\/[/*][#@]\s*sourceMappingURL=([^\s'"*]+)/g)) found = m[1];
  return found;
}

function decodeDataUrl(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  const body = url.slice(comma + 1);
  try {
    return /;base64$/i.test(header) ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
  } catch {
    return undefined;
  }
}

/** A script URL or path as a local path, when it is one. */
function localPath(url: string): string | undefined {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return isAbsolute(url) ? url : undefined;
}

function referencedPath(reference: string, scriptPath: string | undefined): string | undefined {
  if (reference.startsWith('file:')) return localPath(reference);
  if (/^[a-z][a-z0-9+.-]*:/i.test(reference)) return undefined; // http: and the like: not read from here
  if (!scriptPath) return undefined;
  let decoded = reference;
  try {
    decoded = decodeURIComponent(reference);
  } catch {
    // Kept as written.
  }
  return resolve(dirname(scriptPath), decoded);
}

function asPath(source: string): string {
  return localPath(source) ?? source;
}
