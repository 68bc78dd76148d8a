import ts from 'typescript';
import { outlives } from '../listenerSite';
import { contains, diagnostic, enclosingFunction, insertAfter, insertBefore, walk, type FunctionNode } from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

/**
 * The shared-context chain: in a function, `let previous = current` keeps the old value of an outer
 * variable, an inner function reads `previous` (so V8 puts it in the context every closure of the
 * call shares), and the function then stores a new value holding a closure in `current`. That
 * closure keeps the call's context, the context keeps `previous`, whose closure keeps the context
 * before: every version stays. Setting `previous` to null when the function is done breaks each
 * link. When a closure stored in the new value reads `previous` itself, the chain is what the code
 * asks for, and no automatic fix is known.
 */
export const contextChainBreak: FixRule = {
  id: 'break-context-chain',
  title: 'A closure context that keeps the previous version of a value',
  fixIds: ['break-context-chain'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer || !ts.isIdentifier(node.initializer)) return;
      const fn = enclosingFunction(node);
      if (!fn || !outlives(context, node.initializer, fn)) return;
      const previous = node.name.text;
      const current = node.initializer.text;
      const outer = context.checker.getSymbolAtLocation(node.initializer);
      const own = context.checker.getSymbolAtLocation(node.name);
      if (!outer || !own) return;
      const stored = assignmentsIn(context, fn, outer).find((value) => containsClosure(value));
      if (!stored) return;
      const readers = context.references(own).filter((ref) => ref !== node.name && contains(fn, ref) && enclosingFunction(ref) !== fn);
      if (readers.length === 0 || releasedAtTop(fn, previous)) return;
      const byDesign = readers.some((ref) => contains(stored, ref));
      const fixes = byDesign ? [] : fixesFor(context, node, fn, previous, own);
      const name = functionLabel(fn);
      const message =
        `${previous} keeps the previous ${current}, and a function inside ${name} reads it, so it lives in the context every closure made by ${name} shares; the closure stored in ${current} keeps that context, so each ${current} keeps the one before.` +
        (fixes.length > 0
          ? ''
          : byDesign
            ? ` No automatic fix is known: the closure stored in ${current} reads ${previous} itself; keep only what it needs of the previous value (copy the fields), not the previous ${current}.`
            : ` No automatic fix is known here: set ${previous} to null where ${name} is done with it, or move the function that reads it out of ${name}.`);
      diagnostics.push(diagnostic(context, contextChainBreak.id, node, message, fixes, previous));
    });
    return diagnostics;
  },
};

/** The values the function itself (not a function inside it) assigns to the outer variable. */
function assignmentsIn(context: RuleContext, fn: FunctionNode, outer: ts.Symbol): ts.Expression[] {
  const values: ts.Expression[] = [];
  walk(fn.body, (node) => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(node.left) &&
      enclosingFunction(node) === fn &&
      context.checker.getSymbolAtLocation(node.left) === outer
    )
      values.push(node.right);
  });
  return values;
}

function containsClosure(value: ts.Node): boolean {
  let found = false;
  walk(value, (node) => {
    if (ts.isFunctionLike(node)) found = true;
  });
  return found;
}

/** `previous = null` (or undefined) as a statement of the function's own body: released on every path that reaches it. */
function releasedAtTop(fn: FunctionNode, previous: string): boolean {
  return ts.isBlock(fn.body) && fn.body.statements.some((s) => ts.isExpressionStatement(s) && isRelease(s.expression, previous));
}

function isRelease(expression: ts.Expression, previous: string): boolean {
  if (
    !ts.isBinaryExpression(expression) ||
    expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
    !ts.isIdentifier(expression.left) ||
    expression.left.text !== previous
  )
    return false;
  const right = expression.right;
  return right.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(right) && right.text === 'undefined');
}

/**
 * `previous = null` before each of the function's returns and at the end of its body. Not in
 * TypeScript (the variable's type may not allow null), and not where a return reads the variable.
 */
function fixesFor(
  context: RuleContext,
  declaration: ts.VariableDeclaration,
  fn: FunctionNode,
  previous: string,
  own: ts.Symbol,
): CodeFix[] {
  const sf = context.sourceFile;
  if (context.isTypeScript || !ts.isBlock(fn.body)) return [];
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list)) return [];
  const edits: TextEdit[] = [];
  if (list.flags & ts.NodeFlags.Const) {
    if (list.declarations.length !== 1) return [];
    const start = list.getStart(sf);
    edits.push({ start, end: start + 'const'.length, newText: 'let' });
  }
  const release = `${previous} = null;`;
  let usable = true;
  walk(fn.body, (node) => {
    if (!ts.isReturnStatement(node) || enclosingFunction(node) !== fn) return;
    if (node.expression && readsDirectly(context, node.expression, own, fn)) usable = false;
    else if (ts.isBlock(node.parent) || ts.isCaseOrDefaultClause(node.parent)) edits.push(insertBefore(sf, node, release));
    // `if (done) return;`: braces keep the release under the same condition.
    else edits.push({ start: node.getStart(sf), end: node.end, newText: `{ ${release} ${node.getText(sf)} }` });
  });
  if (!usable) return [];
  const statements = fn.body.statements;
  const last = statements[statements.length - 1];
  if (last && !ts.isReturnStatement(last) && !ts.isThrowStatement(last)) edits.push(insertAfter(sf, last, release));
  return [{ title: `Set ${previous} to null when ${functionLabel(fn)} is done with it`, edits }];
}

function readsDirectly(context: RuleContext, expression: ts.Expression, own: ts.Symbol, fn: FunctionNode): boolean {
  let found = false;
  walk(expression, (node) => {
    if (ts.isIdentifier(node) && enclosingFunction(node) === fn && context.checker.getSymbolAtLocation(node) === own) found = true;
  });
  return found;
}

function functionLabel(fn: FunctionNode): string {
  if (fn.name && ts.isIdentifier(fn.name)) return `${fn.name.text}()`;
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return `${parent.name.text}()`;
  return 'the function';
}
