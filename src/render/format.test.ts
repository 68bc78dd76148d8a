import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetainerPath } from '../snapshot/types';
import { formatBinaryBytes } from '../common/bytes';
import { createNonce } from './htmlDocument';
import {
  codeSpanParts,
  escapeHtml,
  escapeMarkdownCell,
  formatBytes,
  formatBytesDelta,
  formatCount,
  formatCountDelta,
  formatGroupChain,
  formatLocation,
  formatNodeLabel,
  formatPathFrom,
  formatPercent,
  formatRetainerPath,
  markdownCode,
  printable,
} from './format';
import { sessionCachePath, sessionGroup } from '../../test/helpers/testData';

describe('formatBytes', () => {
  it('prints small sizes in bytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1), '1 B');
    assert.equal(formatBytes(999), '999 B');
  });

  it('uses decimal units with three significant digits', () => {
    assert.equal(formatBytes(1000), '1.0 kB');
    assert.equal(formatBytes(1234), '1.2 kB');
    assert.equal(formatBytes(12_345), '12.3 kB');
    assert.equal(formatBytes(123_456), '123 kB');
    assert.equal(formatBytes(1_200_000), '1.2 MB');
    assert.equal(formatBytes(5_368_709_120), '5.4 GB');
    assert.equal(formatBytes(123_456_789_012), '123 GB');
    assert.equal(formatBytes(2e15), '2.0 PB');
  });

  it('uses binary units when asked, so a limit given as 64M or 1.5G prints as given', () => {
    assert.equal(formatBinaryBytes(64 * 1024 ** 2), '64.0 MiB');
    assert.equal(formatBinaryBytes(1.5 * 1024 ** 3), '1.5 GiB');
    assert.equal(formatBinaryBytes(1000), '1000 B');
    assert.equal(formatBinaryBytes(512 * 1024), '512 KiB');
    assert.equal(formatBinaryBytes(1024 ** 3 - 1), '1.0 GiB');
  });

  it('carries rounding into the next unit', () => {
    assert.equal(formatBytes(999.6), '1.0 kB');
    assert.equal(formatBytes(99_960), '100 kB');
    assert.equal(formatBytes(999_960), '1.0 MB');
    assert.equal(formatBytes(999_999_999), '1.0 GB');
  });

  it('keeps the sign of negative sizes and never prints -0', () => {
    assert.equal(formatBytes(-340_000), '-340 kB');
    assert.equal(formatBytes(-1), '-1 B');
    assert.equal(formatBytes(-0), '0 B');
    assert.equal(formatBytes(-0.4), '0 B');
    assert.equal(formatBytes(-2_500_000_000), '-2.5 GB');
  });

  it('does not pretend non-finite values are sizes', () => {
    assert.equal(formatBytes(Number.NaN), 'NaN');
    assert.equal(formatBytes(Number.POSITIVE_INFINITY), 'Infinity');
  });
});

describe('formatBytesDelta', () => {
  it('marks growth with +', () => {
    assert.equal(formatBytesDelta(1_200_000), '+1.2 MB');
    assert.equal(formatBytesDelta(12), '+12 B');
    assert.equal(formatBytesDelta(3_000_000_000), '+3.0 GB');
  });

  it('leaves shrinkage and zero unsigned', () => {
    assert.equal(formatBytesDelta(-340_000), '-340 kB');
    assert.equal(formatBytesDelta(0), '0 B');
    assert.equal(formatBytesDelta(0.3), '0 B');
  });
});

describe('formatCount', () => {
  it('groups thousands regardless of locale', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1000), '1,000');
    assert.equal(formatCount(1_234_567), '1,234,567');
    assert.equal(formatCount(-1234), '-1,234');
    assert.equal(formatCount(12.6), '13');
  });

  it('has a signed variant', () => {
    assert.equal(formatCountDelta(1000), '+1,000');
    assert.equal(formatCountDelta(-5), '-5');
    assert.equal(formatCountDelta(0), '0');
  });
});

