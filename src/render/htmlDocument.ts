import { randomBytes } from 'node:crypto';
import { escapeHtml, printable } from './format';

// Shared shell of the HTML reports. Security model: the page is meant to be opened from disk or
// attached to a CI run, and it shows strings from someone else's heap. So every dynamic string goes
// through `htmlText` (escaped, printable), the data block cannot end its <script> element, the CSP
// allows nothing but the nonce'd style and script, and the script only moves rows and sets
// textContent — it never parses HTML.

export interface HtmlDocumentOptions {
  title: string;
  /** Body markup; every dynamic part must already be escaped. */
  body: string;
  /** Embedded as JSON for the sort script and for anyone who wants the raw numbers. */
  data: unknown;
  /** For reproducible output in tests; a fresh random one otherwise. */
  nonce?: string;
}

export interface HtmlRenderOptions {
  nonce?: string;
}

/** A CSP nonce: 128 random bits, base64 as the CSP grammar expects. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function htmlDocument(options: HtmlDocumentOptions): string {
  const nonce = options.nonce ?? createNonce();
  // The nonce lands in attributes and in the CSP; a caller-supplied one must not be able to break out.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(nonce)) throw new TypeError('CSP nonce must be base64');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${htmlText(options.title, 200)}</title>`,
    `<style nonce="${nonce}">${STYLE}</style>`,
    '</head>',
    '<body>',
    options.body,
    `<script type="application/json" id="leakscope-data">${jsonForScript(options.data)}</script>`,
    `<script nonce="${nonce}">${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * JSON that is inert inside a <script> element: `<` cannot start `</script>` or `<!--`, and `>`
 * and `&` are escaped too so the text stays safe if pasted into an attribute. Invisible and bidi
 * characters are escaped so viewing the page source shows what the data really holds.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(
    /[<>&\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** An untrusted string as HTML text: visible control characters, cut at `maxLength`, escaped. */
export function htmlText(s: string, maxLength = 160): string {
  return escapeHtml(printable(s, maxLength));
}

/** A headline number with its label; both are our own text (formatted numbers, fixed words), escaped anyway. */
export function htmlCard(value: string, label: string, valueClass = ''): string {
  return `<li><span class="value${valueClass ? ` ${valueClass}` : ''}">${escapeHtml(value)}</span><span class="label">${escapeHtml(label)}</span></li>`;
}

export function deltaClass(n: number): string {
  return n > 0 ? 'grow' : n < 0 ? 'shrink' : 'flat';
}

/** A retainer chain as a wrapping list; the arrows come from CSS so copied text stays one step per line. */
export function htmlPath(parts: string[]): string {
  const items = parts.map((part) => `<li><code>${htmlText(part, 400)}</code></li>`).join('');
  return `<ol class="path" aria-label="Retainer path">${items}</ol>`;
}

export interface HtmlColumn<T> {
  title: string;
  /** Dotted key into the row's JSON object; makes the column sortable. */
  sortKey?: string;
  numeric?: boolean;
  /** Cell markup; must escape what it takes from the row. */
  cell: (row: T) => string;
  /** Extra class on each cell, e.g. for growth colouring. */
  cellClass?: (row: T) => string;
}

/**
 * A table whose rows are `rows` in order. With `source` (the dotted path of `rows` in the embedded
 * data) the script makes the headers sort buttons and, with `filterKey`, adds a filter box.
 */
