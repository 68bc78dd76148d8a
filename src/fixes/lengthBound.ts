import ts from 'typescript';
import { scriptKindOf, siteOf, terminalName, type CodeSite } from './holderCode';
import { walk } from './syntax';

const INSERTING = new Set(['push', 'unshift']);
const TRIMMING = new Set(['shift', 'pop', 'splice']);

/**
 * Whether the insert into array `name` at `line`:`column` (one-based) is followed or preceded, in
 * the same block, by a trim to a length: `if (name.length > N) name.shift()`, `while
 * (name.length >= N) name.splice(0, 1)`, `name.length = N` under such a test. Such an array never
 * holds more than about N entries, whatever a short check saw it gain. The trim, with N when
 * the code names it (a number, or a constant that is one).
 */
export function lengthBoundAt(
  fileName: string,
  text: string,
  line: number,
  column: number,
  name: string,
): (CodeSite & { limit?: number }) | undefined {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  let offset: number;
  try {
    offset = sf.getPositionOfLineAndCharacter(line - 1, column - 1);
  } catch {
    return undefined;
  }
  let insert: ts.CallExpression | undefined;
  walk(sf, (node) => {
    if (
      !insert &&
      ts.isCallExpression(node) &&
      node.getStart(sf) === offset &&
      ts.isPropertyAccessExpression(node.expression) &&
      INSERTING.has(node.expression.name.text) &&
      terminalName(node.expression.expression) === name
    )
      insert = node;
  });
  let statement: ts.Node | undefined = insert;
  while (statement && !ts.isExpressionStatement(statement)) statement = statement.parent;
  const block = statement?.parent;
  if (!block || !(ts.isBlock(block) || ts.isSourceFile(block) || ts.isCaseClause(block))) return undefined;
  for (const sibling of block.statements) {
    if (!ts.isIfStatement(sibling) && !ts.isWhileStatement(sibling)) continue;
    const limit = lengthTest(sibling.expression, name);
    if (limit === undefined) continue;
    const body = ts.isIfStatement(sibling) ? sibling.thenStatement : sibling.statement;
    if (!trims(body, name)) continue;
    const value = limit === null ? undefined : numericValue(sf, limit);
    return { ...siteOf(sf, sibling), ...(value !== undefined ? { limit: value } : {}) };
  }
  return undefined;
}

/** `name.length > X`, `name.length >= X`, `X < name.length`: X, or null when X is not an expression we can read; undefined for any other test. */
function lengthTest(test: ts.Expression, name: string): ts.Expression | null | undefined {
  if (!ts.isBinaryExpression(test)) return undefined;
  const isLength = (e: ts.Expression) =>
    ts.isPropertyAccessExpression(e) && e.name.text === 'length' && terminalName(e.expression) === name;
  const op = test.operatorToken.kind;
  if (isLength(test.left) && (op === ts.SyntaxKind.GreaterThanToken || op === ts.SyntaxKind.GreaterThanEqualsToken)) return test.right;
  if (isLength(test.right) && (op === ts.SyntaxKind.LessThanToken || op === ts.SyntaxKind.LessThanEqualsToken)) return test.left;
  return undefined;
}

function trims(body: ts.Node, name: string): boolean {
  let found = false;
  walk(body, (node) => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && TRIMMING.has(node.expression.name.text))
      found = terminalName(node.expression.expression) === name;
    else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.name.text === 'length'
    )
      found = terminalName(node.left.expression) === name;
  });
  return found;
}

/** A number literal, or a `const` of the file initialised with one. */
function numericValue(sf: ts.SourceFile, e: ts.Expression): number | undefined {
  if (ts.isNumericLiteral(e)) return Number(e.text.replace(/_/g, ''));
  const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
  if (!name) return undefined;
  let value: number | undefined;
  walk(sf, (node) => {
    if (
      value === undefined &&
      (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) &&
      ts.isIdentifier(node.name) &&
      node.name.text === name &&
      node.initializer &&
      ts.isNumericLiteral(node.initializer)
    )
      value = Number(node.initializer.text.replace(/_/g, ''));
  });
  return value;
}
