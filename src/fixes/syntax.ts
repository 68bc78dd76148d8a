import ts from 'typescript';
import type { CodeFix, FixDiagnostic, RuleContext, TextEdit } from './types';

export type FunctionNode = ts.FunctionLikeDeclaration & { body: ts.Node };

export function isFunctionWithBody(node: ts.Node): node is FunctionNode {
  return ts.isFunctionLike(node) && 'body' in node && node.body !== undefined;
}

/** The innermost function containing a one-based position. */
export function functionAtPosition(sf: ts.SourceFile, line: number, column: number): FunctionNode | undefined {
  if (line < 1 || line > sf.getLineStarts().length) return undefined;
  const offset = sf.getPositionOfLineAndCharacter(line - 1, Math.max(0, column - 1));
  let found: FunctionNode | undefined;
  const visit = (node: ts.Node): void => {
    if (offset < node.getStart(sf) || offset >= node.end) return;
    if (isFunctionWithBody(node)) found = node;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

export function enclosingFunction(node: ts.Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (isFunctionWithBody(n)) return n;
  return undefined;
}

export function enclosingFunctions(node: ts.Node): FunctionNode[] {
  const list: FunctionNode[] = [];
  for (let n = node.parent; n; n = n.parent) if (isFunctionWithBody(n)) list.push(n);
  return list;
}

export function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'head', 'options', 'route', 'handle']);
const REQUEST_PARAM = /^(req|request|ctx|context|incoming)$/;
const RESPONSE_PARAM = /^(res|response|reply|resp)$/;

function parameterNames(fn: FunctionNode): string[] {
  return fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
}

/**
 * A function that runs once per request: registered as one (`http.createServer(fn)`,
 * `server.on('request', fn)`, `app.get(path, fn)`, `router.use(fn)`), or taking the request or
 * response as a parameter (`(req, res)`, a helper the handler calls with them, a Koa `ctx`).
 */
export function isRequestHandler(fn: FunctionNode): boolean {
  const names = parameterNames(fn);
  if (names.some((n) => REQUEST_PARAM.test(n) || RESPONSE_PARAM.test(n))) return true;
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(fn as unknown as ts.Expression)) return false;
  const callee = call.expression;
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
  if (name === 'createServer') return true;
  if (name === 'on' && call.arguments[0] && ts.isStringLiteralLike(call.arguments[0]) && call.arguments[0].text === 'request') return true;
  return ts.isPropertyAccessExpression(callee) && ROUTE_METHODS.has(name) && call.arguments.length >= 2;
}

/** The innermost enclosing function that runs per request. */
export function enclosingRequestHandler(node: ts.Node): FunctionNode | undefined {
  return enclosingFunctions(node).find(isRequestHandler);
}

/** The request or response parameter of a handler, to hang "when the request ends" on: the response first. */
export function requestEndEmitter(fn: FunctionNode): string | undefined {
  const names = parameterNames(fn);
  // Fastify's reply and hapi's request wrap Node's objects, which are the emitters.
  if (names.includes('reply')) return 'reply.raw';
  const request = names.find((n) => /^(req|request|incoming)$/.test(n));
  if (request && names[names.indexOf(request) + 1] === 'h') return `${request}.raw.res`;
  // Koa's context (`async (ctx, next) =>`) holds Node's response as `res`.
  if (names[0] === 'ctx' && (names.length === 1 || names[1] === 'next')) return 'ctx.res';
  return names.find((n) => RESPONSE_PARAM.test(n)) ?? request;
}

export function symbolOf(context: RuleContext, node: ts.Node): ts.Symbol | undefined {
  if (ts.isPropertyAccessExpression(node)) return context.checker.getSymbolAtLocation(node.name);
  return context.checker.getSymbolAtLocation(node);
}

export function declarationOf(symbol: ts.Symbol | undefined): ts.Declaration | undefined {
  return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
}

