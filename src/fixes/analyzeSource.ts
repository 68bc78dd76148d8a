import { createRuleContext } from './ruleContext';
import { RULES } from './rules/index';
import type { FixDiagnostic, FixRule } from './types';

/** Extensions the rules read: JavaScript and TypeScript, as modules or scripts. */
export const SOURCE_EXTENSIONS = /\.(js|cjs|mjs|jsx|ts|cts|mts|tsx)$/i;

/**
 * Runs the rules over one file's text. `fileName` only decides JavaScript or TypeScript; nothing
 * is read. `growing` names the collections a leak check saw grow (RuleContext.observedGrowing).
 * Diagnostics come in file order.
 */
export function analyzeSource(
  fileName: string,
  text: string,
  rules: readonly FixRule[] = RULES,
  growing?: ReadonlySet<string>,
): FixDiagnostic[] {
  const context = createRuleContext(fileName, text, growing);
  return rules
    .flatMap((rule) => rule.check(context))
    .sort((a, b) => a.start - b.start || RULES.findIndex((r) => r.id === a.ruleId) - RULES.findIndex((r) => r.id === b.ruleId));
}
