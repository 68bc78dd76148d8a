import ts from 'typescript';
import { outlives, rootName, subjectOf } from '../listenerSite';
import {
  contains,
  declarationOf,
  diagnostic,
  enclosingFunction,
  enclosingRequestHandler,
  insertAfter,
  requestEndEmitter,
  statementInBlock,
  walk,
} from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext } from '../types';

/** rxjs operators after which a subscription completes by itself, and is dropped by its source. */
const COMPLETING = new Set(['take', 'first', 'takeUntil', 'takeWhile', 'single', 'find', 'findIndex', 'elementAt', 'timeout']);

/**
 * `source$.subscribe(…)` inside a function, on an observable that outlives it (a module's Subject,
 * a service's BehaviorSubject), with the Subscription dropped: the source keeps every subscriber,
 * and what its callbacks capture, until it completes, and nothing can unsubscribe. A pipe that
 * completes (`take(1)`, `first()`, `takeUntil(…)`) is not this, whatever branch chose it.
 */
export const observableUnsubscribe: FixRule = {
  id: 'unsubscribe',
  title: 'Subscription to a long-lived observable dropped without unsubscribing',
  fixIds: ['unsubscribe'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isExpressionStatement(node)) return;
      const call = node.expression;
      if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== 'subscribe')
        return;
      const fn = enclosingFunction(node);
      if (!fn) return;
      const source = longLivedSource(context, call.expression.expression, fn, 0);
      if (!source) return;
      const sf = context.sourceFile;
      const fixes = fixesFor(context, node);
      const message =
        `Each call subscribes to ${source.getText(sf)}, which outlives it, and drops the Subscription: the source keeps every subscriber, and what its callbacks capture, until it completes.` +
        (fixes.length > 0
          ? ''
          : ' No automatic fix is known here (the function is not a request handler, so there is no end of its work to unsubscribe at): keep the Subscription and unsubscribe() where the work ends, or pipe(take(1)) when one value is all it needs.');
      diagnostics.push(diagnostic(context, observableUnsubscribe.id, call, message, fixes, subjectOf(source)));
    });
    return diagnostics;
  },
};

/**
 * The long-lived observable an expression subscribes to, unless every way to it completes:
 * `prices$`, `this.state$`, `feed.updates$.pipe(map(…))`, or a local that one of those
 * initialised (`const source = healthy ? prices$.pipe(take(1)) : prices$`).
 */
function longLivedSource(context: RuleContext, expression: ts.Expression, fn: ts.Node, depth: number): ts.Expression | undefined {
  if (depth > 4) return undefined;
  if (ts.isParenthesizedExpression(expression)) return longLivedSource(context, expression.expression, fn, depth + 1);
  if (ts.isConditionalExpression(expression))
    return longLivedSource(context, expression.whenTrue, fn, depth + 1) ?? longLivedSource(context, expression.whenFalse, fn, depth + 1);
  if (
    ts.isCallExpression(expression) &&
    ts.isPropertyAccessExpression(expression.expression) &&
    expression.expression.name.text === 'pipe'
  ) {
    if (expression.arguments.some(isCompleting)) return undefined;
    return longLivedSource(context, expression.expression.expression, fn, depth + 1);
  }
  if (!ts.isIdentifier(expression) && !ts.isPropertyAccessExpression(expression)) return undefined;
  const root = rootName(expression);
  if (!root) return undefined;
  if (outlives(context, root, fn)) return expression;
  // A local alias: what it was set to, when it is set once.
  if (!ts.isIdentifier(expression)) return undefined;
  const declaration = declarationOf(context.checker.getSymbolAtLocation(expression));
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !contains(fn, declaration)) return undefined;
  if (!(declaration.parent.flags & ts.NodeFlags.Const)) return undefined;
  return longLivedSource(context, declaration.initializer, fn, depth + 1);
}

function isCompleting(operator: ts.Expression): boolean {
  if (!ts.isCallExpression(operator)) return false;
  const callee = operator.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return COMPLETING.has(name);
}

/** Keeps the Subscription and unsubscribes when the request ends. */
function fixesFor(context: RuleContext, statement: ts.ExpressionStatement): CodeFix[] {
  const sf = context.sourceFile;
  const handler = enclosingRequestHandler(statement);
  const owner = handler && requestEndEmitter(handler);
  if (!owner || statementInBlock(statement) !== statement) return [];
  const name = context.newName('subscription')!;
  return [
    {
      title: `Unsubscribe when the request ends (${owner} 'close')`,
      edits: [
        { start: statement.getStart(sf), end: statement.getStart(sf), newText: `const ${name} = ` },
        insertAfter(sf, statement, `${owner}.once('close', () => ${name}.unsubscribe());`),
      ],
    },
  ];
}
