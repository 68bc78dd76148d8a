import { formatBytes } from '../common/bytes';
import type { Finding, GroupGrowth } from './types';

/**
 * One finding per object of a package whose fields grow together. A library's cache or queue
 * keeps what it holds in several structures at once (lru-cache: a Map of keys, arrays of values
 * and of expiry times), and each grows as a holder of its own; the user has one object that grows
 * and one thing to change, how the package is configured or used. Findings whose holders are
 * fields of the same object of the same package become one finding about that object.
 */
export function mergePackageInstances(findings: Finding[]): Finding[] {
  const byInstance = new Map<string, Finding[]>();
  const key = (f: Finding): string | undefined => {
    const parent = f.holderPath.at(-2);
    // Collections only: listeners of several events on one emitter are each removed where added.
    if (f.kind !== 'unbounded-collection' || !f.package || !parent || parent.node.type !== 'object') return undefined;
    return `${f.thread?.id ?? 'main'}:${parent.node.id}:${f.package.name}@${f.package.version ?? ''}`;
  };
  for (const f of findings) {
    const k = key(f);
    if (k) byInstance.set(k, [...(byInstance.get(k) ?? []), f]);
  }
  const merged = new Map<Finding, Finding | null>();
  for (const group of byInstance.values()) {
    if (group.length < 2) continue;
    const one = mergeInstance(group);
    group.forEach((f, i) => merged.set(f, i === 0 ? one : null));
  }
  const out: Finding[] = [];
  for (const f of findings) {
    const replacement = merged.get(f);
    if (replacement === undefined) out.push(f);
    else if (replacement !== null) out.push(replacement);
  }
  return out;
}

function mergeInstance(group: Finding[]): Finding {
  const sorted = [...group].sort((a, b) => b.growth.bytesPerCycle - a.growth.bytesPerCycle);
  const primary = sorted[0];
  const pkg = primary.package!;
  const versioned = `${pkg.name}${pkg.version ? `@${pkg.version}` : ''}`;
  const instance = primary.holderPath.at(-2)!;
  const name = instance.edge || instance.node.className;
  const fields = sorted.map((f) => {
    const step = f.holderPath.at(-1)!;
    return `${step.edge || step.node.className} (${step.node.className})`;
  });
  const growth = sumGrowth(sorted.map((f) => f.growth));
  const perField = sorted
    .map((f, i) => `${fields[i]} +${Math.round(f.growth.objectsPerCycle)} objects (${formatBytes(f.growth.bytesPerCycle)})`)
    .join(', ');
  const classes = new Map<string, { className: string; countDelta: number; retainedSizeDelta: number }>();
  for (const f of sorted)
    for (const c of f.classes) {
      const row = classes.get(c.className) ?? { className: c.className, countDelta: 0, retainedSizeDelta: 0 };
      row.countDelta += c.countDelta;
      row.retainedSizeDelta += c.retainedSizeDelta;
      classes.set(c.className, row);
    }
  const confidence = sorted.some((f) => f.confidence === 'high')
    ? 'high'
    : sorted.some((f) => f.confidence === 'medium')
      ? 'medium'
      : 'low';
  return {
    ...primary,
    title: `${name} (${pkg.name}) grows every cycle in ${fields.length} of its fields: ${listed(fields)}`,
    confidence,
    path: primary.path.slice(0, -1),
    holderPath: primary.holderPath.slice(0, -1),
    classes: [...classes.values()].sort((a, b) => b.retainedSizeDelta - a.retainedSizeDelta),
    growth,
    fix: {
      id: 'configure-package',
      summary: `Configure ${pkg.name} so that it bounds what it keeps (the option its documentation gives for a size limit, an expiry that purges, or a timeout), or make fewer instances of it.`,
    },
    explanation:
      `The object ${name} of ${versioned} grows in ${fields.length} of its fields at once, each per cycle in both halves of the run: ${perField}. ` +
      `They are one structure of the package (one collection kept several ways), so this is one leak: ${formatBytes(growth.bytesPerCycle)} per cycle in all. ` +
      `The fix is in how the program configures or uses ${pkg.name} (its options, or how many instances it makes), not an edit under node_modules.`,
  };
}

function sumGrowth(all: GroupGrowth[]): GroupGrowth {
  const sum = (pick: (g: GroupGrowth) => number) => all.reduce((total, g) => total + pick(g), 0);
  return {
    cyclesBeforeMid: all[0].cyclesBeforeMid,
    cyclesAfterMid: all[0].cyclesAfterMid,
    newBeforeMid: sum((g) => g.newBeforeMid),
    newAfterMid: sum((g) => g.newAfterMid),
    objectsPerCycle: sum((g) => g.objectsPerCycle),
    bytesPerCycle: sum((g) => g.bytesPerCycle),
    steady: all.every((g) => g.steady),
  };
}

function listed(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
