import type { CodeLocation, LocationMapper, SnapshotDiff } from './types';

/**
 * Moves every location of a diff (samples' function locations, allocation stacks and sites) to
 * the code the user wrote, where a source map says where it came from. In place; a location
 * without a map stays as V8 reported it.
 */
export function mapDiffLocations(diff: SnapshotDiff, mapLocation: LocationMapper): SnapshotDiff {
  for (const group of diff.groups) {
    for (const site of group.allocationSites ?? []) mapOneBased(site, mapLocation);
    for (const sample of group.samples) {
      for (const frame of sample.allocation ?? []) mapOneBased(frame, mapLocation);
      if (sample.location) mapZeroBased(sample.location, mapLocation);
    }
    for (const location of group.growth?.pendingTimers?.callbacks ?? []) mapZeroBased(location, mapLocation);
  }
  return diff;
}

/** Snapshot locations are zero-based. */
function mapZeroBased(location: { url?: string; line: number; column: number }, mapLocation: LocationMapper): void {
  if (!location.url) return;
  const mapped = mapLocation({ file: location.url, line: location.line + 1, column: location.column + 1 });
  if (mapped) Object.assign(location, { url: mapped.file, line: mapped.line - 1, column: mapped.column - 1 });
}

function mapOneBased(where: { url: string; line: number; column: number }, mapLocation: LocationMapper): void {
  if (!where.url || where.line < 1) return;
  const mapped = mapLocation({ file: where.url, line: where.line, column: where.column });
  if (mapped) Object.assign(where, { url: mapped.file, line: mapped.line, column: mapped.column });
}

/** A source location moved through the map, keeping where V8 ran it. */
export function mappedSource<T extends CodeLocation>(source: T, mapLocation: LocationMapper | undefined): T & { generated?: CodeLocation } {
  const mapped = mapLocation?.(source);
  if (!mapped) return source;
  return {
    ...source,
    file: mapped.file,
    line: mapped.line,
    column: mapped.column,
    generated: { file: source.file, line: source.line, column: source.column },
  };
}

/** Snapshot locations name scripts by id; the inspector saw which file each id is. Fills each sample's `url`. */
export function withScriptUrls(diff: SnapshotDiff, scriptUrl: (scriptId: number) => string | undefined): SnapshotDiff {
  for (const group of diff.groups) {
    for (const sample of group.samples) {
      const url = sample.location && scriptUrl(sample.location.scriptId);
      if (sample.location && url) sample.location.url = url;
    }
    for (const location of group.growth?.pendingTimers?.callbacks ?? []) location.url = scriptUrl(location.scriptId) ?? location.url;
  }
  return diff;
}
