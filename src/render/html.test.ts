import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { renderDiffHtml } from './diffHtml';
import { renderOverviewHtml } from './overviewHtml';
import { EVIL_IMG, EVIL_SCRIPT, maliciousDiff, maliciousOverview, sampleDiff, sampleOverview } from '../../test/helpers/testData';

// There is no browser here, so the pages are checked with a strict little parser that only accepts
// well-nested markup (an injected tag would unbalance it or show up as an unexpected element) and
// their script is run against a minimal DOM built from that parse.

class FakeText {
  parentNode: FakeElement | null = null;
  constructor(public data: string) {}
}

class FakeElement {
  parentNode: FakeElement | null = null;
  childNodes: Array<FakeElement | FakeText> = [];
  attributes = new Map<string, string>();
  listeners = new Map<string, Array<() => void>>();
  hidden = false;
  type = '';
  title = '';
  placeholder = '';
  value = '';
  constructor(public tagName: string) {}

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  setAttribute(name: string, value: unknown): void {
    this.attributes.set(name, String(value));
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  get textContent(): string {
    return this.childNodes.map((c) => (c instanceof FakeText ? c.data : c.textContent)).join('');
  }
  set textContent(value: string) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes = [];
    if (value) this.appendChild(new FakeText(value));
  }
  appendChild<T extends FakeElement | FakeText>(child: T): T {
    return this.insertBefore(child, null);
  }
  insertBefore<T extends FakeElement | FakeText>(child: T, ref: FakeElement | FakeText | null): T {
    if (child.parentNode) child.parentNode.childNodes = child.parentNode.childNodes.filter((c) => c !== child);
    child.parentNode = this;
    const at = ref ? this.childNodes.indexOf(ref) : -1;
    if (at < 0) this.childNodes.push(child);
    else this.childNodes.splice(at, 0, child);
    return child;
  }
  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
  get children(): FakeElement[] {
    return this.childNodes.filter((c): c is FakeElement => c instanceof FakeElement);
  }
  descendants(): FakeElement[] {
    return this.children.flatMap((c) => [c, ...c.descendants()]);
  }
  get tHead(): FakeElement | null {
    return this.children.find((c) => c.tagName === 'thead') ?? null;
  }
  get tBodies(): FakeElement[] {
    return this.children.filter((c) => c.tagName === 'tbody');
  }
  get rows(): FakeElement[] {
    return this.children.filter((c) => c.tagName === 'tr');
  }
  get cells(): FakeElement[] {
    return this.children.filter((c) => c.tagName === 'th' || c.tagName === 'td');
  }
}

const VOID = new Set(['meta', 'input', 'br']);
const RAW_TEXT = new Set(['script', 'style', 'title']);

function parse(html: string): FakeElement {
  const root = new FakeElement('#document');
  let current = root;
  let i = 0;
  const token = /<!DOCTYPE html>|<\/([a-z0-9]+)>|<([a-z0-9]+)((?: [a-z-]+(?:="[^"<>]*")?)*)>|[^<]+/y;
  while (i < html.length) {
    token.lastIndex = i;
    const m = token.exec(html);
    if (!m) assert.fail(`unparseable markup at ${i}: ${JSON.stringify(html.slice(i, i + 80))}`);
    i = token.lastIndex;
    if (m[1]) {
      assert.equal(m[1], current.tagName, `</${m[1]}> closes <${current.tagName}>`);
      current = current.parentNode ?? assert.fail('closed the document');
    } else if (m[2]) {
      const el = current.appendChild(new FakeElement(m[2]));
      for (const a of (m[3] ?? '').matchAll(/ ([a-z-]+)(?:="([^"]*)")?/g)) {
        el.setAttribute(
          a[1],
          (a[2] ?? '')
            .replace(/&quot;/g, '"')
            .replace(/&#39;/g, "'")
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&amp;/g, '&'),
        );
      }
      if (RAW_TEXT.has(m[2])) {
        const end = html.indexOf(`</${m[2]}>`, i);
        assert.ok(end >= 0, `unterminated <${m[2]}>`);
        el.appendChild(new FakeText(html.slice(i, end)));
        i = end + m[2].length + 3;
      } else if (!VOID.has(m[2])) {
        current = el;
      }
    } else if (!m[0].startsWith('<!DOCTYPE')) {
      current.appendChild(new FakeText(m[0]));
    }
  }
  assert.equal(current, root, `<${current.tagName}> left open`);
  return root;
}

const ALLOWED_TAGS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'header',
  'footer',
  'section',
  'h1',
  'h2',
  'h3',
  'p',
  'ul',
  'ol',
  'li',
  'span',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'strong',
  'script',
]);
const ALLOWED_ATTRIBUTES = new Set([
  'lang',
  'charset',
  'http-equiv',
  'content',
  'name',
  'nonce',
  'type',
  'id',
  'class',
  'scope',
  'aria-label',
  'aria-labelledby',
  'data-source',
  'data-filter',
  'data-key',
  'data-type',
  'data-index',
]);

