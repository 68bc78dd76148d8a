import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
