import ts from 'typescript';
import {
  bodyStart,
  diagnostic,
  enclosingFunction,
  enclosingRequestHandler,
  indentUnit,
  indentationOf,
  insertAfter,
  newline,
  requestEndEmitter,
  walk,
} from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext } from '../types';

const DISPOSE = /^(close|dispose|destroy|stop|end|shutdown|teardown|disconnect)$/;

/**
 * A `setInterval` inside a function whose handle is thrown away: nothing can ever stop it, and
 * it keeps its callback and everything the callback captures. At module scope one interval is
 * deliberate (a keep-alive, a periodic flush) and is left alone.
 */
export const timerClear: FixRule = {
  id: 'timer-clear',
  title: 'setInterval whose handle is dropped',
  fixIds: ['timer-clear'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isExpressionStatement(node) || !isSetInterval(node.expression)) return;
      const fn = enclosingFunction(node);
      if (!fn) return;
      const fixes = fixesFor(context, node, node.expression as ts.CallExpression);
      const message =
        'This interval is never cleared: its handle is dropped, so it runs, and keeps what its callback captures, until the process exits.' +
        (fixes.length > 0
          ? ''
          : ' No automatic fix is known here (unref() would not stop it): keep its handle and clearInterval it where the work it watches ends, or run one shared poller for all of them.');
      diagnostics.push(diagnostic(context, timerClear.id, node.expression, message, fixes));
    });
    return diagnostics;
  },
};

function isSetInterval(node: ts.Expression): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === 'setInterval';
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'setInterval' &&
    ts.isIdentifier(callee.expression) &&
    /^(globalThis|global|window|timers)$/.test(callee.expression.text)
  );
}

function fixesFor(context: RuleContext, statement: ts.ExpressionStatement, call: ts.CallExpression): CodeFix[] {
  const sf = context.sourceFile;
  const callText = call.getText(sf);
  const handler = enclosingRequestHandler(statement);
  const owner = handler && requestEndEmitter(handler);
  if (handler && owner) {
    const handle = context.newName('interval')!;
    return [
      {
        title: `Clear the interval when the request ends (${owner} 'close')`,
        edits: [
          { start: statement.getStart(sf), end: statement.end, newText: `const ${handle} = ${callText};` },
          insertAfter(sf, statement, `${owner}.once('close', () => clearInterval(${handle}));`),
        ],
      },
    ];
  }
  const method = enclosingFunction(statement);
  const classNode = method?.parent;
  if (method && classNode && ts.isClassLike(classNode) && (ts.isMethodDeclaration(method) || ts.isConstructorDeclaration(method))) {
    const dispose = classNode.members.find(
      (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body && ts.isIdentifier(m.name) && DISPOSE.test(m.name.text),
    );
    if (dispose?.body) {
      const field = context.newName('interval')!;
      const nl = newline(sf);
      const edits = [
        { start: statement.getStart(sf), end: statement.end, newText: `this.${field} = ${callText};` },
        bodyStart(sf, dispose.body, `clearInterval(this.${field});`),
      ];
      // TypeScript needs the field declared; JavaScript binds it from the assignment.
      if (context.isTypeScript) {
        const first = classNode.members[0];
        const indent = first ? indentationOf(sf, first) : indentationOf(sf, classNode) + indentUnit(sf);
        const at = first ? first.getStart(sf) : classNode.members.pos;
        edits.push({ start: at, end: at, newText: `private ${field}?: ReturnType<typeof setInterval>;${nl}${indent}` });
      }
      return [{ title: `Keep the interval and clear it in ${(dispose.name as ts.Identifier).text}()`, edits }];
    }
  }
  // unref() lets the process exit but the timer still runs and keeps its closure: not a fix.
  const returned = method && returnToCallers(context, statement, callText, method);
  return returned ? [returned] : [];
}

/**
 * An interval started by a plain function (`watchJob(job)`) called from request handlers: the
 * function returns the handle, and each caller clears it when its request ends. Only when every
 * call is such a statement, so no caller is left with a timer nobody stops.
 */
function returnToCallers(
  context: RuleContext,
  statement: ts.ExpressionStatement,
  callText: string,
  fn: ts.FunctionLikeDeclaration,
): CodeFix | undefined {
  const sf = context.sourceFile;
  const name = functionName(fn);
  if (!name || !fn.body || !ts.isBlock(fn.body) || returnsValue(fn)) return undefined;
  const calls: Array<{ statement: ts.ExpressionStatement; owner: string }> = [];
  let other = false;
  walk(sf, (node) => {
    if (
      !ts.isIdentifier(node) ||
      node.text !== name ||
      node.parent === fn ||
      (ts.isVariableDeclaration(node.parent) && node.parent.name === node)
    )
      return;
    const call = node.parent;
    const stmt = call?.parent;
    const handler = stmt && enclosingRequestHandler(stmt);
    const owner = handler && requestEndEmitter(handler);
    if (ts.isCallExpression(call) && call.expression === node && ts.isExpressionStatement(stmt) && owner)
      calls.push({ statement: stmt, owner });
    else other = true;
  });
  if (other || calls.length === 0) return undefined;
  const edits = [{ start: statement.getStart(sf), end: statement.end, newText: `return ${callText};` }];
  for (const c of calls) {
    const handle = context.newName('poller')!;
    edits.push({ start: c.statement.getStart(sf), end: c.statement.end, newText: `const ${handle} = ${c.statement.getText(sf)}` });
    edits.push(insertAfter(sf, c.statement, `${c.owner}.once('close', () => clearInterval(${handle}));`));
  }
  return { title: `Return the interval from ${name}() and clear it when each caller's request ends`, edits };
}

function functionName(fn: ts.FunctionLikeDeclaration): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return ts.isFunctionDeclaration(fn) ? fn.name.text : undefined;
  const parent = fn.parent;
  return ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === fn ? parent.name.text : undefined;
}

/** Whether the function already returns something of its own (a nested function's returns are its own). */
function returnsValue(fn: ts.FunctionLikeDeclaration): boolean {
  let found = false;
  walk(fn.body!, (node) => {
    if (ts.isReturnStatement(node) && node.expression && enclosingFunction(node) === fn) found = true;
  });
  return found;
}
