import ts from 'typescript';
import { contains, declarationOf, diagnostic, enclosingRequestHandler, insertAfter, requestEndEmitter, statementInBlock, walk, words } from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

const ADD = new Set(['on', 'addListener', 'prependListener']);
const REMOVE = new Set(['off', 'removeListener', 'removeAllListeners']);

/**
 * A listener added on every request to an emitter that outlives the request (module-scoped, a
 * member, `process`) and never removed: each one keeps its closure, and with it the request.
 */
export const listenerRemove: FixRule = {
  id: 'listener-remove',
  title: 'Listener added per request on a long-lived emitter',
  findingKinds: ['listener'],
  fixIds: ['listener-remove'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !ADD.has(node.expression.name.text) || node.arguments.length < 2) return;
      const handler = enclosingRequestHandler(node);
      if (!handler) return;
      const emitter = node.expression.expression;
      const root = rootName(emitter);
      if (!root || !outlives(context, root, handler)) return;
      const emitterText = emitter.getText(context.sourceFile);
      if (removesListeners(handler, emitterText)) return;
      const event = node.arguments[0];
      const eventText = event.getText(context.sourceFile);
      diagnostics.push(
        diagnostic(context, listenerRemove.id, node, `A ${eventText} listener is added to ${emitterText} on every request and never removed; each one keeps its closure, and what it captures, alive.`, fixesFor(context, node, handler), subjectOf(emitter)),
      );
    });
    return diagnostics;
  },
};

/** `configBus` in `configBus.on`, `app` in `app.locals.bus.on`, `this` in `this.bus.on`. */
function rootName(expression: ts.Expression): ts.Identifier | ts.ThisExpression | undefined {
  while (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) expression = expression.expression;
  return ts.isIdentifier(expression) || expression.kind === ts.SyntaxKind.ThisKeyword ? (expression as ts.Identifier | ts.ThisExpression) : undefined;
}

function subjectOf(emitter: ts.Expression): string | undefined {
  if (ts.isIdentifier(emitter)) return emitter.text;
  if (ts.isPropertyAccessExpression(emitter)) return emitter.name.text;
  return undefined;
}

function outlives(context: RuleContext, root: ts.Identifier | ts.ThisExpression, handler: ts.Node): boolean {
  if (root.kind === ts.SyntaxKind.ThisKeyword) return true;
  const declaration = declarationOf(context.checker.getSymbolAtLocation(root));
  if (!declaration) return root.text === 'process';
  return !contains(handler, declaration);
}

function removesListeners(handler: ts.Node, emitterText: string): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && REMOVE.has(node.expression.name.text) && node.expression.expression.getText() === emitterText) found = true;
    ts.forEachChild(node, visit);
  };
  visit(handler);
  return found;
}

function fixesFor(context: RuleContext, call: ts.CallExpression, handler: Parameters<typeof requestEndEmitter>[0]): CodeFix[] {
  const sf = context.sourceFile;
  const access = call.expression as ts.PropertyAccessExpression;
  const method = access.name.text;
  const once: CodeFix = { title: `Listen once (${method === 'prependListener' ? 'prependOnceListener' : 'once'})`, edits: [{ start: access.name.getStart(sf), end: access.name.end, newText: method === 'prependListener' ? 'prependOnceListener' : 'once' }] };
  const owner = requestEndEmitter(handler);
  const statement = statementInBlock(call);
  if (!owner || !statement || !ts.isExpressionStatement(statement) || statement.expression !== call) return [once];
  const emitterText = access.expression.getText(sf);
  const [event, listener] = call.arguments;
  const edits: TextEdit[] = [];
  let listenerName: string;
  if (ts.isIdentifier(listener)) {
    listenerName = listener.text;
  } else {
    listenerName = context.newName(listenerNameFor(event))!;
    const start = statement.getStart(sf);
    edits.push({ start, end: start, newText: `const ${listenerName} = ${listener.getText(sf)};${sf.text.includes('\r\n') ? '\r\n' : '\n'}${sf.text.slice(sf.text.lastIndexOf('\n', start - 1) + 1, start)}` });
    edits.push({ start: listener.getStart(sf), end: listener.end, newText: listenerName });
  }
  edits.push(insertAfter(sf, statement, `${owner}.once('close', () => ${emitterText}.off(${event.getText(sf)}, ${listenerName}));`));
  return [{ title: `Remove the listener when the request ends (${owner} 'close')`, edits }, once];
}

/** `'config-changed'` ↦ `onConfigChanged`. */
function listenerNameFor(event: ts.Expression): string {
  const parts = ts.isStringLiteralLike(event) ? words(event.text.replace(/[^A-Za-z0-9]+/g, ' ')) : [];
  return parts.length ? `on${parts.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}` : 'listener';
}
