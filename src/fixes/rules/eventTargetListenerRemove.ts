import ts from 'typescript';
import { callsOn, listenerNameFor, nameCallback, outlives, rootName, subjectOf } from '../listenerSite';
import { diagnostic, enclosingFunction, enclosingRequestHandler, insertAfter, requestEndEmitter, statementInBlock, walk } from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext } from '../types';

const REMOVE = new Set(['removeEventListener']);

/**
 * `target.addEventListener(type, fn)` inside a function, on an EventTarget that outlives it (an
 * AbortSignal shared by every request, a module's EventTarget, a MessagePort), never removed:
 * the target keeps every listener and what its closure captures. `{ once: true }` is no fix for a
 * signal that never aborts (the listener never runs, so it is never dropped); a `signal` option
 * or a removeEventListener on the same target in the function is, and keeps the rule quiet.
 */
export const eventTargetListenerRemove: FixRule = {
  id: 'remove-event-listener',
  title: 'EventTarget listener added per call and never removed',
  fixIds: ['remove-event-listener'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (
        !ts.isCallExpression(node) ||
        !ts.isPropertyAccessExpression(node.expression) ||
        node.expression.name.text !== 'addEventListener' ||
        node.arguments.length < 2
      )
        return;
      const fn = enclosingFunction(node);
      if (!fn) return;
      const target = node.expression.expression;
      const root = rootName(target);
      if (!root || !outlives(context, root, fn)) return;
      const targetText = target.getText(context.sourceFile);
      if (hasSignalOption(node.arguments[2]) || callsOn(fn, targetText, REMOVE)) return;
      const fixes = fixesFor(context, node);
      const message =
        `A ${node.arguments[0].getText(context.sourceFile)} listener is added to ${targetText}, which outlives the call, and never removed; each one keeps its closure, and what it captures, alive.` +
        (fixes.length > 0
          ? ''
          : ' No automatic fix is known here (the function is not a request handler, so there is no end of its work to remove it at): call removeEventListener where the work ends, or pass { signal } of an AbortController you abort then.');
      diagnostics.push(diagnostic(context, eventTargetListenerRemove.id, node, message, fixes, subjectOf(target)));
    });
    return diagnostics;
  },
};

/** `{ signal }` or `{ signal: controller.signal }`: aborting that signal removes the listener. */
function hasSignalOption(options: ts.Expression | undefined): boolean {
  return (
    options !== undefined &&
    ts.isObjectLiteralExpression(options) &&
    options.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'signal')
  );
}

/**
 * Removes the listener when the request ends. The removal must name the same function and the
 * same capture flag: the options are repeated when they are a plain literal, else the fix is not offered.
 */
function fixesFor(context: RuleContext, call: ts.CallExpression): CodeFix[] {
  const sf = context.sourceFile;
  const handler = enclosingRequestHandler(call);
  const owner = handler && requestEndEmitter(handler);
  const statement = statementInBlock(call);
  if (!owner || !statement || !ts.isExpressionStatement(statement) || statement.expression !== call) return [];
  const [event, listener, options] = call.arguments;
  const capture = captureArgument(sf, options);
  if (capture === undefined) return [];
  const target = (call.expression as ts.PropertyAccessExpression).expression.getText(sf);
  const { name, edits } = nameCallback(context, statement, listener, listenerNameFor(event));
  edits.push(
    insertAfter(sf, statement, `${owner}.once('close', () => ${target}.removeEventListener(${event.getText(sf)}, ${name}${capture}));`),
  );
  return [{ title: `Remove the listener when the request ends (${owner} 'close')`, edits }];
}

/** What removeEventListener needs of the options: nothing, `, true` or `, { capture: … }`; undefined when it cannot tell. */
function captureArgument(sf: ts.SourceFile, options: ts.Expression | undefined): string | undefined {
  if (!options) return '';
  if (options.kind === ts.SyntaxKind.TrueKeyword || options.kind === ts.SyntaxKind.FalseKeyword) return `, ${options.getText(sf)}`;
  if (!ts.isObjectLiteralExpression(options)) return undefined;
  const capture = options.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'capture');
  if (!capture) return options.properties.every((p) => ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) ? '' : undefined;
  return ts.isPropertyAssignment(capture) &&
    (capture.initializer.kind === ts.SyntaxKind.TrueKeyword || capture.initializer.kind === ts.SyntaxKind.FalseKeyword)
    ? `, { capture: ${capture.initializer.getText(sf)} }`
    : undefined;
}