/** `x` in `const x = …` or `this.x = …`: the value it was created with. */
export function initializerOf(declaration: ts.Declaration | undefined): ts.Expression | undefined {
  if (!declaration) return undefined;
  if (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) return declaration.initializer;
  // JavaScript binds `this.x = …` in a constructor as the class's property, declared by the assignment.
  if (ts.isPropertyAccessExpression(declaration) || ts.isBinaryExpression(declaration)) {
    const assignment = ts.isBinaryExpression(declaration) ? declaration : declaration.parent;
    if (ts.isBinaryExpression(assignment) && assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken) return assignment.right;
  }
  return undefined;
}

/** A binding that lives as long as the module or an object: module-scoped, or a class member. */
export function isLongLived(declaration: ts.Declaration | undefined): boolean {
  if (!declaration) return false;
  if (ts.isPropertyDeclaration(declaration) || ts.isPropertyAccessExpression(declaration) || ts.isBinaryExpression(declaration))
    return true;
  if (ts.isVariableDeclaration(declaration)) return enclosingFunction(declaration) === undefined;
  return false;
}

/** Identifier texts used anywhere in the file: a new name must be none of them. */
export function usedNames(sourceFile: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return names;
}

export function newline(sourceFile: ts.SourceFile): string {
  return sourceFile.text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The whitespace that starts the line `node` starts on. */
export function indentationOf(sourceFile: ts.SourceFile, node: ts.Node): string {
  const text = sourceFile.text;
  const start = lineStartOf(text, node.getStart(sourceFile));
  return text.slice(start).match(/^[ \t]*/)![0];
}

/** One indentation step as the file writes it (two spaces when it cannot tell). */
export function indentUnit(sourceFile: ts.SourceFile): string {
  const m = sourceFile.text.match(/\n([ \t]+)\S/);
  if (!m) return '  ';
  return m[1].startsWith('\t') ? '\t' : m[1].length >= 4 && sourceFile.text.match(/\n {2}\S/) === null ? '    ' : '  ';
}

/** Moves a multi-line piece of code from one indentation to another. */
export function reindent(code: string, from: string, to: string): string {
  return code
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.startsWith(from) ? to + line.slice(from.length) : line))
    .join('\n');
}

/** The statement directly under the file that contains `node`. */
export function topLevelStatement(node: ts.Node): ts.Statement | undefined {
  let n: ts.Node = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  return n.parent ? (n as ts.Statement) : undefined;
}

/** The statement that holds `node` as a statement of a block, the file or a switch case: where code can go after it. */
export function statementInBlock(node: ts.Node): ts.Statement | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (isFunctionWithBody(n)) return undefined;
    const parent = n.parent;
    if (
      parent &&
      ts.isStatement(n as ts.Statement) &&
      (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent))
    )
      return n as ts.Statement;
  }
  return undefined;
}

/** Inserts `code` as the next line after `statement`, at its indentation. */
export function insertAfter(sourceFile: ts.SourceFile, statement: ts.Node, code: string): TextEdit {
  const nl = newline(sourceFile);
  return { start: statement.end, end: statement.end, newText: `${nl}${indentationOf(sourceFile, statement)}${code}` };
}

/** Inserts `code` as the line before `statement`, at its indentation. */
export function insertBefore(sourceFile: ts.SourceFile, statement: ts.Node, code: string): TextEdit {
  const indent = indentationOf(sourceFile, statement);
  const start = statement.getStart(sourceFile);
  return { start, end: start, newText: `${code}${newline(sourceFile)}${indent}` };
}

/** Removes a statement with its line. */
export function removeStatement(sourceFile: ts.SourceFile, statement: ts.Node): TextEdit {
  const text = sourceFile.text;
  const start = lineStartOf(text, statement.getStart(sourceFile));
  let end = statement.end;
  const rest = text.slice(end).match(/^[ \t]*(\r?\n)?/)![0];
  end += rest.length;
  return { start, end, newText: '' };
}

