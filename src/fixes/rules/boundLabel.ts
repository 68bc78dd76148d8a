import ts from 'typescript';
import { diagnostic, moduleOf, walk } from '../syntax';
import type { FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

const METRIC_CLASSES = /^(Counter|Gauge|Histogram|Summary)$/;
const LABELLED_METHODS = new Set(['inc', 'dec', 'set', 'observe', 'startTimer', 'labels', 'remove', 'zero']);
/** Label names that are one value per user, request or thing. */
const UNBOUNDED_NAME = /(^|_)(id|ids|uuid|guid)$|[a-z]Id$|user|session|email|token|^ip$|address|url|^path$|query|key$/i;
/** Request data that takes a new value per request. */
const REQUEST_DATA = /\b(req|request|ctx)\.(params|query|body|headers|url|originalUrl|path|ip|cookies)\b/;
/** Values known to have few values even though they come from the request. */
const BOUNDED_VALUE = /\.(method|statusCode|status|route(\.path)?|routerPath|protocol)$/;

interface Metric {
  name: string;
  labelNames: ts.ArrayLiteralExpression;
  calls: ts.CallExpression[];
}

/**
 * A prom-client metric with a label whose value is unbounded (a user id, a URL with ids in it):
 * every new value makes a new time series, kept in the metric for the life of the process and
 * exported on every scrape. The fix drops the label, from the metric and from every call.
 */
export const boundLabel: FixRule = {
  id: 'bound-label',
  title: 'Metric label with unbounded values',
  fixIds: ['bound-label'],
  check(context) {
    const metrics = findMetrics(context);
    const diagnostics: FixDiagnostic[] = [];
    for (const metric of metrics.values()) {
      const names = metric.labelNames.elements.map((e) => (ts.isStringLiteralLike(e) ? e.text : undefined));
      const reported = new Set<string>();
      for (const call of metric.calls) {
        for (const { label, value } of labelsOf(call, names)) {
          if (reported.has(label) || !isUnbounded(label, value)) continue;
          reported.add(label);
          const edits = dropLabel(context, metric, names, label);
          diagnostics.push(
            diagnostic(
              context,
              boundLabel.id,
              value,
              `The ${label} label of ${metric.name} is set from ${value.getText(context.sourceFile)}, which has no fixed set of values: each new value is a new time series that the metric keeps for good.`,
              edits ? [{ title: `Drop the ${label} label from ${metric.name}`, edits }] : [],
              metric.name,
            ),
          );
        }
      }
    }
    return diagnostics;
  },
};

function findMetrics(context: RuleContext): Map<ts.Symbol, Metric> {
  const metrics = new Map<ts.Symbol, Metric>();
  walk(context.sourceFile, (node) => {
    if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer || !ts.isNewExpression(node.initializer))
      return;
    const creation = node.initializer;
    const callee = creation.expression;
    const className = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (!METRIC_CLASSES.test(className)) return;
    const root =
      ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
        ? callee.expression
        : ts.isIdentifier(callee)
          ? callee
          : undefined;
    const from = root && moduleOf(context, root);
    if (from && from !== 'prom-client') return;
    const options = creation.arguments?.[0];
    if (!options || !ts.isObjectLiteralExpression(options)) return;
    const labelNames = options.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'labelNames',
    );
    let list = labelNames?.initializer;
    while (list && (ts.isAsExpression(list) || ts.isParenthesizedExpression(list) || ts.isSatisfiesExpression(list)))
      list = list.expression;
    if (!list || !ts.isArrayLiteralExpression(list)) return;
    const symbol = context.checker.getSymbolAtLocation(node.name);
    if (!symbol) return;
    const calls = context
      .references(symbol)
      .map((r) => r.parent)
      .filter(
        (p): p is ts.PropertyAccessExpression =>
          ts.isPropertyAccessExpression(p) &&
          LABELLED_METHODS.has(p.name.text) &&
          ts.isCallExpression(p.parent) &&
          p.parent.expression === p,
      )
      .map((p) => p.parent as ts.CallExpression);
    metrics.set(symbol, { name: node.name.text, labelNames: list, calls });
  });
  return metrics;
}

