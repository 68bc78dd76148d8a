import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** The packages of `wanted` that the package.json lists in none of its dependency sections. */
export function missingDependencies(packageJson: string, wanted: Record<string, string>): Record<string, string> {
  const manifest = JSON.parse(packageJson) as Record<string, Record<string, string> | undefined>;
  const missing: Record<string, string> = {};
  for (const [name, range] of Object.entries(wanted)) if (!SECTIONS.some((s) => manifest[s]?.[name] !== undefined)) missing[name] = range;
  return missing;
}

/**
 * Adds packages to `dependencies`, keeping the file's indentation and the sorted order npm
 * writes. npm is not run: installing is the user's call.
 */
export function addDependencies(packageJson: string, add: Record<string, string>): string {
  const manifest = JSON.parse(packageJson) as Record<string, unknown>;
  const indent = packageJson.match(/^\{\r?\n([ \t]+)"/)?.[1] ?? '  ';
  const current = (manifest.dependencies as Record<string, string> | undefined) ?? {};
  const merged = { ...current, ...add };
  manifest.dependencies = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((k) => [k, merged[k]]),
  );
  const eol = packageJson.includes('\r\n') ? '\r\n' : '\n';
  return JSON.stringify(manifest, null, indent).replace(/\n/g, eol) + (packageJson.endsWith('\n') ? eol : '');
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
  const before = readFileSync(manifestPath, 'utf8');
  const missing = missingDependencies(before, wanted);
  return Object.keys(missing).length > 0 ? { manifestPath, before, after: addDependencies(before, missing) } : null;
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
