import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { printable } from '../common/printable';
import { insideRoot } from './insideRoot';

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** The package.json nearest to a file, walking up. */
export function nearestPackageJson(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A package.json as the fixes read it: its text and the JSON object it holds, checked by readManifest. */
interface Manifest {
  text: string;
  fields: JsonObject;
}

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `path`'s package.json: a JSON object whose dependency sections, where present, are objects. It is
 * the user's file (or a pull request's), so anything else is refused in one sentence naming it.
 */
function readManifest(path: string): Manifest {
  const text = readFileSync(path, 'utf8');
  let fields: unknown;
  try {
    fields = JSON.parse(text);
  } catch {
    throw notAManifest(path, 'is not valid JSON');
  }
  if (!isJsonObject(fields)) throw notAManifest(path, 'does not hold a JSON object');
  // null is taken for no section, as it always was.
  for (const section of SECTIONS) {
    const value = Object.hasOwn(fields, section) ? fields[section] : undefined;
    if (value !== undefined && value !== null && !isJsonObject(value)) throw notAManifest(path, `has a "${section}" that is not an object`);
  }
  return { text, fields };
}

function notAManifest(path: string, what: string): LeakscopeError {
  return new LeakscopeError(
    ErrorCode.FileUnreadable,
    `${printable(path, 500)} ${what}, so Leakscope cannot tell which packages it lists or add those a fix needs.`,
  );
}

/** A dependency section of a checked manifest, or undefined when it has none. */
function sectionOf(manifest: Manifest, section: string): JsonObject | undefined {
  const value = Object.hasOwn(manifest.fields, section) ? manifest.fields[section] : undefined;
  return isJsonObject(value) ? value : undefined;
}

/** The packages of `wanted` that the package.json at `manifestPath` lists in none of its dependency sections. */
export function missingDependencies(manifestPath: string, wanted: Record<string, string>): Record<string, string> {
  return missingFrom(readManifest(manifestPath), wanted);
}

function missingFrom(manifest: Manifest, wanted: Record<string, string>): Record<string, string> {
  const missing: Record<string, string> = {};
  for (const [name, range] of Object.entries(wanted)) {
    const listed = SECTIONS.some((s) => {
      const section = sectionOf(manifest, s);
      return section !== undefined && Object.hasOwn(section, name);
    });
    if (!listed) missing[name] = range;
  }
  return missing;
}

/**
 * Adds packages to `dependencies`, keeping the file's indentation and the sorted order npm
 * writes. npm is not run: installing is the user's call.
 */
function withDependencies(manifest: Manifest, add: Record<string, string>): string {
  const { text, fields } = manifest;
  const indent = text.match(/^\{\r?\n([ \t]+)"/)?.[1] ?? '  ';
  const merged = { ...sectionOf(manifest, 'dependencies'), ...add };
  fields.dependencies = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((k) => [k, merged[k]]),
  );
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return JSON.stringify(fields, null, indent).replace(/\n/g, eol) + (text.endsWith('\n') ? eol : '');
}

/** A package.json with the packages a fix needs added: what to write, and what it held. */
export interface ManifestChange {
  manifestPath: string;
  before: string;
  after: string;
}

/**
 * The package.json that takes the packages a fix in `file` imports: the nearest one, by real
 * path, which must be inside `root` (the file's path may come from a report in a pull request;
 * one outside is refused with a LeakscopeError). Undefined when there is none.
 */
export function manifestFor(file: string, root: string): string | undefined {
  const found = nearestPackageJson(file);
  return found === undefined ? undefined : insideRoot(found, root);
}

/** `manifestPath` with the packages of `wanted` it lists nowhere added; null when it lists them all. */
export function manifestWith(manifestPath: string, wanted: Record<string, string>): ManifestChange | null {
  const manifest = readManifest(manifestPath);
  const missing = missingFrom(manifest, wanted);
  return Object.keys(missing).length > 0 ? { manifestPath, before: manifest.text, after: withDependencies(manifest, missing) } : null;
}

/**
 * What a fix in `file` that imports `wanted` changes in its package.json: the two steps above.
 * The CLI takes them apart, because it plans every file's package.json first and then writes
 * each one once, with the packages of all the fixes that share it.
 */
export function dependencyChange(file: string, wanted: Record<string, string>, root: string): ManifestChange | null {
  if (Object.keys(wanted).length === 0) return null;
  const manifestPath = manifestFor(file, root);
  return manifestPath === undefined ? null : manifestWith(manifestPath, wanted);
}
