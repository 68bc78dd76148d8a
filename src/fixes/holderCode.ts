import ts from 'typescript';
import { functionAtPosition, isFunctionWithBody, walk } from './syntax';

/** A one-based place in the file, with the code there on one line. */
export interface CodeSite {
  line: number;
  column: number;
  text: string;
}

export interface HolderCode {
  /** The name the code uses for the holder (the first of the candidate names the code inserts into). */
  name: string;
  /** Statements that add to the holder, in the function given first, else anywhere in the file. */
  insertions: CodeSite[];
  /** Where the holder is declared: `const cache = new Map()`, a class field, `this.cache = …`. */
  declaration?: CodeSite;
}

/**
 * Calls that add to a collection, a listener list or a subscription: Map/Set/Array, emitters and
 * EventTarget, observables, middleware stacks and queues. What they add is kept until someone
 * removes it, which is what a leak is made of.
 */
const INSERTING_METHODS = new Set([
  'set',
  'push',
  'unshift',
  'add',
  'append',
  'enqueue',
  'register',
  'on',
  'once',
  'addListener',
  'prependListener',
  'prependOnceListener',
  'addEventListener',
  'subscribe',
  'use',
]);
const MAX_INSERTIONS = 3;

/**
 * Where in a file the code adds to a holder the heap showed growing. `names` are the holder's
 * names on its retainer path, nearest the grown objects first (`settings-changed`, `_events`,
 * `settingsBus`): the first one the code inserts into is the holder as the code names it.
 * `near` (one-based) is the function the heap pointed at (the closure whose context holds the
 * collection, or the function that allocated its objects): insertions there come first.
 */
export function findHolderCode(
  fileName: string,
  text: string,
  names: readonly string[],
  near?: { line: number; column: number },
): HolderCode | undefined {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const scope = near ? functionAtPosition(sf, near.line, near.column) : undefined;
  for (const name of names) {
    if (!isIdentifierName(name)) continue;
    const all = insertionsInto(sf, name);
    if (all.length === 0) continue;
    const inScope = scope ? all.filter((n) => n.getStart(sf) >= scope.getStart(sf) && n.end <= scope.end) : [];
    const chosen = (inScope.length > 0 ? inScope : all).slice(0, MAX_INSERTIONS);
    const declaration = declarationOf(sf, name);
    return { name, insertions: chosen.map((n) => siteOf(sf, n)), ...(declaration ? { declaration: siteOf(sf, declaration) } : {}) };
  }
  return undefined;
}

export function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.[cm]?tsx?$/i.test(fileName)) return /x$/i.test(fileName) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return /x$/i.test(fileName) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

function isIdentifierName(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name);
}

/** The name an expression ends in: `cache`, `this.cache`, `app.locals.cache`, `obj['cache']` all end in `cache`. */
export function terminalName(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) return terminalName(node.expression);
  return undefined;
}

/** `name.set(…)`, `name.push(…)`, `name.on(…)` …, and `name[key] = …`: the statements that grow `name`. */
function insertionsInto(sf: ts.SourceFile, name: string): ts.Node[] {
  const found: ts.Node[] = [];
  walk(sf, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && INSERTING_METHODS.has(node.expression.name.text)) {
      if (terminalName(node.expression.expression) === name) found.push(node);
    } else if (ts.isBinaryExpression(node) && isAssignmentKind(node.operatorToken.kind) && ts.isElementAccessExpression(node.left)) {
      if (terminalName(node.left.expression) === name && !ts.isStringLiteralLike(node.left.argumentExpression)) found.push(node);
    }
  });
  return found;
}

function isAssignmentKind(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.QuestionQuestionEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken
  );
}

/** The outermost declaration of `name`: a module's variable before a function's, a class field, `this.name = …`. */
function declarationOf(sf: ts.SourceFile, name: string): ts.Node | undefined {
  let best: { node: ts.Node; depth: number } | undefined;
  walk(sf, (node) => {
    let declared: ts.Node | undefined;
    if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && ts.isIdentifier(node.name) && node.name.text === name)
      declared = node;
    else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      node.left.name.text === name
    )
      declared = node;
    if (!declared) return;
    let depth = 0;
    for (let n = declared.parent; n; n = n.parent) if (isFunctionWithBody(n)) depth++;
    if (!best || depth < best.depth) best = { node: declared, depth };
  });
  return best && statementOf(best.node);
}

function statementOf(node: ts.Node): ts.Node {
  for (let n: ts.Node = node; n.parent; n = n.parent) {
    if (ts.isStatement(n) || ts.isClassElement(n)) return n;
  }
  return node;
}

export function siteOf(sf: ts.SourceFile, node: ts.Node): CodeSite {
  const start = node.getStart(sf);
  const { line, character } = sf.getLineAndCharacterOfPosition(start);
  const lineEnd = sf.getLineEndOfPosition(start);
  let text = sf.text.slice(start, Math.min(lineEnd, node.end)).trim();
  if (node.end > lineEnd) text += ' …';
  return { line: line + 1, column: character + 1, text: text.length > 120 ? `${text.slice(0, 119)}…` : text };
}
