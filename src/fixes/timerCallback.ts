import ts from 'typescript';
import { scriptKindOf, siteOf, terminalName, type CodeSite } from './holderCode';
import { functionAtPosition, isFunctionWithBody, walk } from './syntax';

/** Calls that take entries out of a collection. */
const DROPPING_METHODS = new Set(['delete', 'splice', 'shift', 'pop', 'clear', 'remove', 'del', 'unset']);

/**
 * Whether a timer's callback takes entries out of the holder: `cache.delete(key)`, `delete
 * store[key]`, `this.items.splice(…)`, directly or through one function of the same file it calls
 * (`setTimeout(() => this.expire(key), ttl)`). `line` and `column` (one-based) are where the heap
 * says the callback's code starts; `names` the holder's names on its retainer path, or undefined
 * for any collection (a timer that drops an entry of any is an expiry). The statement that drops,
 * or undefined.
 */
export function timerDropsFrom(
  fileName: string,
  text: string,
  line: number,
  column: number,
  names: readonly string[] | undefined,
): CodeSite | undefined {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const callback = functionAtPosition(sf, line, column);
  if (!callback) return undefined;
  const wanted = names && new Set(names);
  const direct = droppingStatement(callback, wanted);
  if (direct) return siteOf(sf, direct);
  // One call deep: the callback hands the key to a function of the file that drops it.
  const called = new Set<string>();
  walk(callback, (node) => {
    if (ts.isCallExpression(node)) {
      const name = terminalName(node.expression);
      if (name) called.add(name);
    }
  });
  let found: ts.Node | undefined;
  walk(sf, (node) => {
    if (found || node === callback || !isFunctionWithBody(node)) return;
    const name = functionName(node);
    if (name && called.has(name)) found = droppingStatement(node, wanted);
  });
  return found && siteOf(sf, found);
}

function droppingStatement(fn: ts.Node, names: ReadonlySet<string> | undefined): ts.Node | undefined {
  let found: ts.Node | undefined;
  const wanted = (name: string | undefined) => name !== undefined && (!names || names.has(name));
  walk(fn, (node) => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && DROPPING_METHODS.has(node.expression.name.text)) {
      if (wanted(terminalName(node.expression.expression))) found = node;
    } else if (ts.isDeleteExpression(node)) {
      const target = node.expression;
      if ((ts.isElementAccessExpression(target) || ts.isPropertyAccessExpression(target)) && wanted(terminalName(target.expression)))
        found = node;
    }
  });
  return found;
}

/** `function expire()`, `expire() {}` in a class, `const expire = () => …`. */
function functionName(fn: ts.Node): string | undefined {
  const own = (fn as { name?: ts.Node }).name;
  if (own && (ts.isIdentifier(own) || ts.isPrivateIdentifier(own))) return own.text;
  const parent = fn.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
    ts.isIdentifier(parent.name)
  )
    return parent.name.text;
  return undefined;
}
