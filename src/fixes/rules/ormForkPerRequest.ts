import ts from 'typescript';
import { bodyStart, contains, declarationOf, diagnostic, enclosingRequestHandler, initializerOf, walk, type FunctionNode } from '../syntax';
import type { FixDiagnostic, FixRule, RuleContext, TextEdit } from '../types';

/**
 * MikroORM's global EntityManager (`orm.em`) used by request handlers: its identity map is shared
 * by every request and keeps every entity any of them loaded or persisted. Each request should
 * work on its own fork. Files that set up `RequestContext` are left alone: there `orm.em`
 * resolves to the request's own context.
 */
export const ormForkPerRequest: FixRule = {
  id: 'orm-fork-per-request',
  title: 'MikroORM global EntityManager used in a request handler',
  fixIds: ['orm-fork-per-request'],
  check(context) {
    const sf = context.sourceFile;
    if (/\bRequestContext\s*\.\s*(create|createAsync|bind)\b|@CreateRequestContext|@EnsureRequestContext/.test(sf.text)) return [];
    const uses = new Map<FunctionNode, ts.Expression[]>();
    walk(sf, (node) => {
      const use = globalEntityManager(context, node);
      if (!use) return;
      const handler = enclosingRequestHandler(node);
      if (!handler) return;
      const list = uses.get(handler);
      if (list) list.push(use);
      else uses.set(handler, [use]);
    });
    const diagnostics: FixDiagnostic[] = [];
    for (const [handler, list] of uses) {
      const edits = forkEdits(context, handler, list);
      diagnostics.push(
        diagnostic(
          context,
          ormForkPerRequest.id,
          list[0],
          `${list[0].getText(sf)} is the global EntityManager: every request shares its identity map, which keeps every entity any request loaded or persisted.`,
          edits ? [{ title: 'Fork the EntityManager per request (em.fork())', edits }] : [],
          'em',
        ),
      );
    }
    return diagnostics;
  },
};

/** `orm.em` not followed by `.fork()`, or a variable outside the handler that was set to one. */
function globalEntityManager(context: RuleContext, node: ts.Node): ts.Expression | undefined {
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'em' && !isForked(node)) {
    // `orm.em` where `orm` is the handler's own (`req.orm.em`, a fork's `em`) is not the global one.
    let root: ts.Expression = node.expression;
    while (ts.isPropertyAccessExpression(root)) root = root.expression;
    if (ts.isIdentifier(root) && /^(req|request|ctx|context)$/.test(root.text)) return undefined;
    return node;
  }
  if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) && !isForked(node)) {
    const declaration = declarationOf(context.checker.getSymbolAtLocation(node));
    if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.name === node) return undefined;
    const init = initializerOf(declaration);
    if (init && ts.isPropertyAccessExpression(init) && init.name.text === 'em') {
      const handler = enclosingRequestHandler(node);
      if (handler && !contains(handler, declaration)) return node;
    }
  }
  return undefined;
}

function isForked(node: ts.Expression): boolean {
  const parent = node.parent;
  return ts.isPropertyAccessExpression(parent) && parent.expression === node && parent.name.text === 'fork';
}

/** Where the handler takes the EntityManager into a variable, fork it there; otherwise fork once at the top and use that. */
function forkEdits(context: RuleContext, handler: FunctionNode, uses: ts.Expression[]): TextEdit[] | undefined {
  const sf = context.sourceFile;
  const edits: TextEdit[] = [];
  const direct: ts.Expression[] = [];
  for (const use of uses) {
    if (ts.isPropertyAccessExpression(use) && isTaken(use)) edits.push({ start: use.end, end: use.end, newText: '.fork()' });
    else direct.push(use);
  }
  if (direct.length > 0) {
    if (!ts.isBlock(handler.body)) return undefined;
    const name = (!ts.isIdentifier(direct[0]) && context.newName('em', true)) || context.newName('requestEm')!;
    edits.push(bodyStart(sf, handler.body, `const ${name} = ${direct[0].getText(sf)}.fork();`));
    for (const use of direct) edits.push({ start: use.getStart(sf), end: use.end, newText: name });
  }
  return edits;
}

/** `const em = orm.em`, `em = orm.em`, `cond ? orm.em.fork() : orm.em`: stored, not called on. */
function isTaken(use: ts.Expression): boolean {
  let node: ts.Node = use;
  while (ts.isParenthesizedExpression(node.parent) || (ts.isConditionalExpression(node.parent) && node.parent.condition !== node))
    node = node.parent;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) return true;
  return ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}
