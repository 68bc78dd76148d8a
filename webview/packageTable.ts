import type { PanelQueries } from '../src/panel/protocol';
import { el } from './dom';
import { formatBytes, formatCount, printable } from '../src/render/format';
import type { Query } from './rpc';

type PackageUsage = PanelQueries['packages']['result']['packages'][number];

/**
 * "Which dependency holds the memory": what each package's objects dominate at the end, and the
 * new objects still alive, per package whose code made or holds them. Asked for once the panel shows; names and versions come from the target's files.
 */
export function createPackageTable(query: Query): HTMLElement {
  const element = el('div', { cls: 'package-table' }, el('p', { cls: 'muted', text: 'Loading…' }));
  query('packages', {}).then(
    ({ packages }) =>
      element.replaceChildren(
        packages.length > 0 ? table(packages) : el('p', { cls: 'empty', text: 'This report attributes no memory to packages.' }),
      ),
    (err: unknown) => element.replaceChildren(el('p', { cls: 'error', text: printable(String((err as Error)?.message ?? err), 300) })),
  );
  return element;
}

function table(packages: PackageUsage[]): HTMLElement {
  const head = ['Package', 'Version', 'In heap', 'Holders', 'New objects', 'New retained', 'Growth per cycle'];
  return el(
    'table',
    { cls: 'packages' },
    el(
      'thead',
      {},
      el('tr', {}, ...head.map((h, i) => el('th', { text: h, attrs: { scope: 'col', ...(i > 1 ? { class: 'num' } : {}) } }))),
    ),
    el(
      'tbody',
      {},
      ...packages.map((p) =>
        el(
          'tr',
          {},
          el('td', {}, el('code', { text: printable(p.name, 100) })),
          el('td', { text: p.version ? printable(p.version, 40) : '' }),
          el('td', { cls: 'num', text: p.heldSize ? formatBytes(p.heldSize) : '' }),
          el('td', { cls: 'num', text: p.holders > 0 ? formatCount(p.holders) : '' }),
          el('td', { cls: 'num', text: p.holders > 0 ? formatCount(p.objects) : '' }),
          el('td', { cls: 'num', text: p.holders > 0 ? formatBytes(p.retainedSize) : '' }),
          el('td', { cls: 'num', text: p.bytesPerCycle > 0 ? formatBytes(p.bytesPerCycle) : '' }),
        ),
      ),
    ),
  );
}
