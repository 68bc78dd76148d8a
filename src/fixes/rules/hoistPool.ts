import ts from 'typescript';
import {
  bodyStart,
  contains,
  declarationCount,
  declarationOf,
  diagnostic,
  enclosingFunction,
  enclosingRequestHandler,
  isFunctionWithBody,
  moduleOf,
  newline,
  reindent,
  indentationOf,
  removeStatement,
  topLevelStatement,
  walk,
} from '../syntax';
import type { FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

interface Resource {
  label: string;
  /** The call that ends it, given the variable that holds it. */
  end: (name: string) => string;
  /** A name for it when the code gave none. */
  base: string;
}

const AGENT: Resource = { label: 'keep-alive HTTP agent', end: (n) => `${n}.destroy()`, base: 'agent' };
const PG_POOL: Resource = { label: 'pg Pool', end: (n) => `${n}.end()`, base: 'pool' };
const MYSQL_POOL: Resource = { label: 'mysql2 pool', end: (n) => `${n}.end()`, base: 'mysqlPool' };
const GENERIC_POOL: Resource = { label: 'generic-pool pool', end: (n) => `${n}.drain().then(() => ${n}.clear())`, base: 'resourcePool' };
const REDIS: Resource = { label: 'ioredis client', end: (n) => `${n}.quit()`, base: 'redis' };

const SHUTDOWN_EVENTS = ['SIGTERM', 'SIGINT', 'beforeExit'];
const END_METHODS = /^(end|destroy|quit|disconnect|close|drain|clear)$/;

/**
 * A pool, client or keep-alive agent constructed in a function that runs per request: each
 * request opens connections that stay open, and each keeps its pool alive. The fix constructs it
 * once at module scope, with the same options, and ends it when the process is about to exit.
 */
export const hoistPool: FixRule = {
  id: 'hoist-pool',
  title: 'Pool, client or keep-alive agent created per request',
  fixIds: ['hoist-pool'],
  check(context) {
    const diagnostics: FixDiagnostic[] = [];
    walk(context.sourceFile, (node) => {
      if (!ts.isNewExpression(node) && !ts.isCallExpression(node)) return;
      const resource = resourceOf(context, node);
      if (!resource) return;
      const handler = enclosingRequestHandler(node) ?? calledFromHandler(context, node);
      if (!handler) return;
      const variable =
        ts.isVariableDeclaration(node.parent) && node.parent.initializer === node && ts.isIdentifier(node.parent.name)
          ? node.parent.name
          : undefined;
      if (variable && endedLocally(context, variable, node)) return;
      const edits = hoist(context, node, resource, variable);
      diagnostics.push(
        diagnostic(
          context,
          hoistPool.id,
          node,
          `${/^[aeiou]/i.test(resource.label) ? 'An' : 'A'} ${resource.label} is created on every request and never ended: its connections stay open and keep it alive.`,
          edits ? [{ title: `Create the ${resource.label} once, at module scope, and end it on exit`, edits }] : [],
          variable?.text,
        ),
      );
    });
    return diagnostics;
  },
};

function calleeName(expression: ts.Expression): { name: string; receiver?: ts.Identifier } | undefined {
  if (ts.isIdentifier(expression)) return { name: expression.text };
  if (ts.isPropertyAccessExpression(expression))
    return { name: expression.name.text, receiver: ts.isIdentifier(expression.expression) ? expression.expression : undefined };
  return undefined;
}

function resourceOf(context: RuleContext, node: ts.NewExpression | ts.CallExpression): Resource | undefined {
  const callee = calleeName(node.expression);
  if (!callee) return undefined;
  const from = callee.receiver
    ? moduleOf(context, callee.receiver)
    : ts.isIdentifier(node.expression)
      ? moduleOf(context, node.expression)
      : undefined;
  const args = node.arguments ?? ts.factory.createNodeArray();
  if (ts.isNewExpression(node)) {
    if (callee.name === 'Agent' && args.some(keepsAlive) && (!from || /^(node:)?https?$/.test(from))) return AGENT;
    if (callee.name === 'Pool' && (!from || from === 'pg')) return PG_POOL;
    if (/^(Redis|IORedis|Cluster)$/.test(callee.name) && (!from || from === 'ioredis')) return REDIS;
    return undefined;
  }
  if (callee.name !== 'createPool') return undefined;
  if (from === 'generic-pool') return GENERIC_POOL;
  if (from && /^mysql2?(\/promise)?$/.test(from)) return MYSQL_POOL;
  if (from) return undefined;
  // No import to go by: generic-pool takes a factory with create/destroy, mysql2 a config.
  const first = args[0];
  return first && ts.isObjectLiteralExpression(first) && first.properties.some((p) => p.name?.getText() === 'create')
    ? GENERIC_POOL
    : MYSQL_POOL;
}

function keepsAlive(arg: ts.Expression): boolean {
  return (
    ts.isObjectLiteralExpression(arg) &&
    arg.properties.some(
      (p) => ts.isPropertyAssignment(p) && p.name.getText() === 'keepAlive' && p.initializer.kind === ts.SyntaxKind.TrueKeyword,
    )
  );
}

/** A named function that a request handler calls, as `createClient()` in `(req, res) => createClient()`. */
function calledFromHandler(context: RuleContext, node: ts.Node) {
  const fn = enclosingFunction(node);
  if (!fn) return undefined;
  const nameNode = fn.name ?? (ts.isVariableDeclaration(fn.parent) ? fn.parent.name : undefined);
  if (!nameNode || !ts.isIdentifier(nameNode)) return undefined;
  const symbol = context.checker.getSymbolAtLocation(nameNode);
  if (!symbol) return undefined;
  for (const ref of context.references(symbol)) {
    if (ts.isCallExpression(ref.parent) && ref.parent.expression === ref && !contains(fn, ref)) {
      const handler = enclosingRequestHandler(ref);
      if (handler) return handler;
    }
  }
  return undefined;
}

/** The code ends what it made (`agent.destroy()`, `pool.end()`), outside the construction's own callbacks: a managed per-call resource. */
function endedLocally(context: RuleContext, variable: ts.Identifier, construction: ts.Node): boolean {
  const symbol = context.checker.getSymbolAtLocation(variable);
  if (!symbol) return false;
  return context.references(symbol).some((r) => {
    const access = r.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== r || !END_METHODS.test(access.name.text)) return false;
    const call = access.parent;
    // `pool.destroy(resource)` gives one resource back; ending the whole pool takes no value.
    return (
      ts.isCallExpression(call) &&
      call.expression === access &&
      !contains(construction, call) &&
      call.arguments.every((a) => ts.isFunctionLike(a))
    );
  });
}

