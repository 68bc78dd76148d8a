import type { HeapGraph } from '../snapshot/heapGraph';
import { heldByOwner, OwnerKind } from './packageHeld';
import type { CodeLocation, Finding, LocationMapper, PackageRef, PackageUsage, RetainerGroup, SnapshotDiff } from './types';

export interface PackageOptions {
  scriptUrl: (scriptId: number) => string | undefined;
  mapLocation?: LocationMapper;
  /** The `version` of the package.json in a package's folder (the host reads it). */
  packageVersion?: (packageDir: string) => string | undefined;
}

export const OWN_CODE = '(your code)';
export const NODE_INTERNALS = '(node)';

/** `…/node_modules/@scope/name/lib/x.js` ↦ `@scope/name` and its folder: the nearest (innermost) node_modules wins. */
export function packageOfFile(file: string): { name: string; dir: string } | undefined {
  const path = file.startsWith('file://') ? safeDecode(file.slice('file://'.length)) : file;
  const m = /^(.*[\\/]node_modules[\\/])((?:@[^\\/]+[\\/])?[^\\/]+)(?:[\\/]|$)/.exec(path);
  if (!m || m[2].startsWith('.')) return undefined;
  return { name: m[2].replace(/\\/g, '/'), dir: m[1] + m[2] };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

type Owner = { kind: 'package'; name: string; dir: string } | { kind: 'own' } | { kind: 'node' };

/**
 * Which package holds each group, and the memory per package. A group's objects belong to the
 * package whose code created them (the allocation stack's innermost frame with a script, or the
 * objects' constructor's script); failing that, to the package whose closure or object holds
 * them on the retainer path. Findings whose holder lives in a package name it (`finding.package`).
 */
export function attributePackages(
  diff: SnapshotDiff,
  graph: HeapGraph,
  holders: number[],
  findings: Finding[],
  options: PackageOptions,
): PackageUsage[] {
  const s = graph.snapshot;
  const fileOf = (loc: CodeLocation): string => options.mapLocation?.(loc)?.file ?? loc.file;
  const ownerOfFile = (file: string): Owner => {
    if (file.startsWith('node:')) return { kind: 'node' };
    const pkg = packageOfFile(file);
    return pkg ? { kind: 'package', ...pkg } : { kind: 'own' };
  };
  const ownerOfNode = (node: number): Owner | undefined => {
    const location = s.location(node);
    const url = location && options.scriptUrl(location.scriptId);
    return url ? ownerOfFile(fileOf({ file: url, line: location.line + 1, column: location.column + 1 })) : undefined;
  };
  /**
   * Up the holder's path to the program's own code: the outermost package on the way is the one
   * the program uses (ioredis, not the queue library ioredis keeps its commands in).
   */
  const holdingPackage = (holder: number): Owner | undefined => {
    let found: Owner | undefined;
    const path = holder >= 0 ? graph.retainerOrdinals(holder) : [];
    for (let i = path.length - 1; i >= 0; i--) {
      const owner = ownerOfNode(path[i]);
      if (!owner || owner.kind === 'node') continue;
      if (owner.kind === 'own') return found ?? owner;
      found = owner;
    }
    return found;
  };
  const creator = (group: RetainerGroup): Owner | undefined => {
    for (const sample of group.samples) {
      // Node's own frames (a Buffer allocating) ran on behalf of the code that called them.
      const frame =
        sample.allocation?.find((f) => f.url !== '' && !f.url.startsWith('node:')) ?? sample.allocation?.find((f) => f.url !== '');
      if (frame) return ownerOfFile(frame.url);
    }
    for (const sample of group.samples) {
      const url = sample.location?.url;
      if (url) return ownerOfFile(url);
    }
    return undefined;
  };

  const versions = new Map<string, string | undefined>();
  const versionOf = (dir: string) => {
    if (!versions.has(dir)) versions.set(dir, cleanVersion(options.packageVersion?.(dir)));
    return versions.get(dir);
  };
  const refOf = (owner: Owner & { kind: 'package' }): PackageRef => {
    const version = versionOf(owner.dir);
    return { name: owner.name, ...(version ? { version } : {}) };
  };

  const usage = new Map<string, PackageUsage>();
  const keyedRef = (owner: Owner | undefined): [string, PackageRef] => {
    const ref = owner?.kind === 'package' ? refOf(owner) : { name: owner?.kind === 'node' ? NODE_INTERNALS : OWN_CODE };
    return [`${ref.name}@${ref.version ?? ''}`, ref];
  };
  const entryOf = (owner: Owner | undefined): PackageUsage => {
    const [key, ref] = keyedRef(owner);
    let entry = usage.get(key);
    if (!entry) usage.set(key, (entry = { ...ref, holders: 0, objects: 0, retainedSize: 0, bytesPerCycle: 0, heldSize: 0 }));
    return entry;
  };
  diff.groups.forEach((group, i) => {
    const held = holdingPackage(holders[i] ?? -1);
    const owner = creator(group) ?? held;
    const finding = findings.find(
      (f) => f.holderPath === group.holderPath || f.holderPath[f.holderPath.length - 1]?.node.id === group.holderId,
    );
    if (finding && held?.kind === 'package' && !finding.package) {
      finding.package = refOf(held);
      const version = finding.package.version ? `@${finding.package.version}` : '';
      finding.explanation += ` The holder lives in the package ${finding.package.name}${version}: the fix is in how the program configures or uses it (its options, or how many instances it makes), not an edit under node_modules.`;
    }
    const entry = entryOf(owner);
    entry.holders++;
    entry.objects += group.count;
    entry.retainedSize += group.retainedSize;
    if (group.growth?.steady) entry.bytesPerCycle += group.growth.bytesPerCycle;
  });

  // What each package holds in the heap at the end, new or not: the answer to "which dependency
  // holds the memory" when the growth is spread thin or happened before the baseline.
  const scriptOwners: Owner[] = [];
  const ownerIndex = new Map<string, number>();
  const held = heldByOwner(
    graph,
    (scriptId) => {
      const url = options.scriptUrl(scriptId);
      if (!url) return -1;
      const owner = ownerOfFile(url);
      const key = owner.kind === 'package' ? owner.dir : owner.kind;
      let index = ownerIndex.get(key);
      if (index === undefined) ownerIndex.set(key, (index = scriptOwners.push(owner) - 1));
      return index;
    },
    (index) =>
      scriptOwners[index].kind === 'package' ? OwnerKind.Package : scriptOwners[index].kind === 'node' ? OwnerKind.Node : OwnerKind.Own,
  );
  const heldPerKey = new Map<string, { owner: Owner; bytes: number }>();
  held.forEach((bytes, index) => {
    const [key] = keyedRef(scriptOwners[index]);
    const row = heldPerKey.get(key) ?? { owner: scriptOwners[index], bytes: 0 };
    row.bytes += bytes;
    heldPerKey.set(key, row);
  });
  const heap = graph.retainedSize(graph.snapshot.rootIndex);
  for (const [key, { owner, bytes }] of heldPerKey) {
    // Every package the program loads holds a little (its module's closures); a row is worth
    // reading when it holds a visible share, or when it already has one for new objects.
    if (usage.has(key) || bytes >= Math.max(MIN_HELD_ROW, heap * MIN_HELD_SHARE)) entryOf(owner).heldSize = bytes;
  }
  return [...usage.values()].sort((a, b) => b.retainedSize - a.retainedSize || (b.heldSize ?? 0) - (a.heldSize ?? 0));
}

const MIN_HELD_ROW = 256 * 1024;
const MIN_HELD_SHARE = 0.01;

/** A version from a package.json is the package's own text: keep it only when it looks like one. */
function cleanVersion(version: string | undefined): string | undefined {
  return version && /^[\w.+-]{1,64}$/.test(version) ? version : undefined;
}