/** The label values a call passes: an object of labels, or `labels('a', 'b')` in labelNames order. */
function labelsOf(
  call: ts.CallExpression,
  names: Array<string | undefined>,
): Array<{ label: string; value: ts.Expression; node: ts.Node }> {
  const method = (call.expression as ts.PropertyAccessExpression).name.text;
  const first = call.arguments[0];
  if (first && ts.isObjectLiteralExpression(first)) {
    return first.properties.flatMap((p) => {
      if (ts.isPropertyAssignment(p))
        return [{ label: p.name.getText().replace(/^['"]|['"]$/g, ''), value: p.initializer, node: p as ts.Node }];
      if (ts.isShorthandPropertyAssignment(p)) return [{ label: p.name.text, value: p.name as ts.Expression, node: p as ts.Node }];
      return [];
    });
  }
  if ((method === 'labels' || method === 'remove') && first && !ts.isObjectLiteralExpression(first)) {
    return call.arguments.flatMap((value, i) => (names[i] ? [{ label: names[i]!, value, node: value as ts.Node }] : []));
  }
  return [];
}

function isUnbounded(label: string, value: ts.Expression): boolean {
  if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) return false;
  const text = value.getText();
  if (BOUNDED_VALUE.test(text)) return false;
  if (ts.isTemplateExpression(value)) return true;
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
  return UNBOUNDED_NAME.test(label) || REQUEST_DATA.test(text);
}

/** Removes the label from labelNames and from every call, or gives up when a call passes labels it cannot see. */
function dropLabel(context: RuleContext, metric: Metric, names: Array<string | undefined>, label: string): TextEdit[] | undefined {
  const sf = context.sourceFile;
  const index = names.indexOf(label);
  if (index < 0) return undefined;
  const edits: TextEdit[] = [removeListItem(sf, metric.labelNames.elements, index)];
  for (const call of metric.calls) {
    const method = (call.expression as ts.PropertyAccessExpression).name.text;
    const first = call.arguments[0];
    if (!first) continue;
    if (ts.isObjectLiteralExpression(first)) {
      const at = first.properties.findIndex((p) => p.name && p.name.getText().replace(/^['"]|['"]$/g, '') === label);
      if (at >= 0) edits.push(removeListItem(sf, first.properties, at));
    } else if (method === 'labels' || method === 'remove') {
      if (call.arguments.length !== names.length) return undefined;
      edits.push(removeListItem(sf, call.arguments, index));
    } else if (!isValueArgument(first, method)) {
      // Labels from a variable: the label may be in it, and this fix cannot see it.
      return undefined;
    }
  }
  return edits;
}

/** `inc(5)`, `set(3)`, `observe(0.2)`: a value, not labels. */
function isValueArgument(arg: ts.Expression, method: string): boolean {
  if (method === 'startTimer' || method === 'zero') return false;
  return (
    ts.isNumericLiteral(arg) ||
    ts.isIdentifier(arg) ||
    ts.isBinaryExpression(arg) ||
    ts.isCallExpression(arg) ||
    ts.isPropertyAccessExpression(arg) ||
    ts.isPrefixUnaryExpression(arg)
  );
}

/** Removes item `i` of a comma-separated list with the comma and space that go with it. */
function removeListItem(sf: ts.SourceFile, items: ts.NodeArray<ts.Node>, i: number): TextEdit {
  const item = items[i];
  if (i < items.length - 1) return { start: item.getStart(sf), end: items[i + 1].getStart(sf), newText: '' };
  if (i > 0) return { start: items[i - 1].end, end: item.end, newText: '' };
  return { start: item.getStart(sf), end: item.end, newText: '' };
}
