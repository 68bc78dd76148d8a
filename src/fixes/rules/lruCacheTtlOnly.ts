import ts from 'typescript';
import { assignedName, diagnostic, moduleOf, objectProperty, propertySeparator, walk } from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

/** What bounds an lru-cache besides its ttl: a count, a total size, or a timer that purges stale entries. */
const BOUNDS = ['max', 'maxSize', 'ttlAutopurge'];

/**
 * An lru-cache (v7 on) given a `ttl` and nothing else that bounds it. Stale entries are dropped
 * only when read or when something walks the cache; keys written once and never read again stay,
 * and lru-cache itself warns that "TTL caching without ttlAutopurge, max, or maxSize can result in
 * unbounded memory consumption". The fix purges on timers (`ttlAutopurge: true`, the cache stays
 * time-bounded as the code meant), or caps the count.
 */
export const lruCacheTtlOnly: FixRule = {
  id: 'lru-cache-ttl-only',
  title: 'lru-cache bounded only by a ttl it never purges',
  fixIds: ['configure-package', 'bound-cache'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isNewExpression(node) || !isLruCache(context, node)) return;
      const options = node.arguments?.[0];
      if (!options || !ts.isObjectLiteralExpression(options)) return;
      const ttl = objectProperty(options, 'ttl');
      if (!ttl) return;
      const purge = objectProperty(options, 'ttlAutopurge');
      const others = BOUNDS.filter((name) => name !== 'ttlAutopurge').some((name) => objectProperty(options, name));
      if (others || (purge && !isFalse(purge))) return;
      diagnostics.push(
        diagnostic(
          context,
          lruCacheTtlOnly.id,
          node,
          'This lru-cache is bounded only by its ttl, and without ttlAutopurge a stale entry stays until it is read: keys written once and never read again pile up (lru-cache warns this "can result in unbounded memory consumption").',
          fixesFor(context, options, ttl, purge),
          assignedName(node),
        ),
      );
    });
    return diagnostics;
  },
};

/** `new LRUCache(…)`, `new LRU(…)` or `new lru.LRUCache(…)` of the `lru-cache` package (any local name). */
function isLruCache(context: RuleContext, node: ts.NewExpression): boolean {
  const callee = node.expression;
  const root = ts.isPropertyAccessExpression(callee) ? callee.expression : callee;
  return ts.isIdentifier(root) && moduleOf(context, root) === 'lru-cache';
}

function isFalse(p: ts.ObjectLiteralElementLike): boolean {
  return ts.isPropertyAssignment(p) && p.initializer.kind === ts.SyntaxKind.FalseKeyword;
}

function fixesFor(
  context: RuleContext,
  options: ts.ObjectLiteralExpression,
  ttl: ts.ObjectLiteralElementLike,
  purge: ts.ObjectLiteralElementLike | undefined,
): CodeFix[] {
  const sf = context.sourceFile;
  const append = (text: string): TextEdit => ({ start: ttl.end, end: ttl.end, newText: `,${propertySeparator(sf, options, ttl)}${text}` });
  const autopurge: TextEdit =
    purge && ts.isPropertyAssignment(purge)
      ? { start: purge.initializer.getStart(sf), end: purge.initializer.end, newText: 'true' }
      : append('ttlAutopurge: true');
  return [
    { title: 'Drop entries when their ttl is up, on timers (ttlAutopurge: true)', edits: [autopurge] },
    { title: 'Keep at most 1000 entries as well (max: 1000)', edits: [append('max: 1000')] },
  ];
}