/** `MAX_ENTRIES` ↦ [max, entries], `recentRequests` ↦ [recent, requests]. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_$#]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 0);
}

export function upperSnake(name: string): string {
  return words(name).join('_').toUpperCase();
}

function isNumericExpression(node: ts.Expression): boolean {
  if (ts.isNumericLiteral(node)) return true;
  if (ts.isParenthesizedExpression(node)) return isNumericExpression(node.expression);
  if (ts.isBinaryExpression(node)) return isNumericExpression(node.left) && isNumericExpression(node.right);
  return false;
}

/**
 * A numeric constant in scope at `site` whose name says it is a size (`RECENT_WINDOW`,
 * `MAX_ENTRIES`), preferring one that shares a word with `subject` (`recentRequests`).
 * Only `const`s declared before the site's top-level statement, at module scope or in an
 * enclosing function, so using it there is safe.
 */
export function sizeConstantFor(sourceFile: ts.SourceFile, site: ts.Node, subject: string, namePattern: RegExp): string | undefined {
  const candidates: string[] = [];
  const scopes: ts.Node[] = [...enclosingFunctions(site).map((f) => f.body), sourceFile];
  for (const scope of scopes) {
    const statements = ts.isBlock(scope) || ts.isSourceFile(scope) ? scope.statements : [];
    for (const statement of statements) {
      if (statement.pos > site.pos) break;
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && isNumericExpression(d.initializer) && namePattern.test(d.name.text))
          candidates.push(d.name.text);
      }
    }
  }
  const subjectWords = words(subject).filter((w) => w.length > 2);
  return candidates.find((c) => words(c).some((w) => subjectWords.some((s) => sameStem(s, w))));
}

/** `latency` and `latencies`, `request` and `requests`: the same word but for its ending. */
function sameStem(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 4) return false;
  let common = 0;
  while (common < shorter && a[common] === b[common]) common++;
  return common >= shorter - 1;
}

/** Where a new module-level import goes: after the last import/require at the top of the file, else after `'use strict'`. */
export function importEdit(context: RuleContext, code: string): TextEdit {
  const sf = context.sourceFile;
  const nl = newline(sf);
  let anchor: ts.Statement | undefined;
  for (const statement of sf.statements) {
    if (
      ts.isImportDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement) ||
      isRequireStatement(statement) ||
      isDirective(statement)
    )
      anchor = statement;
    else break;
  }
  if (anchor) return { start: anchor.end, end: anchor.end, newText: `${nl}${code}` };
  const first = sf.statements[0];
  const start = first ? first.getStart(sf) : sf.text.length;
  return { start, end: start, newText: `${code}${nl}${first ? nl : ''}` };
}

function isDirective(statement: ts.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression);
}

function isRequireStatement(statement: ts.Statement): boolean {
  return (
    ts.isVariableStatement(statement) &&
    statement.declarationList.declarations.every((d) => d.initializer !== undefined && isRequireCall(d.initializer))
  );
}

export function isRequireCall(node: ts.Expression): boolean {
  while (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') return true;
    node = node.expression;
  }
  return false;
}

/** ES module syntax for a new import: the file already imports, or is TypeScript, or an `.mjs`/`.mts`. */
export function usesImports(context: RuleContext): boolean {
  const sf = context.sourceFile;
  if (sf.statements.some((s) => ts.isImportDeclaration(s))) return true;
  if (/\.m[jt]s$/.test(sf.fileName)) return true;
  if (sf.statements.some(isRequireStatement)) return false;
  return context.isTypeScript;
}

