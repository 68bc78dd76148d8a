import type { ClassRow, ClassSortKey, ObjectPath } from '../src/panel/protocol';
import { el } from './dom';
import { formatBytes, formatBytesDelta, formatCount, formatCountDelta, formatNodeLabel, printable } from '../src/render/format';
import { renderRetainerPath } from './pathView';
import type { Query } from './rpc';

/** Every row is this tall (px); the table's CSS uses the same value. Only visible rows exist in the DOM. */
export const ROW_HEIGHT = 26;
const PAGE_SIZE = 100;
const OVERSCAN = 8;
const PATHS_PER_CLASS = 10;

interface Column {
  key: keyof ClassRow;
  title: string;
  /** The query's sort key, when the column can sort. */
  sort?: ClassSortKey;
  numeric: boolean;
  format: (row: ClassRow) => string;
  /** A delta: colour by sign. */
  delta?: boolean;
}

const num = (v: number | undefined, f: (n: number) => string) => (v === undefined ? '' : f(v));

const DIFF_COLUMNS: Column[] = [
  { key: 'className', title: 'Class', sort: 'className', numeric: false, format: (r) => printable(r.className, 120) },
  { key: 'newCount', title: '# New', sort: 'newCount', numeric: true, format: (r) => num(r.newCount, formatCount) },
  { key: 'deletedCount', title: '# Deleted', numeric: true, format: (r) => num(r.deletedCount, formatCount) },
  { key: 'countDelta', title: '# Δ', sort: 'countDelta', numeric: true, delta: true, format: (r) => num(r.countDelta, formatCountDelta) },
  {
    key: 'selfSizeDelta',
    title: 'Self size Δ',
    sort: 'selfSizeDelta',
    numeric: true,
    delta: true,
    format: (r) => num(r.selfSizeDelta, formatBytesDelta),
  },
  {
    key: 'retainedSizeDelta',
    title: 'Retained size Δ',
    sort: 'retainedSizeDelta',
    numeric: true,
    delta: true,
    format: (r) => num(r.retainedSizeDelta, formatBytesDelta),
  },
  { key: 'retainedSize', title: 'Retained size', sort: 'retainedSize', numeric: true, format: (r) => formatBytes(r.retainedSize) },
];

const SNAPSHOT_COLUMNS: Column[] = [
  { key: 'className', title: 'Class', sort: 'className', numeric: false, format: (r) => printable(r.className, 120) },
  { key: 'count', title: 'Count', sort: 'count', numeric: true, format: (r) => formatCount(r.count) },
  { key: 'selfSize', title: 'Self size', sort: 'selfSize', numeric: true, format: (r) => formatBytes(r.selfSize) },
  { key: 'retainedSize', title: 'Retained size', sort: 'retainedSize', numeric: true, format: (r) => formatBytes(r.retainedSize) },
];

export interface ClassTableOptions {
  query: Query;
  /** `diff`: the deltas between two snapshots; `snapshot`: one snapshot's classes. */
  mode: 'diff' | 'snapshot';
  /** Classes in the whole table, for "3 of 1,200 classes". */
  classCount: number;
  /** Whether objects can be asked for their retainers (the snapshot is on disk). */
  onRetainers?: (id: number, label: string) => void;
}

let tableCount = 0;

/**
 * The class table: virtualised (a spacer as tall as all rows, and only the visible rows, at a
 * fixed height), sorted and filtered by the host, fetched a page at a time. A row expands (click,
 * Enter, Space, →) into the largest objects of its class, each with its retainer path.
 */