describe('formatPercent and formatLocation', () => {
  it('formats shares and handles an empty whole', () => {
    assert.equal(formatPercent(1, 4), '25%');
    assert.equal(formatPercent(1, 300), '0.3%');
    assert.equal(formatPercent(5, 0), '');
  });

  it('counts lines and columns from one', () => {
    assert.equal(formatLocation({ scriptId: 7, line: 0, column: 4 }), 'script 7, line 1, column 5');
  });
});

describe('formatRetainerPath', () => {
  it('reads like code, one `edge (Class)` per hop', () => {
    assert.equal(
      formatRetainerPath(sessionCachePath),
      '(GC roots) → (Global handles) → [118] (Module) → exports (Object) → store (SessionStore) → sessionCache (Map)',
    );
  });

  it('keeps the root category and the tail when eliding', () => {
    assert.equal(
      formatRetainerPath(sessionCachePath, { maxSteps: 3 }),
      '(GC roots) → (Global handles) → … → store (SessionStore) → sessionCache (Map)',
    );
    assert.equal(formatGroupChain(sessionGroup, { maxSteps: 2 }), '(GC roots) → (Global handles) → … → sessionCache (Map) → table');
  });

  it('renders an empty path as the root alone, and does not repeat an explicit root', () => {
    assert.equal(formatRetainerPath([]), '(GC roots)');
    const withRoot: RetainerPath = [
      {
        edge: '',
        edgeType: 'element',
        node: { id: 1, type: 'synthetic', name: '(GC roots)', className: '(synthetic)', selfSize: 0, retainedSize: 0, distance: 0 },
      },
      ...sessionCachePath.slice(0, 2),
    ];
    assert.equal(formatRetainerPath(withRoot), '(GC roots) → (Global handles) → [118] (Module)');
  });

  it('does not double the parentheses of V8 pseudo-classes and names hidden nodes', () => {
    const path: RetainerPath = [
      {
        edge: 'handler',
        edgeType: 'property',
        node: { id: 9, type: 'closure', name: 'onData', className: '(closure)', selfSize: 32, retainedSize: 64, distance: 2 },
      },
      {
        edge: 'context',
        edgeType: 'internal',
        node: { id: 10, type: 'hidden', name: 'system / Context', className: '(system)', selfSize: 32, retainedSize: 64, distance: 3 },
      },
    ];
    assert.equal(formatRetainerPath(path), '(GC roots) → handler (closure) → context (system / Context)');
  });

  it('makes hostile edge and class names visible and single-line', () => {
    const path: RetainerPath = [
      {
        edge: 'a\nb',
        edgeType: 'property',
        node: { id: 9, type: 'object', name: 'X', className: 'Evil\x1b[2J\u202e', selfSize: 1, retainedSize: 1, distance: 1 },
      },
    ];
    assert.equal(formatRetainerPath(path), '(GC roots) → a\\nb (Evil\\x1b[2J\\u202e)');
  });

  it('gives the tail of a path from a given node', () => {
    const sample = sessionGroup.samples[0];
    assert.equal(
      formatPathFrom(sample.path, sessionGroup.holderId),
      'sessionCache (Map) → table (system / OrderedHashMap) → (map entry) (Session)',
    );
    assert.equal(formatPathFrom(sample.path, 123), undefined);
  });
});

describe('formatNodeLabel', () => {
  it('names nodes the way DevTools does', () => {
    assert.equal(formatNodeLabel({ id: 5, type: 'object', name: 'Map', className: 'Map' }), 'Map @5');
    assert.equal(formatNodeLabel({ id: 6, type: 'closure', name: 'onData', className: '(closure)' }), 'onData() @6');
    assert.equal(formatNodeLabel({ id: 7, type: 'string', name: 'hello\nworld', className: '(string)' }), '"hello\\nworld" @7');
    assert.equal(formatNodeLabel({ id: 8, name: 'x', className: '(string)' }), '"x" @8');
  });
});