/** The module a name is imported or required from, when it is: `LRUCache` ↦ `lru-cache`. */
export function importedNames(sourceFile: ts.SourceFile, moduleName: string): Set<string> {
  const names = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text === moduleName
    ) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        for (const e of bindings.elements) names.add(`${(e.propertyName ?? e.name).text}=${e.name.text}`);
    }
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (!d.initializer || !ts.isCallExpression(d.initializer) || !isRequireCall(d.initializer)) continue;
        const arg = d.initializer.arguments[0];
        if (!arg || !ts.isStringLiteral(arg) || arg.text !== moduleName || !ts.isObjectBindingPattern(d.name)) continue;
        for (const e of d.name.elements)
          if (ts.isIdentifier(e.name))
            names.add(`${e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName.text : e.name.text}=${e.name.text}`);
      }
    }
  }
  return names;
}

/** A diagnostic at `node`, positions filled in. */
export function diagnostic(
  context: RuleContext,
  ruleId: string,
  node: ts.Node,
  message: string,
  fixes: CodeFix[],
  subject?: string,
  confidence: FixDiagnostic['confidence'] = 'high',
): FixDiagnostic {
  const start = node.getStart(context.sourceFile);
  const { line, character } = context.sourceFile.getLineAndCharacterOfPosition(start);
  return {
    ruleId,
    message,
    start,
    end: node.end,
    line: line + 1,
    column: character + 1,
    ...(subject ? { subject } : {}),
    confidence,
    fixes,
  };
}

/** One-based line of a node's start. */
export function lineOf(context: RuleContext, node: ts.Node): number {
  return context.sourceFile.getLineAndCharacterOfPosition(node.getStart(context.sourceFile)).line + 1;
}

/** A member of an object (`this.items`, a class field) rather than a module-scoped variable. */
export function isMember(declaration: ts.Declaration): boolean {
  return !ts.isVariableDeclaration(declaration);
}

/** Every insertion runs while the object is built: a table filled once per instance, not growth. */
export function onlyInConstructor(calls: readonly ts.Node[]): boolean {
  return calls.length > 0 && calls.every((c) => enclosingFunction(c)?.kind === ts.SyntaxKind.Constructor);
}

/** Calls `visit` on every node of the file. */
export function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** `receiver.method(…)` calls. */
export function methodCall(
  node: ts.Node,
  methods: ReadonlySet<string>,
): (ts.CallExpression & { expression: ts.PropertyAccessExpression }) | undefined {
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && methods.has(node.expression.name.text)) {
    return node as ts.CallExpression & { expression: ts.PropertyAccessExpression };
  }
  return undefined;
}

/** How a reference to a collection is used: the method called on it, `.length =`, or a bare read. */
export function usageOf(reference: ts.Identifier): { method?: string; property?: string; assigned: boolean; node: ts.Expression } {
  // `this.x` references are the name of a property access; widen to the access.
  let node: ts.Expression = reference;
  if (ts.isPropertyAccessExpression(reference.parent) && reference.parent.name === reference) node = reference.parent;
  const parent = node.parent;
  const assigned = ts.isBinaryExpression(parent) && parent.left === node && isAssignment(parent.operatorToken.kind);
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    const outer = parent.parent;
    const called = ts.isCallExpression(outer) && outer.expression === parent;
    const propertyAssigned = ts.isBinaryExpression(outer) && outer.left === parent && isAssignment(outer.operatorToken.kind);
    return called
      ? { method: parent.name.text, assigned, node }
      : { property: parent.name.text + (propertyAssigned ? '=' : ''), assigned, node };
  }
  if (ts.isElementAccessExpression(parent) && parent.expression === node) {
    const outer = parent.parent;
    const propertyAssigned = ts.isBinaryExpression(outer) && outer.left === parent && isAssignment(outer.operatorToken.kind);
    return { property: propertyAssigned ? '[]=' : ts.isDeleteExpression(outer) ? 'delete[]' : '[]', assigned, node };
  }
  return { assigned, node };
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** A declaration's own name (for subjects), or the property name of `this.x`. */
export function declarationName(declaration: ts.Declaration): string | undefined {
  const name = (declaration as { name?: ts.Node }).name;
  if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name))) return name.text;
  if (ts.isBinaryExpression(declaration) && ts.isPropertyAccessExpression(declaration.left)) return declaration.left.name.text;
  return undefined;
}