function checkPage(html: string, input: unknown): FakeElement {
  const doc = parse(html);
  const elements = doc.descendants();
  for (const el of elements) {
    assert.ok(ALLOWED_TAGS.has(el.tagName), `unexpected <${el.tagName}>`);
    for (const name of el.attributes.keys()) assert.ok(ALLOWED_ATTRIBUTES.has(name), `unexpected ${name}= on <${el.tagName}>`);
  }
  assert.ok(!/https?:\/\//i.test(html), 'the page must not reference any URL');
  assert.ok(!/<img|<iframe|<link|<object|@import|url\(/i.test(html));

  const csp = elements.find((el) => el.getAttribute('http-equiv') === 'Content-Security-Policy')?.getAttribute('content') ?? '';
  const m = /^default-src 'none'; style-src 'nonce-([A-Za-z0-9+/=]+)'; script-src 'nonce-\1'/.exec(csp);
  assert.ok(m, `CSP: ${csp}`);
  const head = elements.find((el) => el.tagName === 'head');
  assert.equal(
    head?.children[1],
    elements.find((el) => el.getAttribute('http-equiv')),
    'CSP comes right after the charset',
  );

  const scripts = elements.filter((el) => el.tagName === 'script');
  assert.equal(scripts.length, 2);
  const [data, code] = scripts;
  assert.equal(data.getAttribute('type'), 'application/json');
  assert.equal(code.getAttribute('nonce'), m[1]);
  assert.equal(elements.find((el) => el.tagName === 'style')?.getAttribute('nonce'), m[1]);
  assert.deepEqual(JSON.parse(data.textContent), JSON.parse(JSON.stringify(input)));
  return doc;
}

function runScript(doc: FakeElement): void {
  const elements = () => doc.descendants();
  const document = {
    getElementById: (id: string) => elements().find((el) => el.getAttribute('id') === id) ?? null,
    querySelectorAll: (selector: string) => {
      assert.equal(selector, 'table[data-source]');
      return elements().filter((el) => el.tagName === 'table' && el.getAttribute('data-source') !== null);
    },
    createElement: (tag: string) => new FakeElement(tag),
  };
  const code = elements().filter((el) => el.tagName === 'script')[1].textContent;
  runInNewContext(code, { document });
}

function table(doc: FakeElement, source: string): FakeElement {
  return doc.descendants().find((el) => el.tagName === 'table' && el.getAttribute('data-source') === source) ?? assert.fail(source);
}

function clickHeader(t: FakeElement, title: string): void {
  const th = t.tHead?.rows[0].cells.find((cell) => cell.textContent === title) ?? assert.fail(`no header ${title}`);
  const button = th.children[0];
  assert.equal(button?.tagName, 'button');
  button.dispatch('click');
}

function order(t: FakeElement): number[] {
  return t.tBodies[0].rows.filter((tr) => !tr.hidden).map((tr) => Number(tr.getAttribute('data-index')));
}

/** What a stable sort of the rows, currently in `current` order, by `key` gives. */
function sortedFrom<T>(rows: T[], current: number[], key: (row: T) => number, descending: boolean): number[] {
  return [...current].sort((a, b) => (descending ? key(rows[b]) - key(rows[a]) : key(rows[a]) - key(rows[b])));
}

describe('renderDiffHtml', () => {
  it('is one well-formed, self-contained page with a strict CSP', () => {
    const d = sampleDiff();
    checkPage(renderDiffHtml(d), d);
  });

  it('escapes hostile heap strings everywhere', () => {
    const d = maliciousDiff();
    const html = renderDiffHtml(d);
    const doc = checkPage(html, d);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal(html.match(/<script/g)?.length, 2);
    assert.equal(html.match(/<\/script/gi)?.length, 2);
    assert.ok(!html.includes(EVIL_IMG));
    assert.ok(!html.includes(EVIL_SCRIPT));
    assert.ok(!/[\x00-\x08\x0b\x0c\x0e-\x1f\u202e]/.test(html));
    // The 100,000-character sample string is embedded as data but not dumped into the page.
    const visible = doc
      .descendants()
      .filter((el) => el.tagName !== 'script')
      .map((el) =>
        el.childNodes
          .filter((c) => c instanceof FakeText)
          .map((c) => c.data)
          .join(''),
      )
      .join('');
    assert.ok(visible.length < 50_000);
  });

  it('uses a fresh nonce per page unless given one, and refuses a nonce that could break out', () => {
    const d = sampleDiff();
    const nonceOf = (html: string) => /'nonce-([^']+)'/.exec(html)?.[1];
    assert.notEqual(nonceOf(renderDiffHtml(d)), nonceOf(renderDiffHtml(d)));
    assert.equal(nonceOf(renderDiffHtml(d, { nonce: 'dGVzdA==' })), 'dGVzdA==');
    assert.throws(() => renderDiffHtml(d, { nonce: `x' 'unsafe-inline` }), TypeError);
    assert.throws(() => renderDiffHtml(d, { nonce: 'a"><script>' }), TypeError);
  });

  it('sorts the class table by the clicked column and filters by name', () => {
    const d = sampleDiff();
    const doc = parse(renderDiffHtml(d));
    runScript(doc);
    const t = table(doc, 'classes');
    assert.deepEqual(
      order(t),
      d.classes.map((_, i) => i),
    );

    let before = order(t);
    clickHeader(t, 'Retained Δ');
    assert.deepEqual(
      order(t),
      sortedFrom(d.classes, before, (c) => c.retainedSizeDelta, true),
    );
    assert.equal(t.tHead?.rows[0].cells.find((c) => c.textContent === 'Retained Δ')?.getAttribute('aria-sort'), 'descending');
    before = order(t);
    clickHeader(t, 'Retained Δ');
    assert.deepEqual(
      order(t),
      sortedFrom(d.classes, before, (c) => c.retainedSizeDelta, false),
    );

    before = order(t);
    clickHeader(t, '#Δ');
    assert.deepEqual(
      order(t),
      sortedFrom(d.classes, before, (c) => c.countDelta, true),
    );
    assert.equal(t.tHead?.rows[0].cells.find((c) => c.textContent === 'Retained Δ')?.getAttribute('aria-sort'), null);

    clickHeader(t, 'Class');
    assert.deepEqual(
      order(t).map((i) => d.classes[i].className),
      d.classes.map((c) => c.className).sort((a, b) => a.localeCompare(b)),
    );

    const input = doc.descendants().find((el) => el.tagName === 'input') ?? assert.fail('no filter box');
    input.value = 'SESS';
    input.dispatch('input');
    assert.deepEqual(
      order(t).map((i) => d.classes[i].className),
      ['Session'],
    );
    input.value = '';
    input.dispatch('input');
    assert.equal(order(t).length, d.classes.length);
  });
});

describe('renderOverviewHtml', () => {
  it('is one well-formed, self-contained page with a strict CSP', () => {
    const o = sampleOverview();
    checkPage(renderOverviewHtml(o), o);
  });

  it('escapes hostile heap strings everywhere', () => {
    const o = maliciousOverview();
    const html = renderOverviewHtml(o);
    checkPage(html, o);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal(html.match(/<\/script/gi)?.length, 2);
    assert.ok(!html.includes(EVIL_IMG));
    assert.ok(!html.includes(EVIL_SCRIPT));
  });

  it('sorts dominators by nested keys', () => {
    const o = sampleOverview();
    const doc = parse(renderOverviewHtml(o));
    runScript(doc);
    const t = table(doc, 'dominators');
    let before = order(t);
    clickHeader(t, 'Distance');
    assert.deepEqual(
      order(t),
      sortedFrom(o.dominators, before, (d) => d.node.distance, true),
    );
    before = order(t);
    clickHeader(t, 'Retained');
    assert.deepEqual(
      order(t),
      sortedFrom(o.dominators, before, (d) => d.node.retainedSize, true),
    );
  });
});
