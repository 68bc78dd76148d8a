import type { RetainerGroup } from '../src/analysis/types';
import type { DiffView, SnapshotView } from '../src/panel/protocol';
import type { SnapshotTotals } from '../src/snapshot/types';
import { el } from './dom';
import {
  displayUrl,
  formatBytes,
  formatBytesDelta,
  formatCount,
  formatNodeLabel,
  printable,
  retainerPathSteps,
  stepsFrom,
} from '../src/render/format';
import { renderRetainerPath, renderSteps } from './pathView';

/** Before, after and what is new: the diff's totals as a small table. */
export function renderDiffTotals(diff: DiffView): HTMLElement {
  const delta = diff.afterTotals.reachableSize - diff.baselineTotals.reachableSize;
  return el(
    'dl',
    { cls: 'totals' },
    fact('Baseline', `${formatBytes(diff.baselineTotals.reachableSize)} reachable, ${formatCount(diff.baselineTotals.nodeCount)} objects`),
    fact(
      'After',
      `${formatBytes(diff.afterTotals.reachableSize)} reachable (${formatBytesDelta(delta)}), ${formatCount(diff.afterTotals.nodeCount)} objects`,
    ),
    fact(
      'New objects still alive',
      `${formatCount(diff.newObjects.count)}, ${formatBytes(diff.newObjects.retainedSize)} retained (${formatBytes(diff.newObjects.selfSize)} self)`,
    ),
    fact('Classes changed', formatCount(diff.classCount)),
  );
}

export function renderSnapshotTotals(view: SnapshotView): HTMLElement {
  const t: SnapshotTotals = view.totals;
  return el(
    'dl',
    { cls: 'totals' },
    fact('File', printable(displayUrl(view.file), 300)),
    fact('Reachable', `${formatBytes(t.reachableSize)} in ${formatCount(t.nodeCount - t.unreachableCount)} objects`),
    fact('Unreachable', `${formatBytes(t.unreachableSize)} in ${formatCount(t.unreachableCount)} objects (collected at the next GC)`),
    fact('Total', `${formatBytes(t.totalSize)}, ${formatCount(t.nodeCount)} nodes, ${formatCount(t.edgeCount)} edges`),
    t.extraNativeBytes > 0 ? fact('Native, not in any node', formatBytes(t.extraNativeBytes)) : null,
    fact('Classes', formatCount(view.classCount)),
  );
}

function fact(label: string, value: string): DocumentFragment {
  const f = document.createDocumentFragment();
  f.append(el('dt', { text: label }), el('dd', { text: value }));
  return f;
}

/** What holds the new objects: one compact entry per retainer group. */
export function renderGroups(groups: RetainerGroup[], shown = 5): HTMLElement {
  if (groups.length === 0) return el('p', { cls: 'empty', text: 'No new object survived: nothing holds new memory.' });
  const list = el('ol', { cls: 'groups' });
  const wrap = el('div', { cls: 'groups-wrap' }, list);
  if (groups.length > shown) {
    const rest = groups.length - shown;
    const more = el('button', {
      cls: 'link show-more',
      text: `Show ${formatCount(rest)} more ${rest === 1 ? 'group' : 'groups'}`,
      attrs: { type: 'button' },
    });
    more.addEventListener('click', () => {
      const next = renderGroups(groups, groups.length);
      wrap.replaceWith(next);
      next.querySelectorAll<HTMLElement>('li.group')[shown]?.setAttribute('tabindex', '-1');
      next.querySelectorAll<HTMLElement>('li.group')[shown]?.focus();
    });
    wrap.append(more);
  }
  for (const group of groups.slice(0, shown)) {
    const steps = retainerPathSteps(group.holderPath);
    if (group.edgeFromHolder) steps.push({ edge: printable(group.edgeFromHolder, 60), cls: '' });
    const noun = group.count === 1 ? 'object' : 'objects';
    const classes = group.classes
      .slice(0, 5)
      .map((c) => `${printable(c.className, 60)} ×${formatCount(c.count)} (${formatBytes(c.retainedSize)})`);
    if (group.classes.length > 5) classes.push(`and ${formatCount(group.classes.length - 5)} more`);
    const growth = group.growth
      ? `${formatCount(Math.round(group.growth.objectsPerCycle))} objects, ${formatBytes(group.growth.bytesPerCycle)} per cycle` +
        (group.growth.steady ? ', steady' : ', not steady')
      : '';
    const sample = group.samples[0];
    const via = sample ? stepsFrom(sample.path, group.holderId) : undefined;
    list.append(
      el(
        'li',
        { cls: 'group' },
        renderSteps(steps, { maxSteps: 6, cls: 'group-path' }),
        el(
          'p',
          { cls: 'group-stats' },
          el('strong', { text: `${formatCount(group.count)} ${noun}, ${formatBytes(group.retainedSize)} retained` }),
          ` (${formatBytes(group.selfSize)} self)`,
          growth ? el('span', { cls: 'group-growth', text: ` · ${growth}` }) : null,
        ),
        classes.length > 0 ? el('p', { cls: 'group-classes' }, el('span', { cls: 'label', text: 'classes ' }), classes.join(', ')) : null,
        sample
          ? el(
              'p',
              { cls: 'group-sample' },
              el('span', { cls: 'label', text: 'sample ' }),
              `${formatNodeLabel({ id: sample.id, name: sample.name, className: sample.className })}, ${formatBytes(sample.retainedSize)} retained`,
              via && via.length > 1 ? renderSteps(via, { maxSteps: 6, cls: 'inline' }) : null,
            )
          : null,
      ),
    );
  }
  return wrap;
}

/** The biggest dominators of a snapshot, each with the path that keeps it alive. */
export function renderDominators(view: SnapshotView, onRetainers: ((id: number, label: string) => void) | undefined): HTMLElement {
  const list = el('ol', { cls: 'dominators' });
  for (const d of view.dominators) {
    const label = formatNodeLabel(d.node);
    const item = el(
      'li',
      { cls: 'dominator' },
      el(
        'p',
        {},
        el('strong', { cls: 'node-label', text: label }),
        ` ${formatBytes(d.node.retainedSize)} retained (${formatBytes(d.node.selfSize)} self)`,
      ),
      renderRetainerPath(d.path, { maxSteps: 8 }),
    );
    if (onRetainers) {
      const b = el('button', {
        cls: 'link retainers',
        text: 'Retainers',
        attrs: { type: 'button', 'aria-label': `Retainers of ${label}` },
      });
      b.addEventListener('click', () => onRetainers(d.node.id, label));
      item.querySelector('p')!.append(' ', b);
    }
    list.append(item);
  }
  if (view.dominators.length === 0) list.append(el('li', { cls: 'empty', text: 'No dominators.' }));
  return list;
}