export function htmlTable<T>(
  rows: T[],
  columns: Array<HtmlColumn<T>>,
  options: { source?: string; filterKey?: string; label: string },
): string {
  const attrs = [
    `aria-label="${escapeHtml(options.label)}"`,
    options.source ? `data-source="${escapeHtml(options.source)}"` : '',
    options.source && options.filterKey ? `data-filter="${escapeHtml(options.filterKey)}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const head = columns
    .map((column) => {
      const cls = column.numeric ? ' class="num"' : '';
      const sort =
        options.source && column.sortKey
          ? ` data-key="${escapeHtml(column.sortKey)}" data-type="${column.numeric ? 'number' : 'text'}"`
          : '';
      return `<th scope="col"${cls}${sort}>${escapeHtml(column.title)}</th>`;
    })
    .join('');
  const body = rows
    .map((row, index) => {
      const cells = columns
        .map((column) => {
          const classes = [column.numeric ? 'num' : '', column.cellClass?.(row) ?? ''].filter(Boolean).join(' ');
          return `<td${classes ? ` class="${classes}"` : ''}>${column.cell(row)}</td>`;
        })
        .join('');
      return `<tr data-index="${index}">${cells}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table ${attrs}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --stripe: #f6f8fa;
  --code: #eff2f5; --accent: #0969da; --grow: #cf222e; --shrink: #1a7f37;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --stripe: #151b23;
    --code: #262c36; --accent: #4493f8; --grow: #f85149; --shrink: #3fb950;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 24px; max-width: 1280px; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05em; margin: 0 0 8px; }
p { margin: 4px 0 12px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
code { background: var(--code); border-radius: 4px; padding: 1px 4px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.grow { color: var(--grow); }
.shrink { color: var(--shrink); }
.flat { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; padding: 0; list-style: none; }
.cards li { border: 1px solid var(--border); border-radius: 8px; padding: 8px 14px; min-width: 160px; }
.cards .value { display: block; font-size: 1.35em; font-weight: 600; }
.cards .label { color: var(--muted); font-size: 0.9em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--border); text-align: left; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--stripe); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th button {
  font: inherit; font-weight: 600; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer;
}
th[aria-sort="descending"] button::after { content: " \\25BE"; }
th[aria-sort="ascending"] button::after { content: " \\25B4"; }
input[type="search"] {
  font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: 6px;
  padding: 4px 8px; min-width: 260px;
}
ol.path { list-style: none; margin: 4px 0 8px; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 0; }
ol.path li + li::before { content: "\\2192"; color: var(--muted); padding: 0 6px; }
.memory-chart { margin: 8px 0 16px; max-width: 760px; }
.chart .grid { stroke: var(--border); stroke-width: 1; }
.chart .tick { fill: var(--muted); font-size: 11px; }
.chart .series { fill: none; stroke-width: 2; }
.chart .point { stroke: none; }
.rss { stroke: var(--grow); fill: var(--grow); }
.heap-total { stroke: var(--muted); fill: var(--muted); }
.heap-used { stroke: var(--accent); fill: var(--accent); }
.external { stroke: var(--shrink); fill: var(--shrink); }
.chart-legend { display: flex; gap: 14px; flex-wrap: wrap; color: var(--muted); font-size: 0.9em; }
.swatch { display: inline-block; width: 12px; height: 3px; margin-right: 4px; vertical-align: middle; background: currentColor; }
.swatch.rss { background: var(--grow); } .swatch.heap-total { background: var(--muted); }
.swatch.heap-used { background: var(--accent); } .swatch.external { background: var(--shrink); }
details.folded { margin: 16px 0; } details.folded summary { cursor: pointer; color: var(--muted); }
.group { border: 1px solid var(--border); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.group .stats { margin: 4px 0 8px; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.9em; }
`;

// Plain ES2017 so it runs in any browser the file is opened in; no HTML parsing, only DOM moves and
// textContent.
const SCRIPT = `
(function () {
  'use strict';
  var source = document.getElementById('leakscope-data');
  var data;
  try { data = JSON.parse(source ? source.textContent : 'null'); } catch (e) { return; }
  function pick(obj, path) {
    return path.split('.').reduce(function (v, k) {
      return v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
    }, obj);
  }
  function num(v) { return typeof v === 'number' && isFinite(v) ? v : -Infinity; }
  Array.prototype.forEach.call(document.querySelectorAll('table[data-source]'), function (table) {
    var rowsData = pick(data, table.getAttribute('data-source'));
    if (!Array.isArray(rowsData) || !table.tHead || !table.tBodies[0]) return;
    var tbody = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    function rowData(tr) { return rowsData[Number(tr.getAttribute('data-index'))]; }
    headers.forEach(function (th) {
      var key = th.getAttribute('data-key');
      if (!key) return;
      var numeric = th.getAttribute('data-type') === 'number';
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = th.textContent;
      button.title = 'Sort by ' + th.textContent;
      th.textContent = '';
      th.appendChild(button);
      button.addEventListener('click', function () {
        var current = th.getAttribute('aria-sort');
        // First click: numbers largest first, names A to Z; later clicks flip.
        var descending = current ? current === 'ascending' : numeric;
        headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = pick(rowData(a), key);
          var y = pick(rowData(b), key);
          var c;
          if (numeric) {
            x = num(x); y = num(y);
            c = x === y ? 0 : x < y ? -1 : 1;
          } else {
            c = String(x === undefined ? '' : x).localeCompare(String(y === undefined ? '' : y));
          }
          return descending ? -c : c;
        });
        rows.forEach(function (tr) { tbody.appendChild(tr); });
      });
    });
    var filterKey = table.getAttribute('data-filter');
    if (filterKey) {
      var input = document.createElement('input');
      input.type = 'search';
      input.placeholder = 'Filter by name';
      input.setAttribute('aria-label', 'Filter ' + (table.getAttribute('aria-label') || 'rows'));
      input.addEventListener('input', function () {
        var q = input.value.trim().toLowerCase();
        Array.prototype.forEach.call(tbody.rows, function (tr) {
          var v = pick(rowData(tr), filterKey);
          tr.hidden = q !== '' && String(v === undefined ? '' : v).toLowerCase().indexOf(q) < 0;
        });
      });
      var wrapper = table.parentNode;
      wrapper.parentNode.insertBefore(input, wrapper);
    }
  });
})();
`;
