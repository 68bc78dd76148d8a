import ts from 'typescript';
import { bodyStart, diagnostic, enclosingFunction, enclosingRequestHandler, indentUnit, indentationOf, insertAfter, newline, requestEndEmitter, walk } from '../syntax';
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
  findingKinds: ['timer'],
  fixIds: ['timer-clear'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isExpressionStatement(node) || !isSetInterval(node.expression)) return;
      const fn = enclosingFunction(node);
      if (!fn) return;
      const fixes = fixesFor(context, node, node.expression as ts.CallExpression);
      diagnostics.push(diagnostic(context, timerClear.id, node.expression, 'This interval is never cleared: its handle is dropped, so it runs, and keeps what its callback captures, until the process exits.', fixes));
    });
    return diagnostics;
  },
};

function isSetInterval(node: ts.Expression): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === 'setInterval';
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'setInterval' && ts.isIdentifier(callee.expression) && /^(globalThis|global|window|timers)$/.test(callee.expression.text);
}

function fixesFor(context: RuleContext, statement: ts.ExpressionStatement, call: ts.CallExpression): CodeFix[] {
  const sf = context.sourceFile;
  const callText = call.getText(sf);
  const unref: CodeFix = { title: 'Let the process exit while the interval runs (unref)', edits: [{ start: call.end, end: call.end, newText: '.unref()' }] };
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
    const dispose = classNode.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body && ts.isIdentifier(m.name) && DISPOSE.test(m.name.text));
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
      return [{ title: `Keep the interval and clear it in ${(dispose.name as ts.Identifier).text}()`, edits }, unref];
    }
  }
  return [unref];
}