describe('printable', () => {
  it('escapes control, bidi and invisible characters', () => {
    assert.equal(printable('a\tb\r\n'), 'a\\tb\\r\\n');
    assert.equal(printable('\x1b[31mred\x07'), '\\x1b[31mred\\x07');
    assert.equal(printable('\u202eevil\u200b'), '\\u202eevil\\u200b');
    assert.equal(printable('lone \ud800 surrogate'), 'lone \\ud800 surrogate');
  });

  it('keeps ordinary Unicode, including astral characters', () => {
    assert.equal(printable('Größe 🧠 キャッシュ'), 'Größe 🧠 キャッシュ');
  });

  it("keeps tabs and newlines only when asked (a target's own output), escaping every terminal sequence", () => {
    assert.equal(
      printable('\x1b]8;;https://x/\x07a\x1b]8;;\x07\t\x1b[2J\x9b1m\n', Infinity, { keepLayout: true }),
      '\\x1b]8;;https://x/\\x07a\\x1b]8;;\\x07\t\\x1b[2J\\x9b1m\n',
    );
  });

  it('cuts long strings by code points', () => {
    assert.equal(printable('abcdef', 3), 'abc…');
    assert.equal(printable('🧠🧠🧠', 2), '🧠🧠…');
    assert.equal(printable('abc', 3), 'abc');
  });
});

describe('escapeHtml', () => {
  it('escapes markup and both quote kinds', () => {
    assert.equal(escapeHtml('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(escapeHtml(`"'&`), '&quot;&#39;&amp;');
    assert.equal(escapeHtml('</script>'), '&lt;/script&gt;');
  });
});

describe('escapeMarkdownCell', () => {
  it('escapes pipes, backticks and markup', () => {
    assert.equal(escapeMarkdownCell('a|b'), 'a\\|b');
    assert.equal(escapeMarkdownCell('`x`'), '\\`x\\`');
    assert.equal(escapeMarkdownCell('<img>'), '\\<img\\>');
    assert.equal(escapeMarkdownCell('*a* _b_ [c](d) $e$'), '\\*a\\* \\_b\\_ \\[c\\](d) \\$e\\$');
  });

  it('keeps GitHub from making mentions, links and issue references of heap text', () => {
    assert.equal(
      escapeMarkdownCell('@octocat https://x.io www.x.io a@b.co #12 #x'),
      '@\u2060octocat https\u2060://x.io www\u2060.x.io a@\u2060b.co \\#\u206012 \\#x',
    );
  });

  it('keeps a cell on one line', () => {
    const cell = escapeMarkdownCell('a\nb\r\nc');
    assert.ok(!/[\r\n]/.test(cell));
    assert.equal(cell, 'a\\\\nb\\\\r\\\\nc');
  });
});

describe('markdownCode', () => {
  it('fences with more backticks than the content holds', () => {
    assert.equal(markdownCode('Map'), '`Map`');
    assert.equal(markdownCode('a`b'), '``a`b``');
    assert.equal(markdownCode('a``b'), '```a``b```');
    assert.equal(markdownCode('`x'), '`` `x ``');
  });

  it('escapes pipes only in tables', () => {
    assert.equal(markdownCode('a|b', { inTable: true }), '`a\\|b`');
    assert.equal(markdownCode('a|b'), '`a|b`');
  });

  it('keeps newlines out and marks an empty string', () => {
    assert.equal(markdownCode('a\nb'), '`a\\nb`');
    assert.equal(markdownCode(''), '*(empty)*');
  });
});

describe('createNonce', () => {
  it('returns 128 random bits in base64', () => {
    const a = createNonce();
    const b = createNonce();
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    assert.equal(Buffer.from(a, 'base64').length, 16);
    assert.notEqual(a, b);
  });
});

describe('codeSpanParts', () => {
  it("cuts a holder's wording into prose and code, each still to be escaped by its medium", () => {
    assert.deepEqual(codeSpanParts('`cache` (Map), a variable of `server.js`'), [
      { code: true, text: 'cache' },
      { code: false, text: ' (Map), a variable of ' },
      { code: true, text: 'server.js' },
    ]);
    // Markdown shows the code as code spans and the prose escaped, so heap text cannot become markup.
    const md = codeSpanParts('`a*b` of <x>')
      .map((p) => (p.code ? markdownCode(p.text) : escapeMarkdownCell(p.text)))
      .join('');
    assert.equal(md, '`a*b` of \\<x\\>');
  });
});
