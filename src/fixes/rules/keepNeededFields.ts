import ts from 'typescript';
import { declarationName, declarationOf, diagnostic, isLongLived, methodCall, symbolOf, walk } from '../syntax';
import type { FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

const STORE = new Set(['push', 'unshift', 'set', 'add']);
const MESSAGE_LENGTH = 200;

type Whole = 'error' | 'request' | 'response';

/**
 * Records kept in a long-lived collection that hold a whole Error (its stack, its cause chain),
 * a whole request (its socket, headers, parser) or a whole response. The fix keeps what a history
 * or dashboard reads: the error's type and a message cut to a length, the method and URL, the status.
 */
export const keepNeededFields: FixRule = {
  id: 'keep-needed-fields',
  title: 'Records that keep whole errors, requests or responses',
  fixIds: ['keep-needed-fields'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      const call = methodCall(node, STORE);
      if (!call) return;
      const holder = call.expression.expression;
      const symbol = symbolOf(context, holder);
      const declaration = declarationOf(symbol);
      if (!isLongLived(declaration)) return;
      const name = declarationName(declaration!) ?? holder.getText();
      const value = call.expression.name.text === 'set' ? call.arguments[1] : call.arguments[0];
      if (!value) return;
      const edits: TextEdit[] = [];
      const kept: string[] = [];
      if (ts.isObjectLiteralExpression(value)) {
        for (const property of value.properties) {
          const valueNode = ts.isShorthandPropertyAssignment(property)
            ? property.name
            : ts.isPropertyAssignment(property)
              ? property.initializer
              : undefined;
          if (!valueNode || !ts.isIdentifier(valueNode)) continue;
          const whole = wholeObjectKind(context, valueNode);
          if (!whole) continue;
          kept.push(`${whole}s (.${property.name!.getText()})`);
          const summary = summaryOf(whole, valueNode.text, initializerText(context, valueNode));
          if (ts.isShorthandPropertyAssignment(property))
            edits.push({ start: property.getStart(), end: property.end, newText: `${valueNode.text}: ${summary}` });
          else edits.push({ start: valueNode.getStart(), end: valueNode.end, newText: summary });
        }
      } else if (ts.isIdentifier(value)) {
        const whole = wholeObjectKind(context, value);
        if (whole) {
          kept.push(`${whole}s`);
          edits.push({ start: value.getStart(), end: value.end, newText: summaryOf(whole, value.text, initializerText(context, value)) });
        }
      }
      if (edits.length === 0) return;
      diagnostics.push(
        diagnostic(
          context,
          keepNeededFields.id,
          value,
          `Entries of ${name} keep whole ${kept.join(' and ')}, and everything those reference, for as long as ${name} lives.`,
          [{ title: 'Keep only the fields that are read', edits }],
          name,
        ),
      );
    });
    return diagnostics;
  },
};

/** What an identifier holds, told by where it comes from: a `catch`, a handler's parameter, or its name. */
function wholeObjectKind(context: RuleContext, id: ts.Identifier): Whole | undefined {
  const declaration = declarationOf(valueSymbol(context, id));
  if (declaration && ts.isVariableDeclaration(declaration) && ts.isCatchClause(declaration.parent)) return 'error';
  const name = id.text;
  if (/^(e|err|error|exception|ex)$/i.test(name) || /Error$/.test(name)) return 'error';
  if (/^(req|request|incoming)$/i.test(name)) return 'request';
  if (/^(res|response|resp|reply)$/i.test(name)) return 'response';
  // `const failure = new Error(…)`
  const init = declaration && ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
  if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && /Error$/.test(init.expression.text)) return 'error';
  return undefined;
}

/** The variable an identifier reads, also as the shorthand `{ error }`. */
function valueSymbol(context: RuleContext, id: ts.Identifier): ts.Symbol | undefined {
  return ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id
    ? context.checker.getShorthandAssignmentValueSymbol(id.parent)
    : context.checker.getSymbolAtLocation(id);
}

function initializerText(context: RuleContext, id: ts.Identifier): string {
  const declaration = declarationOf(valueSymbol(context, id));
  return declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? declaration.initializer.getText() : '';
}

/** Plain JavaScript that also type-checks in TypeScript, where a caught value is `unknown`. */
function summaryOf(whole: Whole, x: string, initializer: string): string {
  switch (whole) {
    case 'error':
      return `{ type: ${x} instanceof Error ? ${x}.name : typeof ${x}, message: String(${x} instanceof Error ? ${x}.message : ${x}).slice(0, ${MESSAGE_LENGTH}) }`;
    case 'request':
      return `{ method: ${x}.method, url: ${x}.url }`;
    case 'response':
      // A fetch Response has `status`; Node's http responses have `statusCode`.
      return /\bfetch\(/.test(initializer) ? `{ status: ${x}.status }` : `{ status: ${x}.statusCode }`;
  }
}