export function createClassTable(options: ClassTableOptions): HTMLElement {
  const { query, mode } = options;
  const columns = mode === 'diff' ? DIFF_COLUMNS : SNAPSHOT_COLUMNS;
  const prefix = `ct${++tableCount}`;

  let sortBy: ClassSortKey = mode === 'diff' ? 'retainedSizeDelta' : 'retainedSize';
  let descending = true;
  let filter = '';
  let total = 0;
  let generation = 0;
  let pages = new Map<number, ClassRow[]>();
  let loading = new Set<number>();
  let active = 0;
  let expanded = -1;
  let detailHeight = 0;
  const rendered = new Map<number, HTMLElement>();
  const rowData = new WeakMap<HTMLElement, ClassRow | null>();

  // Toolbar: the filter box and the row count.
  const filterInput = el('input', {
    cls: 'class-filter',
    attrs: {
      type: 'search',
      placeholder: 'Filter classes',
      'aria-label': 'Filter classes by name',
      spellcheck: 'false',
      autocomplete: 'off',
    },
  });
  const status = el('span', { cls: 'table-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const toolbar = el('div', { cls: 'table-toolbar' }, filterInput, status);

  // Header: one sort button per sortable column.
  const header = el('div', { cls: 'class-table-head', attrs: { role: 'row' } });
  const headerCells = columns.map((column) => {
    const cell = el('div', { cls: `cell ${column.numeric ? 'numeric' : 'text'} col-${column.key}`, attrs: { role: 'columnheader' } });
    if (column.sort) {
      const sortKey = column.sort;
      const b = el(
        'button',
        { cls: 'sort', attrs: { type: 'button', 'data-sort': sortKey } },
        el('span', { text: column.title }),
        el('span', { cls: 'sort-arrow', attrs: { 'aria-hidden': 'true' } }),
      );
      b.addEventListener('click', () => setSort(sortKey));
      cell.append(b);
    } else {
      cell.append(el('span', { cls: 'plain', text: column.title }));
    }
    header.append(cell);
    return { column, cell };
  });

  const spacer = el('div', { cls: 'class-table-spacer' });
  const detail = el('div', { cls: 'class-detail', attrs: { role: 'row', hidden: true } });
  const body = el('div', { cls: 'class-table-body' }, spacer, detail);
  const grid = el(
    'div',
    {
      cls: `class-table mode-${mode}`,
      attrs: {
        role: 'grid',
        tabindex: 0,
        'aria-label': mode === 'diff' ? 'Classes that changed between the snapshots' : 'Classes in the snapshot',
        'aria-rowcount': 0,
      },
    },
    header,
    body,
  );
  const element = el('div', { cls: 'class-table-wrap' }, toolbar, grid);

  // ---- geometry -------------------------------------------------------------------------------
  const rowTop = (i: number) => i * ROW_HEIGHT + (expanded >= 0 && i > expanded ? detailHeight : 0);
  function rowAt(y: number): number {
    if (expanded < 0 || y < (expanded + 1) * ROW_HEIGHT) return Math.floor(y / ROW_HEIGHT);
    const below = y - (expanded + 1) * ROW_HEIGHT - detailHeight;
    return below < 0 ? expanded + 1 : expanded + 1 + Math.floor(below / ROW_HEIGHT);
  }
  function layout(): void {
    spacer.style.height = `${total * ROW_HEIGHT + (expanded >= 0 ? detailHeight : 0)}px`;
    if (expanded >= 0) detail.style.transform = `translateY(${(expanded + 1) * ROW_HEIGHT}px)`;
  }

  // ---- data -----------------------------------------------------------------------------------
  function rowFor(i: number): ClassRow | undefined {
    return pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  }

  function fetchPage(page: number): void {
    if (pages.has(page) || loading.has(page)) return;
    loading.add(page);
    const asked = generation;
    const start = page * PAGE_SIZE;
    query('classRows', { start, end: start + PAGE_SIZE, sortBy, descending, ...(filter ? { filter } : {}) }).then(
      (result) => {
        if (asked !== generation) return;
        loading.delete(page);
        pages.set(page, result.rows);
        if (result.total !== total) {
          total = result.total;
          grid.setAttribute('aria-rowcount', String(total));
          if (active >= total) active = Math.max(0, total - 1);
          layout();
        }
        showStatus();
        render();
      },
      (err: Error) => {
        if (asked !== generation) return;
        loading.delete(page);
        status.textContent = `Could not load classes: ${err.message}`;
      },
    );
  }

  function showStatus(): void {
    const noun = (n: number) => (n === 1 ? 'class' : 'classes');
    status.textContent = filter
      ? `${formatCount(total)} of ${formatCount(options.classCount)} ${noun(options.classCount)} match`
      : `${formatCount(total)} ${noun(total)}`;
  }

  function reset(): void {
    generation++;
    pages = new Map();
    loading = new Set();
    collapse();
    active = 0;
    body.scrollTop = 0;
    for (const row of rendered.values()) row.remove();
    rendered.clear();
    fetchPage(0);
    updateHeader();
  }

  function setSort(key: ClassSortKey): void {
    if (key === sortBy) descending = !descending;
    else {
      sortBy = key;
      descending = key !== 'className';
    }
    reset();
  }

  function updateHeader(): void {
    for (const { column, cell } of headerCells) {
      const sorted = column.sort !== undefined && column.sort === sortBy;
      cell.setAttribute('aria-sort', sorted ? (descending ? 'descending' : 'ascending') : 'none');
      cell.classList.toggle('sorted', sorted);
      const arrow = cell.querySelector('.sort-arrow');
      if (arrow) arrow.textContent = sorted ? (descending ? ' ▼' : ' ▲') : '';
    }
  }

  // ---- rendering ------------------------------------------------------------------------------
  let frame = 0;
  function scheduleRender(): void {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render();
    });
  }

  function render(): void {
    const viewport = body.clientHeight || 400;
    const first = Math.max(0, rowAt(body.scrollTop) - OVERSCAN);
    const last = Math.min(total - 1, rowAt(body.scrollTop + viewport) + OVERSCAN);
    for (const [i, row] of rendered) {
      if (i < first || i > last) {
        row.remove();
        rendered.delete(i);
      }
    }
    for (let i = first; i <= last; i++) {
      const data = rowFor(i);
      if (!data) fetchPage(Math.floor(i / PAGE_SIZE));
      let row = rendered.get(i);
      if (!row) {
        row = el('div', { cls: 'class-row', attrs: { role: 'row', id: `${prefix}-row-${i}`, 'aria-rowindex': i + 2 } });
        row.dataset.index = String(i);
        rendered.set(i, row);
        body.append(row);
        rowData.set(row, null);
      }
      if (rowData.get(row) !== (data ?? null)) fillRow(row, data);
      row.style.transform = `translateY(${rowTop(i)}px)`;
      row.classList.toggle('active', i === active);
      row.classList.toggle('expanded', i === expanded);
      row.setAttribute('aria-selected', String(i === active));
      row.setAttribute('aria-expanded', String(i === expanded));
    }
    if (rendered.has(active)) grid.setAttribute('aria-activedescendant', `${prefix}-row-${active}`);
    else grid.removeAttribute('aria-activedescendant');
    if (total === 0 && pages.has(0)) status.textContent = filter ? 'No class matches the filter.' : 'No classes.';
  }

  function fillRow(row: HTMLElement, data: ClassRow | undefined): void {
    rowData.set(row, data ?? null);
    row.classList.toggle('loading', !data);
    row.replaceChildren(
      ...columns.map((column) => {
        const text = data ? column.format(data) : column.key === 'className' ? '…' : '';
        const value = data?.[column.key];
        const sign = column.delta && typeof value === 'number' ? (value > 0 ? ' grew' : value < 0 ? ' shrank' : '') : '';
        const cell = el('div', {
          cls: `cell ${column.numeric ? 'numeric' : 'text'} col-${column.key}${sign}`,
          attrs: { role: 'gridcell' },
          text,
        });
        if (column.key === 'className' && data) cell.title = printable(data.className, 1000);
        return cell;
      }),
    );
  }

  // ---- expansion ------------------------------------------------------------------------------
  let detailToken = 0;
  function collapse(): void {
    expanded = -1;
    detailHeight = 0;
    detailToken++;
    detail.hidden = true;
    detail.replaceChildren();
    layout();
  }

  function toggle(i: number): void {
    if (i === expanded) {
      collapse();
      render();
      return;
    }
    const data = rowFor(i);
    if (!data) return;
    collapse();
    expanded = i;
    detail.hidden = false;
    detail.dataset.className = data.className;
    const token = ++detailToken;
    const title = mode === 'diff' ? 'Largest new objects still alive' : 'Largest objects';
    const list = el('ol', { cls: 'object-paths' }, el('li', { cls: 'muted', text: 'Loading retainer paths…' }));
    detail.replaceChildren(
      el(
        'div',
        { cls: 'detail-cell', attrs: { role: 'gridcell' } },
        el('p', { cls: 'detail-title' }, `${title} of `, el('code', { text: printable(data.className, 120) })),
        list,
      ),
    );
    measureDetail();
    render();
    query('classPaths', { className: data.className, limit: PATHS_PER_CLASS }).then(
      (result) => {
        if (token !== detailToken) return;
        list.replaceChildren(
          ...(result.objects.length > 0
            ? result.objects.map(objectItem)
            : [
                el('li', {
                  cls: 'muted',
                  text:
                    mode === 'diff'
                      ? 'No new object of this class is still alive: its change comes from objects that were already there.'
                      : 'No objects of this class to show.',
                }),
              ]),
        );
        measureDetail();
      },
      (err: Error) => {
        if (token !== detailToken) return;
        list.replaceChildren(el('li', { cls: 'error', text: `Could not load retainer paths: ${err.message}` }));
        measureDetail();
      },
    );
  }

  function objectItem(o: ObjectPath): HTMLElement {
    const last = o.path[o.path.length - 1]?.node;
    const label = formatNodeLabel({
      id: o.id,
      name: o.name,
      className: last?.className ?? o.name,
      type: last?.id === o.id ? last.type : undefined,
    });
    const head = el(
      'p',
      { cls: 'object-head' },
      el('strong', { cls: 'node-label', text: label }),
      ` ${formatBytes(o.retainedSize)} retained (${formatBytes(o.selfSize)} self)`,
    );
    if (options.onRetainers) {
      const onRetainers = options.onRetainers;
      const b = el('button', {
        cls: 'link retainers',
        text: 'Retainers',
        attrs: { type: 'button', 'aria-label': `Retainers of ${label}` },
      });
      b.addEventListener('click', (event) => {
        event.stopPropagation();
        onRetainers(o.id, label);
      });
      head.append(' ', b);
    }
    return el(
      'li',
      { cls: 'object-path' },
      head,
      o.path.length > 0
        ? renderRetainerPath(o.path, { maxSteps: 10 })
        : el('p', { cls: 'muted', text: 'No path from a GC root: unreachable.' }),
    );
  }

  function measureDetail(): void {
    const h = detail.hidden ? 0 : detail.offsetHeight;
    if (h !== detailHeight) {
      detailHeight = h;
      layout();
      render();
    }
  }
  new ResizeObserver(() => measureDetail()).observe(detail);

  // ---- input ----------------------------------------------------------------------------------
  function ensureVisible(i: number): void {
    const top = rowTop(i);
    const viewport = body.clientHeight;
    if (top < body.scrollTop) body.scrollTop = top;
    else if (top + ROW_HEIGHT > body.scrollTop + viewport) body.scrollTop = top + ROW_HEIGHT - viewport;
    render();
  }

  function setActive(i: number): void {
    if (total === 0) return;
    active = Math.max(0, Math.min(total - 1, i));
    ensureVisible(active);
  }

  body.addEventListener('scroll', scheduleRender, { passive: true });
  body.addEventListener('click', (event) => {
    const row = (event.target as Element).closest<HTMLElement>('.class-row');
    if (!row || row.dataset.index === undefined) return;
    const i = Number(row.dataset.index);
    active = i;
    grid.focus({ preventScroll: true });
    toggle(i);
  });
  grid.addEventListener('keydown', (event) => {
    if (event.target !== grid) return; // keys inside the detail (its buttons) keep their meaning
    const page = Math.max(1, Math.floor(body.clientHeight / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        setActive(active + 1);
        break;
      case 'ArrowUp':
        setActive(active - 1);
        break;
      case 'PageDown':
        setActive(active + page);
        break;
      case 'PageUp':
        setActive(active - page);
        break;
      case 'Home':
        setActive(0);
        break;
      case 'End':
        setActive(total - 1);
        break;
      case 'Enter':
      case ' ':
        toggle(active);
        ensureVisible(active);
        break;
      case 'ArrowRight':
        if (expanded !== active) toggle(active);
        break;
      case 'ArrowLeft':
        if (expanded === active) {
          collapse();
          render();
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  });
  grid.addEventListener('focus', () => render());

  let filterTimer: ReturnType<typeof setTimeout> | undefined;
  filterInput.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      const next = filterInput.value.trim();
      if (next === filter) return;
      filter = next;
      reset();
    }, 200);
  });
  filterInput.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      grid.focus();
    }
  });

  new ResizeObserver(() => scheduleRender()).observe(body);
  reset();
  return element;
}
