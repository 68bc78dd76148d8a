import { fileURLToPath } from 'node:url';
import type { InspectorConnection } from './connection';
import { fieldOf, isAmount, isOptionalText, isWholeNumber } from './targetValues';

/** A function the sampler named as allocating what leaks: where to start looking for its holder. */
export interface AllocationSite {
  functionName: string;
  /** The script's URL or path, as the sampling profile names it. */
  url: string;
  /** One-based: where the function starts. */
  line: number;
  column: number;
}

/** A collection a site's closures can reach, and how many entries it had when read. */
export interface HolderCandidate {
  site: AllocationSite;
  /** The scope it was found in, as DevTools shows it: `Closure (importBatch)`, `Script`. */
  scope: string;
  variable: string;
  className: string;
  objectId: string;
  size: number;
}

/**
 * Bounds of a walk: it runs on heaps too big to snapshot, so it touches few objects and stops on
 * time. `maxFunctions` caps the functions of the site's name looked at (each one CDP call),
 * `maxVariables` the scope variables sized, `timeMs` the whole walk.
 */
export interface WalkBudget {
  maxFunctions: number;
  maxVariables: number;
  timeMs: number;
}

// queryObjects alone took over 5 s on a 305 MB heap; later steps stop at the deadline.
export const DEFAULT_WALK_BUDGET: WalkBudget = { maxFunctions: 200, maxVariables: 200, timeMs: 15000 };

/** Handles to the collections found, kept until `release`. */
const GROUP = 'leakscope-holder-walk';
/** Handles to the array of every function and its filtered copy: let go as soon as the functions are found. */
const SEARCH_GROUP = 'leakscope-holder-search';
/** Runs in the target on a collection: its entry count, without copying it. */
const SIZE_OF =
  'function () { if (this instanceof Map || this instanceof Set) return this.size; if (Array.isArray(this)) return this.length; let n = 0; for (const k in this) if (Object.prototype.hasOwnProperty.call(this, k) && ++n >= 1e7) break; return n; }';
/**
 * Runs in the target on queryObjects' array of everything with Function.prototype in its chain
 * (prototype objects too, hence the typeof): the functions named `name` whose source
 * starts with `prefix` (when given), at most `max`. A function's source text is a slice of its
 * script's, not a copy, so the test is cheap even over many functions.
 */
const NAMED =
  'function (name, prefix, max) { const out = []; const text = Function.prototype.toString; for (const f of this) { if (typeof f !== "function" || f.name !== name) continue; try { if (prefix && !text.call(f).startsWith(prefix)) continue; } catch { continue; } out.push(f); if (out.length >= max) break; } return out; }';
/** Characters of the site's source a function's text must start with, to tell anonymous functions apart. */
const PREFIX_LENGTH = 40;

interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  description?: string;
  objectId?: string;
  value?: unknown;
}
/** A property as Runtime.getProperties lists it (own or internal). */
interface Property {
  name: string;
  value?: RemoteObject;
}

/**
 * Finds what may hold a sampled leak without a heap snapshot: the functions of the allocating
 * site's name (found with `Runtime.queryObjects` on `Function.prototype`, filtered inside the
 * target), those defined at the site's line, their `[[Scopes]]`, and in each closure and script
 * scope the Maps, Sets, Arrays and plain Objects with their sizes. A second reading after one
 * more cycle tells which of them grew. Handles live in one object group, released by `release`.
 */
export class ClosureHolderWalk {
  private readonly deadline: number;
  private touched = 0;

  constructor(
    private readonly connection: InspectorConnection,
    private readonly budget: WalkBudget = DEFAULT_WALK_BUDGET,
  ) {
    this.deadline = Date.now() + budget.timeMs;
  }

  /** The collections reachable from the site's closures, with their sizes now; empty when none is found within the budget. */
  async candidates(site: AllocationSite): Promise<HolderCandidate[]> {
    try {
      return await this.search(site);
    } finally {
      // Everything reached from the search (functions, scopes) shares its group.
      await this.connection.probe('Runtime.releaseObjectGroup', { objectGroup: SEARCH_GROUP }).catch(() => undefined);
    }
  }