/**
 * The edits that move the construction to module scope, or undefined when that would change
 * what it refers to: its arguments use the function's own variables, or module variables
 * declared after the place it moves to.
 */
function hoist(
  context: RuleContext,
  node: ts.NewExpression | ts.CallExpression,
  resource: Resource,
  variable: ts.Identifier | undefined,
): TextEdit[] | undefined {
  const sf = context.sourceFile;
  const anchor = topLevelStatement(node);
  if (!anchor) return undefined;
  const ownSymbol = variable && context.checker.getSymbolAtLocation(variable);
  let safe = true;
  const visit = (n: ts.Node, deferred: boolean): void => {
    if (!safe) return;
    if (
      ts.isIdentifier(n) &&
      !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n) &&
      !(ts.isPropertyAssignment(n.parent) && n.parent.name === n)
    ) {
      const symbol = ts.isShorthandPropertyAssignment(n.parent)
        ? context.checker.getShorthandAssignmentValueSymbol(n.parent)
        : context.checker.getSymbolAtLocation(n);
      const declaration = declarationOf(symbol);
      if (declaration && symbol !== ownSymbol && !contains(node, declaration)) {
        if (contains(anchor, declaration)) safe = false;
        else if (!deferred && declaration.pos > anchor.pos) safe = false;
      }
    }
    ts.forEachChild(n, (c) => visit(c, deferred || isFunctionWithBody(c)));
  };
  visit(node, false);
  if (!safe) return undefined;

  const nl = newline(sf);
  const statement = variable && node.parent.parent;
  const movable =
    statement &&
    ts.isVariableDeclarationList(statement) &&
    statement.declarations.length === 1 &&
    ts.isVariableStatement(statement.parent) &&
    declarationCount(sf, variable.text) === 1;
  const edits: TextEdit[] = [];
  let name: string;
  let declarationText: string;
  if (movable) {
    name = variable.text;
    const whole = statement.parent as ts.VariableStatement;
    declarationText = reindent(whole.getText(sf), indentationOf(sf, whole), indentationOf(sf, anchor));
    edits.push(removeStatement(sf, whole));
  } else {
    name = context.newName(variable ? `shared${variable.text[0].toUpperCase()}${variable.text.slice(1)}` : resource.base)!;
    declarationText = `const ${name} = ${reindent(node.getText(sf), indentationOf(sf, node), indentationOf(sf, anchor))};`;
    edits.push({ start: node.getStart(sf), end: node.end, newText: name });
  }
  const hook = shutdownHandler(sf);
  const at = anchor.getStart(sf);
  if (hook) {
    edits.push({ start: at, end: at, newText: `${declarationText}${nl}${nl}` });
    edits.push(bodyStart(sf, hook, `${resource.end(name)};`));
  } else {
    edits.push({
      start: at,
      end: at,
      newText: `${declarationText}${nl}process.once('beforeExit', () => ${resource.end(name)});${nl}${nl}`,
    });
  }
  return edits;
}

/** A module-level `process.on('SIGTERM', () => { … })` (or SIGINT, beforeExit) the program already has. */
function shutdownHandler(sf: ts.SourceFile): ts.Block | undefined {
  for (const event of SHUTDOWN_EVENTS) {
    for (const statement of sf.statements) {
      if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) continue;
      const call = statement.expression;
      const callee = call.expression;
      if (
        !ts.isPropertyAccessExpression(callee) ||
        !ts.isIdentifier(callee.expression) ||
        callee.expression.text !== 'process' ||
        !/^(on|once)$/.test(callee.name.text)
      )
        continue;
      const [name, listener] = call.arguments;
      if (
        name &&
        ts.isStringLiteralLike(name) &&
        name.text === event &&
        listener &&
        (ts.isArrowFunction(listener) || ts.isFunctionExpression(listener)) &&
        ts.isBlock(listener.body)
      )
        return listener.body;
    }
  }
  return undefined;
}
