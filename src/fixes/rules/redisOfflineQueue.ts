import ts from 'typescript';
import { assignedName, diagnostic, moduleOf, objectProperty, propertySeparator, walk } from '../syntax';
import type { CodeFix, FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

/** ioredis's client classes (`Cluster` takes its client options under `redisOptions`). */
const CLIENT_CLASSES = /^(Redis|IORedis)$/;

/**
 * An ioredis client told to retry every command forever (`maxRetriesPerRequest: null`, as job
 * queues configure it) while its offline queue is on, the default. During an outage every
 * command waits in that queue with its arguments and its caller's promise, so a service that
 * issues one per request grows for as long as Redis is away. The fix fails commands fast while
 * disconnected, or bounds the retries so queued commands are rejected after a few reconnects.
 */
export const redisOfflineQueue: FixRule = {
  id: 'redis-offline-queue',
  title: 'ioredis client that queues commands forever while Redis is unreachable',
  fixIds: ['redis-offline-queue'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isNewExpression(node) || !isRedisClient(context, node)) return;
      const options = optionsOf(node);
      const retries = options && assignedProperty(options, 'maxRetriesPerRequest');
      if (!options || !retries || retries.initializer.kind !== ts.SyntaxKind.NullKeyword) return;
      const offline = assignedProperty(options, 'enableOfflineQueue');
      if (offline && offline.initializer.kind === ts.SyntaxKind.FalseKeyword) return;
      diagnostics.push(
        diagnostic(
          context,
          redisOfflineQueue.id,
          node,
          'This ioredis client retries every command forever (maxRetriesPerRequest: null) and queues commands while Redis is unreachable: during an outage each one waits in memory with its arguments and promise.',
          fixesFor(context, options, retries, offline),
          assignedName(node),
        ),
      );
    });
    return diagnostics;
  },
};

function isRedisClient(context: RuleContext, node: ts.NewExpression): boolean {
  const callee = node.expression;
  const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  if (!name || !CLIENT_CLASSES.test(name.text)) return false;
  const root =
    ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
      ? callee.expression
      : ts.isIdentifier(callee)
        ? callee
        : undefined;
  const from = root && moduleOf(context, root);
  return !from || from === 'ioredis';
}

/** `new Redis(options)`, `new Redis(url, options)`, `new Redis(port, host, options)`: the options literal is last. */
function optionsOf(node: ts.NewExpression): ts.ObjectLiteralExpression | undefined {
  const last = node.arguments?.[node.arguments.length - 1];
  return last && ts.isObjectLiteralExpression(last) ? last : undefined;
}

function fixesFor(
  context: RuleContext,
  options: ts.ObjectLiteralExpression,
  retries: ts.PropertyAssignment,
  offline: ts.PropertyAssignment | undefined,
): CodeFix[] {
  const sf = context.sourceFile;
  const failFast: TextEdit = offline
    ? { start: offline.initializer.getStart(sf), end: offline.initializer.end, newText: 'false' }
    : { start: retries.end, end: retries.end, newText: `,${propertySeparator(sf, options, retries)}enableOfflineQueue: false` };
  return [
    { title: 'Fail commands at once while Redis is unreachable (enableOfflineQueue: false)', edits: [failFast] },
    {
      title: 'Reject a queued command after 3 reconnection attempts (maxRetriesPerRequest: 3)',
      edits: [{ start: retries.initializer.getStart(sf), end: retries.initializer.end, newText: '3' }],
    },
  ];
}

/** `name: value` in the options (a shorthand `name` is a variable this rule cannot read). */
function assignedProperty(options: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined {
  const p = objectProperty(options, name);
  return p && ts.isPropertyAssignment(p) ? p : undefined;
}