  private async search(site: AllocationSite): Promise<HolderCandidate[]> {
    const functions = await this.functionsAt(site);
    const found: HolderCandidate[] = [];
    const seen = new Set<string>();
    for (const fn of functions) {
      const scopes = await this.properties(fn.scopes);
      for (const scope of scopes) {
        const label = scope.value?.description ?? scope.name;
        // The global scope is everyone's; a leak in it is a snapshot check's to name.
        if (!scope.value?.objectId || /^Global/.test(label)) continue;
        for (const variable of await this.properties(scope.value.objectId)) {
          if (this.exhausted()) return found;
          const value = variable.value;
          if (!value?.objectId || !isCollection(value)) continue;
          const key = `${label}\u0000${variable.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          this.touched++;
          const kept = await this.keep(value.objectId);
          const size = kept === undefined ? undefined : await this.sizeOf(kept);
          if (kept && size !== undefined)
            found.push({
              site,
              scope: label,
              variable: variable.name,
              className: value.className ?? value.subtype ?? 'Object',
              objectId: kept,
              size,
            });
        }
      }
    }
    return found;
  }

  /** A fresh size of each candidate (undefined when it is gone). */
  async sizes(candidates: readonly HolderCandidate[]): Promise<Array<number | undefined>> {
    const out: Array<number | undefined> = [];
    for (const c of candidates) out.push(await this.sizeOf(c.objectId));
    return out;
  }

  async release(): Promise<void> {
    await this.connection.probe('Runtime.releaseObjectGroup', { objectGroup: GROUP }).catch(() => undefined);
  }

  private exhausted(): boolean {
    return Date.now() > this.deadline || this.touched >= this.budget.maxVariables;
  }

  /** Functions named as the site and defined at its line, each with its `[[Scopes]]` handle. */
  private async functionsAt(site: AllocationSite): Promise<Array<{ scopes: string }>> {
    const proto = await this.connection.probe('Runtime.evaluate', {
      expression: 'Function.prototype',
      objectGroup: SEARCH_GROUP,
      includeCommandLineAPI: false,
    });
    const protoId = objectIdIn(proto, 'result');
    if (!protoId) return [];
    const all = await this.connection.probe('Runtime.queryObjects', { prototypeObjectId: protoId, objectGroup: SEARCH_GROUP });
    const allId = objectIdIn(all, 'objects');
    if (!allId) return [];
    const name = site.functionName === '(anonymous)' ? '' : site.functionName;
    // Anonymous functions are many: the first characters of the site's source pick out its own.
    const prefix = name === '' ? await this.sourceAt(site) : undefined;
    const named = await this.connection.probe('Runtime.callFunctionOn', {
      objectId: allId,
      functionDeclaration: NAMED,
      arguments: [{ value: name }, { value: prefix ?? '' }, { value: this.budget.maxFunctions }],
      objectGroup: SEARCH_GROUP,
    });
    const namedId = objectIdIn(named, 'result');
    if (!namedId) return [];
    const out: Array<{ scopes: string }> = [];
    const want = normalizeUrl(site.url);
    for (const entry of await this.properties(namedId)) {
      if (Date.now() > this.deadline) break;
      if (!/^\d+$/.test(entry.name) || !entry.value?.objectId) continue;
      const internal = await this.internalProperties(entry.value.objectId);
      const location = functionLocation(internal.find((p) => p.name === '[[FunctionLocation]]')?.value?.value);
      const scopes = internal.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
      if (!location || !scopes) continue;
      const url = location.scriptId !== undefined ? this.connection.scriptUrl(location.scriptId) : undefined;
      if (url !== undefined && normalizeUrl(url) === want && location.lineNumber + 1 === site.line) out.push({ scopes });
    }
    return out;
  }

  /** The site's script text from its line and column on, or undefined when the inspector cannot give it. */
  private async sourceAt(site: AllocationSite): Promise<string | undefined> {
    const want = normalizeUrl(site.url);
    let scriptId: string | undefined;
    for (const [id, url] of this.connection.scriptUrls) if (normalizeUrl(url) === want) scriptId = id;
    if (scriptId === undefined) return undefined;
    const r = await this.connection.probe('Debugger.getScriptSource', { scriptId }).catch(() => undefined);
    const source = fieldOf(r, 'scriptSource');
    if (typeof source !== 'string') return undefined;
    const line = source.split('\n', site.line)[site.line - 1];
    return line === undefined ? undefined : line.slice(site.column - 1, site.column - 1 + PREFIX_LENGTH) || undefined;
  }

  private async properties(objectId: string): Promise<Property[]> {
    const r = await this.connection
      .probe('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: false })
      .catch(() => undefined);
    return propertiesIn(r, 'result');
  }

  private async internalProperties(objectId: string): Promise<Property[]> {
    const r = await this.connection
      .probe('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: false })
      .catch(() => undefined);
    return propertiesIn(r, 'internalProperties');
  }

  /** A handle to the object in the group that outlives the search. */
  private async keep(objectId: string): Promise<string | undefined> {
    const r = await this.connection
      .probe('Runtime.callFunctionOn', { objectId, functionDeclaration: 'function () { return this; }', objectGroup: GROUP })
      .catch(() => undefined);
    return objectIdIn(r, 'result');
  }

  private async sizeOf(objectId: string): Promise<number | undefined> {
    const r = await this.connection
      .probe('Runtime.callFunctionOn', { objectId, functionDeclaration: SIZE_OF, returnByValue: true })
      .catch(() => undefined);
    const value = fieldOf(fieldOf(r, 'result'), 'value');
    return isAmount(value) ? value : undefined;
  }
}

// The walk's answers are read field by field: they describe the target's objects, whose names and
// shapes the target's own code chose. An answer or an entry not shaped as CDP documents it is
// skipped, as a missing one is: the walk names a holder only where it can.

/** The handle of the remote object at `answer[key]`, or undefined. */
export function objectIdIn(answer: unknown, key: 'result' | 'objects'): string | undefined {
  const objectId = fieldOf(fieldOf(answer, key), 'objectId');
  return typeof objectId === 'string' && objectId !== '' ? objectId : undefined;
}

/** The properties Runtime.getProperties listed under `key`; an entry that is not a named property with a remote object (or none) is left out. */
export function propertiesIn(answer: unknown, key: 'result' | 'internalProperties'): Property[] {
  const list = fieldOf(answer, key);
  if (!Array.isArray(list)) return [];
  const out: Property[] = [];
  for (const item of list) {
    const name = fieldOf(item, 'name');
    const value = fieldOf(item, 'value');
    const remote = value === undefined ? undefined : remoteObject(value);
    if (typeof name === 'string' && (value === undefined || remote)) out.push(remote ? { name, value: remote } : { name });
  }
  return out;
}

function remoteObject(value: unknown): RemoteObject | undefined {
  const type = fieldOf(value, 'type');
  const subtype = fieldOf(value, 'subtype');
  const className = fieldOf(value, 'className');
  const description = fieldOf(value, 'description');
  const objectId = fieldOf(value, 'objectId');
  if (typeof type !== 'string' || !isOptionalText(subtype) || !isOptionalText(className)) return undefined;
  if (!isOptionalText(description) || !isOptionalText(objectId)) return undefined;
  return { type, subtype, className, description, objectId, value: fieldOf(value, 'value') };
}

/** A `[[FunctionLocation]]`'s value: the script and zero-based line, or undefined without a line. */
export function functionLocation(value: unknown): { scriptId?: string; lineNumber: number } | undefined {
  const scriptId = fieldOf(value, 'scriptId');
  const lineNumber = fieldOf(value, 'lineNumber');
  if (!isAmount(lineNumber) || !isWholeNumber(lineNumber) || !isOptionalText(scriptId)) return undefined;
  return { scriptId, lineNumber };
}

function isCollection(value: RemoteObject): boolean {
  if (value.type !== 'object') return false;
  if (value.subtype === 'map' || value.subtype === 'set' || value.subtype === 'array') return true;
  return value.subtype === undefined && value.className === 'Object';
}

function normalizeUrl(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
