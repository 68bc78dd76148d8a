import ts from 'typescript';
import { contains, declarationOf, newline, words } from './syntax';
import type { RuleContext, TextEdit } from './types';

/**
 * What the rules for listeners and subscribers share: which object a registration is on, whether
 * that object outlives the function that registers, and a name for the callback so the code that
 * removes it later can pass the same function.
 */

/** `configBus` in `configBus.on`, `shutdown` in `shutdown.signal.addEventListener`, `this` in `this.bus.on`. */
export function rootName(expression: ts.Expression): ts.Identifier | ts.ThisExpression | undefined {
  while (
    ts.isPropertyAccessExpression(expression) ||
    ts.isElementAccessExpression(expression) ||
    ts.isNonNullExpression(expression) ||
    ts.isParenthesizedExpression(expression)
  )
    expression = expression.expression;
  return ts.isIdentifier(expression) || expression.kind === ts.SyntaxKind.ThisKeyword
    ? (expression as ts.Identifier | ts.ThisExpression)
    : undefined;
}

/** The name a finding's path gives the object: `configBus` for `configBus`, `signal` for `shutdown.signal`. */
export function subjectOf(target: ts.Expression): string | undefined {
  if (ts.isIdentifier(target)) return target.text;
  if (ts.isPropertyAccessExpression(target)) return target.name.text;
  return undefined;
}

/**
 * Whether the object `root` names lives on after `fn` returns: declared outside it, a member
 * (`this`), or a global (`process`, `globalThis`), which binds to no declaration in the file.
 */
export function outlives(context: RuleContext, root: ts.Identifier | ts.ThisExpression, fn: ts.Node): boolean {
  if (root.kind === ts.SyntaxKind.ThisKeyword) return true;
  const declaration = declarationOf(context.checker.getSymbolAtLocation(root));
  if (!declaration) return /^(process|globalThis|global|window|self)$/.test(root.text);
  return !contains(fn, declaration);
}

/**
 * The callback of a registration, by a name the removal can repeat: an identifier as it is, an
 * inline function moved into a `const` on the line before the registration's statement.
 */
export function nameCallback(
  context: RuleContext,
  statement: ts.Statement,
  callback: ts.Expression,
  base: string,
): { name: string; edits: TextEdit[] } {
  if (ts.isIdentifier(callback)) return { name: callback.text, edits: [] };
  const sf = context.sourceFile;
  const name = context.newName(base)!;
  const start = statement.getStart(sf);
  const indent = sf.text.slice(sf.text.lastIndexOf('\n', start - 1) + 1, start);
  return {
    name,
    edits: [
      { start, end: start, newText: `const ${name} = ${callback.getText(sf)};${newline(sf)}${indent}` },
      { start: callback.getStart(sf), end: callback.end, newText: name },
    ],
  };
}

/** `'config-changed'` ↦ `onConfigChanged`; `listener` when the event is not a literal. */
export function listenerNameFor(event: ts.Expression): string {
  const parts = ts.isStringLiteralLike(event) ? words(event.text.replace(/[^A-Za-z0-9]+/g, ' ')) : [];
  return parts.length ? `on${parts.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}` : 'listener';
}

/** Whether `scope` calls one of `methods` on the object written `targetText`. */
export function callsOn(scope: ts.Node, targetText: string, methods: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      methods.has(node.expression.name.text) &&
      node.expression.expression.getText() === targetText
    )
      found = true;
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return found;
}
