import type ts from 'typescript';
import type { FixId } from '../common/fixIds';

/** A replacement of `[start, end)` (offsets into the file's text) by `newText`; an insertion when both are equal. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** One way to fix a diagnostic: edits to the analysed file, and packages the edited code needs. */
export interface CodeFix {
  title: string;
  edits: TextEdit[];
  /** Packages the edited code imports, name → semver range, for the nearest package.json when missing. */
  dependencies?: Record<string, string>;
}

/** An anti-pattern found in a file. The first fix is the one applied when the user does not choose. */
export interface FixDiagnostic {
  ruleId: string;
  message: string;
  start: number;
  end: number;
  /** One-based, of `start`. */
  line: number;
  column: number;
  /**
   * The variable the leak hangs off (`summaryCache`, `configBus`, `requests`), matched against a
   * finding's retainer path, which names it the same way.
   */
  subject?: string;
  /**
   * `medium` when the leak depends on how long the holder lives, which one file cannot tell:
   * a collection on an object (`this.items`) leaks only if the object stays.
   */
  confidence: 'high' | 'medium';
  fixes: CodeFix[];
}

/** What a rule gets: the parsed file, and a checker that binds its names (one file, no libraries). */
export interface RuleContext {
  sourceFile: ts.SourceFile;
  checker: ts.TypeChecker;
  /** TypeScript (`.ts`, `.tsx`, `.mts`, `.cts`) rather than JavaScript: edits may need type syntax. */
  isTypeScript: boolean;
  /** Every identifier that names this symbol, in file order (declarations included). */
  references(symbol: ts.Symbol): ts.Identifier[];
  /**
   * A name no identifier in the file uses and no earlier fix took: `base`, else `base2`, `base3`…
   * With `exact`, only `base` itself, or undefined. Fixes of one file can then be applied together.
   */
  newName(base: string, exact?: boolean): string | undefined;
  /**
   * A leak check saw the collection named `name` grow across its cycles: whatever in the code
   * trims or clears it (a reset nobody calls, a bound never reached) does not keep up, so rules
   * that stay quiet when they see such code still report it.
   */
  observedGrowing(name: string): boolean;
}

export interface FixRule {
  id: string;
  title: string;
  /** The fix ids the detectors put on findings that this rule answers. */
  fixIds: readonly FixId[];
  check(context: RuleContext): FixDiagnostic[];
}

/**
 * What the fixes need of a leak check's finding (`Finding` in src/analysis/types.ts has this
 * shape; the core layers do not import each other).
 */
export interface FindingLocator {
  fix: { id: FixId };
  /** The holder's retainer path, `summaryCache (Map)` per step. */
  path?: string[];
  /** One-based. */
  source?: { line: number; column: number };
}
