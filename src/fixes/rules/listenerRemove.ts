import ts from 'typescript';
import { callsOn, listenerNameFor, nameCallback, outlives, rootName, subjectOf } from '../listenerSite';
import { diagnostic, enclosingRequestHandler, insertAfter, requestEndEmitter, statementInBlock, walk } from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext } from '../types';

const ADD = new Set(['on', 'addListener', 'prependListener']);
const REMOVE = new Set(['off', 'removeListener', 'removeAllListeners']);

/**
 * A listener added on every request to an emitter that outlives the request (module-scoped, a
 * member, `process`) and never removed: each one keeps its closure, and with it the request.
 */
export const listenerRemove: FixRule = {
  id: 'listener-remove',
  title: 'Listener added per request on a long-lived emitter',
  fixIds: ['listener-remove'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (
        !ts.isCallExpression(node) ||
        !ts.isPropertyAccessExpression(node.expression) ||
        !ADD.has(node.expression.name.text) ||
        node.arguments.length < 2
      )
        return;
      const handler = enclosingRequestHandler(node);
      if (!handler) return;
      const emitter = node.expression.expression;
      const root = rootName(emitter);
      if (!root || !outlives(context, root, handler)) return;
      const emitterText = emitter.getText(context.sourceFile);
      if (callsOn(handler, emitterText, REMOVE)) return;
      const event = node.arguments[0];
      const eventText = event.getText(context.sourceFile);
      diagnostics.push(
        diagnostic(
          context,
          listenerRemove.id,
          node,
          `A ${eventText} listener is added to ${emitterText} on every request and never removed; each one keeps its closure, and what it captures, alive.`,
          fixesFor(context, node, handler),
          subjectOf(emitter),
        ),
      );
    });
    return diagnostics;
  },
};

function fixesFor(context: RuleContext, call: ts.CallExpression, handler: Parameters<typeof requestEndEmitter>[0]): CodeFix[] {
  const sf = context.sourceFile;
  const access = call.expression as ts.PropertyAccessExpression;
  const method = access.name.text;
  const once: CodeFix = {
    title: `Listen once (${method === 'prependListener' ? 'prependOnceListener' : 'once'})`,
    edits: [
      { start: access.name.getStart(sf), end: access.name.end, newText: method === 'prependListener' ? 'prependOnceListener' : 'once' },
    ],
  };
  const owner = requestEndEmitter(handler);
  const statement = statementInBlock(call);
  if (!owner || !statement || !ts.isExpressionStatement(statement) || statement.expression !== call) return [once];
  const emitterText = access.expression.getText(sf);
  const [event, listener] = call.arguments;
  const { name: listenerName, edits } = nameCallback(context, statement, listener, listenerNameFor(event));
  edits.push(insertAfter(sf, statement, `${owner}.once('close', () => ${emitterText}.off(${event.getText(sf)}, ${listenerName}));`));
  return [{ title: `Remove the listener when the request ends (${owner} 'close')`, edits }, once];
}
