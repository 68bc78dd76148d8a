import ts from 'typescript';
import {
  declarationName,
  declarationOf,
  diagnostic,
  enclosingFunction,
  indentationOf,
  indentUnit,
  initializerOf,
  insertAfter,
  isLongLived,
  lineOf,
  isMember,
  onlyInConstructor,
  methodCall,
  newline,
  sizeConstantFor,
  statementInBlock,
  topLevelStatement,
  upperSnake,
  usageOf,
  walk,
} from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

const GROW = new Set(['push', 'unshift']);
/** Anything that takes elements out or replaces the array counts as trimming. */
const TRIM_METHODS = new Set(['splice', 'shift', 'pop']);
const SIZE_NAME = /max|limit|window|size|capacity|keep|length|count|history|recent/i;
/** A window or history shows recent entries: a hundred, unless the code says otherwise. */
const DEFAULT_SIZE = 100;

/**
 * An array that lives as long as the module or its object and is only ever pushed to: a window or
 * history that was meant to be bounded. The fix trims it right after each insert, to a size the
 * code already names when it has one.
 */
export const boundArray: FixRule = {
  id: 'bound-array',
  title: 'Unbounded array used as a window or history',
  // Records that keep whole errors are usually also a history nobody trims.
  fixIds: ['bound-array', 'keep-needed-fields', 'release-references'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    const seen = new Set<ts.Symbol>();
    walk(context.sourceFile, (node) => {
      const call = methodCall(node, GROW);
      // Filled while the module loads, once: not a window that grows while the program runs.
      if (!call || !enclosingFunction(call)) return;
      const symbol = receiverSymbol(context, call.expression.expression);
      if (!symbol || seen.has(symbol)) return;
      const declaration = declarationOf(symbol);
      if (!isLongLived(declaration) || !isArrayCreation(initializerOf(declaration))) return;
      const references = context.references(symbol);
      const name = declarationName(declaration!) ?? call.expression.expression.getText();
      const trim = references.find((r) => trims(r));
      if (trim && !context.observedGrowing(name)) return;
      seen.add(symbol);
      const inserts = references
        .map((r) => usageOf(r))
        .filter((u) => u.method && GROW.has(u.method))
        .map((u) => u.node.parent.parent as ts.CallExpression);
      const member = isMember(declaration!);
      if (member && onlyInConstructor(inserts)) return;
      const lifetime = member ? 'as long as its object lives' : 'as long as the process runs';
      const message = trim
        ? `${name} is added to with ${call.expression.name.text}() and a leak check saw it grow every cycle: what trims it (line ${lineOf(context, trim)}) does not keep up, so it grows for ${lifetime}.`
        : `${name} is added to with ${call.expression.name.text}() and never trimmed, so it grows for ${lifetime}.`;
      diagnostics.push(
        diagnostic(context, boundArray.id, call, message, fixesFor(context, name, declaration!, inserts), name, member ? 'medium' : 'high'),
      );
    });
    return diagnostics;
  },
};

function receiverSymbol(context: RuleContext, receiver: ts.Expression): ts.Symbol | undefined {
  if (ts.isIdentifier(receiver)) return context.checker.getSymbolAtLocation(receiver);
  if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword)
    return context.checker.getSymbolAtLocation(receiver.name);
  return undefined;
}

function isArrayCreation(init: ts.Expression | undefined): boolean {
  if (!init) return false;
  while (ts.isAsExpression(init) || ts.isParenthesizedExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
  if (ts.isArrayLiteralExpression(init)) return true;
  return ts.isNewExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'Array';
}

function trims(reference: ts.Identifier): boolean {
  const use = usageOf(reference);
  if (use.assigned && !isDeclarationSite(reference)) return true;
  if (use.method && TRIM_METHODS.has(use.method)) return true;
  return use.property === 'length=';
}

/** `this.x = []` in a constructor is the declaration, not a reset. */
function isDeclarationSite(reference: ts.Identifier): boolean {
  const access = reference.parent;
  return (
    ts.isPropertyAccessExpression(access) &&
    ts.isBinaryExpression(access.parent) &&
    enclosingFunction(access)?.kind === ts.SyntaxKind.Constructor
  );
}

function fixesFor(context: RuleContext, name: string, declaration: ts.Declaration, inserts: ts.CallExpression[]): CodeFix[] {
  const sf = context.sourceFile;
  const edits: TextEdit[] = [];
  const site = inserts[0];
  let size = sizeConstantFor(sf, site, name, SIZE_NAME);
  if (!size) {
    // No size named in the code: name one next to the array, so it is easy to find and change.
    size = context.newName(`MAX_${upperSnake(name)}`, true);
    if (!size) return [];
    const anchor = topLevelStatement(declaration);
    if (!anchor) return [];
    edits.push({
      start: anchor.getStart(sf),
      end: anchor.getStart(sf),
      newText: `const ${size} = ${DEFAULT_SIZE};${newline(sf)}${indentationOf(sf, anchor)}`,
    });
  }
  for (const call of inserts) {
    const receiver = (call.expression as ts.PropertyAccessExpression).expression.getText(sf);
    const method = (call.expression as ts.PropertyAccessExpression).name.text;
    const trim =
      method === 'unshift'
        ? `if (${receiver}.length > ${size}) ${receiver}.length = ${size};`
        : `if (${receiver}.length > ${size}) ${receiver}.splice(0, ${receiver}.length - ${size});`;
    const statement = call.parent;
    if (!ts.isExpressionStatement(statement)) return [];
    if (statementInBlock(call) === statement) {
      edits.push(insertAfter(sf, statement, trim));
    } else if (ts.isIfStatement(statement.parent) || ts.isIterationStatement(statement.parent, false)) {
      // `if (failed) list.push(x);`: the trim belongs under the same condition, so the two become a block.
      const nl = newline(sf);
      const outer = indentationOf(sf, statement.parent);
      const inner = outer + indentUnit(sf);
      // Two insertions around it, so other fixes can still edit the statement itself.
      edits.push({ start: statement.getStart(sf), end: statement.getStart(sf), newText: `{${nl}${inner}` });
      edits.push({ start: statement.end, end: statement.end, newText: `${nl}${inner}${trim}${nl}${outer}}` });
    } else {
      return [];
    }
  }
  return [{ title: `Keep the last ${size} entries of ${name}`, edits }];
}
