import ts from 'typescript';
import { usedNames } from './syntax';
import type { RuleContext } from './types';

const TS_EXTENSIONS = /\.(ts|tsx|mts|cts)$/i;

export function isTypeScriptFile(fileName: string): boolean {
  return TS_EXTENSIONS.test(fileName) && !/\.d\.ts$/i.test(fileName);
}

function scriptKind(fileName: string): ts.ScriptKind {
  const ext = fileName.toLowerCase().match(/\.[^.]+$/)?.[0];
  switch (ext) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.JS;
  }
}

/**
 * Parses one file and binds its names with a checker over that file alone: no lib, no imports
 * resolved, nothing read from disk. Names that resolve to nothing are globals or imports, which
 * is all the rules need to know about them.
 */
export function createRuleContext(fileName: string, text: string, growing: ReadonlySet<string> = new Set()): RuleContext {
  const kind = scriptKind(fileName);
  // A virtual path with the real extension: the checker decides JS or TS from it.
  const virtualName = `/leakscope-fix/input${fileName.match(/\.[^./\\]+$/)?.[0] ?? '.js'}`;
  const sourceFile = ts.createSourceFile(virtualName, text, ts.ScriptTarget.Latest, true, kind);
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === virtualName ? sourceFile : undefined),
    getDefaultLibFileName: () => '/leakscope-fix/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/leakscope-fix',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === virtualName,
    readFile: () => undefined,
    directoryExists: () => true,
    getDirectories: () => [],
  };
  const options: ts.CompilerOptions = {
    allowJs: true,
    noLib: true,
    noResolve: true,
    types: [],
    noEmit: true,
    target: ts.ScriptTarget.Latest,
  };
  const checker = ts.createProgram({ rootNames: [virtualName], options, host }).getTypeChecker();
  let index: Map<ts.Symbol, ts.Identifier[]> | undefined;
  let taken: Set<string> | undefined;
  return {
    sourceFile,
    checker,
    isTypeScript: kind === ts.ScriptKind.TS || kind === ts.ScriptKind.TSX,
    references(symbol) {
      index ??= indexReferences(sourceFile, checker);
      return index.get(symbol) ?? [];
    },
    newName(base, exact = false) {
      taken ??= usedNames(sourceFile);
      let name = base;
      if (taken.has(name)) {
        if (exact) return undefined;
        for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
      }
      taken.add(name);
      return name;
    },
    observedGrowing: (name) => growing.has(name),
  };
}

function indexReferences(sourceFile: ts.SourceFile, checker: ts.TypeChecker): Map<ts.Symbol, ts.Identifier[]> {
  const index = new Map<ts.Symbol, ts.Identifier[]>();
  const add = (symbol: ts.Symbol | undefined, id: ts.Identifier) => {
    if (!symbol) return;
    const list = index.get(symbol);
    if (list) list.push(id);
    else index.set(symbol, [id]);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      if (ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node)
        add(checker.getShorthandAssignmentValueSymbol(node.parent), node);
      else add(checker.getSymbolAtLocation(node), node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return index;
}
