import ts from 'typescript';
import {
  declarationName,
  declarationOf,
  diagnostic,
  enclosingFunction,
  importedNames,
  isMember,
  onlyInConstructor,
  importEdit,
  indentationOf,
  initializerOf,
  isLongLived,
  lineOf,
  methodCall,
  newline,
  sizeConstantFor,
  symbolOf,
  topLevelStatement,
  upperSnake,
  usageOf,
  usesImports,
  walk,
} from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

/** Any of these on the map means something already bounds or empties it. */
const SHRINK = new Set(['delete', 'clear']);
const SIZE_NAME = /max|limit|size|capacity|entries|items/i;
const DEFAULT_MAX = 1000;
const DEFAULT_TTL = '10 * 60 * 1000';
const LRU_RANGE = '^11.0.0';

/**
 * A Map that lives as long as the module or its object, is written with `set` and is never
 * deleted from, cleared or checked for size: a cache keyed by something unbounded (ids, URLs).
 * The fix makes it an lru-cache with a maximum, which has the same get/set/has/delete API.
 */
export const boundCache: FixRule = {
  id: 'bound-cache',
  title: 'Map used as a cache without a bound',
  fixIds: ['bound-cache', 'release-references'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    const seen = new Set<ts.Symbol>();
    walk(context.sourceFile, (node) => {
      const call = methodCall(node, new Set(['set']));
      // Filled while the module loads, once: a table, not a cache that grows while the program runs.
      if (!call || !enclosingFunction(call)) return;
      const symbol = symbolOf(context, call.expression.expression);
      if (!symbol || seen.has(symbol)) return;
      const declaration = declarationOf(symbol);
      const creation = mapCreation(initializerOf(declaration));
      if (!isLongLived(declaration) || !creation) return;
      const references = context.references(symbol);
      const name = declarationName(declaration!) ?? 'cache';
      const bound = references.find((r) => {
        const use = usageOf(r);
        return (
          (use.method && SHRINK.has(use.method)) ||
          use.property === 'size' ||
          (use.assigned && r !== (declaration as { name?: ts.Node }).name)
        );
      });
      if (bound && !context.observedGrowing(name)) return;
      seen.add(symbol);
      const member = isMember(declaration!);
      const writes = references.filter((r) => usageOf(r).method === 'set').map((r) => usageOf(r).node.parent.parent);
      if (member && onlyInConstructor(writes)) return;
      const message = bound
        ? `${name} gains an entry on every new key and a leak check saw it grow every cycle: what deletes from it or bounds it (line ${lineOf(context, bound)}) does not keep up.`
        : `${name} gains an entry on every new key and nothing deletes, clears or bounds it.`;
      diagnostics.push(
        diagnostic(context, boundCache.id, call, message, fixesFor(context, name, creation, call), name, member ? 'medium' : 'high'),
      );
    });
    return diagnostics;
  },
};

function mapCreation(init: ts.Expression | undefined): ts.NewExpression | undefined {
  if (!init || !ts.isNewExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'Map') return undefined;
  // Initial entries would need copying in; lru-cache takes options, not entries.
  return init.arguments && init.arguments.length > 0 ? undefined : init;
}

function fixesFor(context: RuleContext, name: string, creation: ts.NewExpression, site: ts.Node): CodeFix[] {
  const sf = context.sourceFile;
  const common: TextEdit[] = [];
  let max = sizeConstantFor(sf, site, name, SIZE_NAME);
  if (!max) {
    max = context.newName(`${upperSnake(name)}_MAX`, true);
    if (!max) return [];
    const anchor = topLevelStatement(creation);
    if (!anchor) return [];
    common.push({
      start: anchor.getStart(sf),
      end: anchor.getStart(sf),
      newText: `const ${max} = ${DEFAULT_MAX};${newline(sf)}${indentationOf(sf, anchor)}`,
    });
  }
  const existing = [...importedNames(sf, 'lru-cache')].find((n) => n.startsWith('LRUCache='));
  let lru = existing?.split('=')[1];
  if (!lru) {
    // The import is shared by every bound-cache fix of the file: the same edit, applied once.
    lru = lruName(context);
    if (!lru) return [];
    const binding = lru === 'LRUCache' ? 'LRUCache' : `LRUCache as ${lru}`;
    const requireBinding = lru === 'LRUCache' ? 'LRUCache' : `LRUCache: ${lru}`;
    common.push(
      importEdit(
        context,
        usesImports(context) ? `import { ${binding} } from 'lru-cache';` : `const { ${requireBinding} } = require('lru-cache');`,
      ),
    );
  }
  // lru-cache's key and value types must be non-nullable; `any` keeps whatever the Map allowed.
  const typeArguments = creation.typeArguments
    ? `<${creation.typeArguments.map((t) => t.getText(sf)).join(', ')}>`
    : context.isTypeScript
      ? '<any, any>'
      : '';
  const replace = (options: string): TextEdit => ({
    start: creation.getStart(sf),
    end: creation.end,
    newText: `new ${lru}${typeArguments}(${options})`,
  });
  const dependencies = existing ? undefined : { 'lru-cache': LRU_RANGE };
  return [
    {
      title: `Bound ${name} with lru-cache (max ${max})`,
      edits: [...common, replace(`{ max: ${max} }`)],
      ...(dependencies ? { dependencies } : {}),
    },
    {
      title: `Bound ${name} with lru-cache (max ${max}, entries expire after 10 minutes)`,
      edits: [...common, replace(`{ max: ${max}, ttl: ${DEFAULT_TTL} }`)],
      ...(dependencies ? { dependencies } : {}),
    },
  ];
}

const lruNames = new WeakMap<RuleContext, string | undefined>();

function lruName(context: RuleContext): string | undefined {
  if (!lruNames.has(context)) lruNames.set(context, context.newName('LRUCache', true) ?? context.newName('LRUCache_', true));
  return lruNames.get(context);
}
