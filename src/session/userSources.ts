import { mappedSource } from '../analysis/mapLocations';
import type { Finding } from '../analysis/types';
import { attachHolderCode } from './attachHolderCode';
import { SourceMaps } from './sourceMaps';

/**
 * Findings of a report made elsewhere (an older Leakscope, `checkLeaks`, a run whose maps were not
 * found) may name the script V8 ran, `dist/orders.js`; where that script and its source map are
 * on this machine, they are moved to the code the user wrote, and to the line that inserts into
 * the holder. A location already mapped, or without a map, stays. In place.
 */
export function toUserSources(findings: Finding[], maps: SourceMaps = new SourceMaps()): Finding[] {
  for (const finding of findings) {
    const source = finding.source;
    if (!source || source.generated || source.role === 'inserts') continue;
    finding.source = mappedSource(source, maps.mapLocation);
  }
  return attachHolderCode(findings);
}