/** Inserts a statement as the first one of a block. */
export function bodyStart(sourceFile: ts.SourceFile, body: ts.Block, code: string): TextEdit {
  const nl = newline(sourceFile);
  const first = body.statements[0];
  if (first)
    return {
      start: first.getStart(sourceFile),
      end: first.getStart(sourceFile),
      newText: `${code}${nl}${indentationOf(sourceFile, first)}`,
    };
  const open = body.getStart(sourceFile) + 1;
  const outer = indentationOf(sourceFile, body);
  return { start: open, end: open, newText: `${nl}${outer}${indentUnit(sourceFile)}${code}${nl}${outer}` };
}

/** The package a name was required or imported from: `http` ↦ `node:http`, `genericPool` ↦ `generic-pool`. */
export function moduleOf(context: RuleContext, id: ts.Identifier): string | undefined {
  const declaration = declarationOf(context.checker.getSymbolAtLocation(id));
  if (!declaration) return undefined;
  let node: ts.Node = declaration;
  while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node)) node = node.parent;
  if (ts.isVariableDeclaration(node) && node.initializer) {
    let init: ts.Expression = node.initializer;
    while (ts.isPropertyAccessExpression(init)) init = init.expression;
    if (
      ts.isCallExpression(init) &&
      ts.isIdentifier(init.expression) &&
      init.expression.text === 'require' &&
      init.arguments[0] &&
      ts.isStringLiteral(init.arguments[0])
    )
      return init.arguments[0].text;
  }
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) return n.moduleSpecifier.text;
    if (
      ts.isImportEqualsDeclaration(n) &&
      ts.isExternalModuleReference(n.moduleReference) &&
      ts.isStringLiteral(n.moduleReference.expression)
    )
      return n.moduleReference.expression.text;
  }
  return undefined;
}

/** How many declarations in the file bind `name`. */
export function declarationCount(sourceFile: ts.SourceFile, name: string): number {
  let count = 0;
  walk(sourceFile, (node) => {
    const declared = (node as { name?: ts.Node }).name;
    if (
      declared &&
      ts.isIdentifier(declared) &&
      declared.text === name &&
      (ts.isVariableDeclaration(node) ||
        ts.isParameter(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isBindingElement(node) ||
        ts.isImportSpecifier(node) ||
        ts.isImportClause(node) ||
        ts.isNamespaceImport(node))
    )
      count++;
  });
  return count;
}

/** What goes between a new property and the one it follows in an object literal: the literal's own line break and indentation, or a space. */
export function propertySeparator(sourceFile: ts.SourceFile, literal: ts.ObjectLiteralExpression, after: ts.Node): string {
  const sameLine =
    sourceFile.getLineAndCharacterOfPosition(literal.getStart(sourceFile)).line ===
    sourceFile.getLineAndCharacterOfPosition(after.getStart(sourceFile)).line;
  return sameLine ? ' ' : `${newline(sourceFile)}${indentationOf(sourceFile, after)}`;
}

/** The variable or field a `new` expression is stored in (`const cache = new X()`, `this.client = new X()`), as the heap names it on a retainer path. */
export function assignedName(node: ts.NewExpression): string | undefined {
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === node) return declarationName(parent);
  if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken)
    return declarationName(parent);
  return undefined;
}

/** The property `name` of an object literal, written `name: value` or as the shorthand `name`. */
export function objectProperty(
  literal: ts.ObjectLiteralExpression,
  name: string,
): ts.PropertyAssignment | ts.ShorthandPropertyAssignment | undefined {
  return literal.properties.find(
    (p): p is ts.PropertyAssignment | ts.ShorthandPropertyAssignment =>
      (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === name,
  );
}
