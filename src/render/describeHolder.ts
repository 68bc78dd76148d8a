import type { Finding } from '../analysis/types';
import type { RetainerStep } from '../snapshot/types';
import { displayUrl, printable } from './format';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_ACCESS_STEPS = 4;

/**
 * The holder as the code names it, in words: "`summaryCache` (Map), a variable of
 * `samples/leakyServer.js` captured by the Server's `request` listener", or
 * "`settingsBus._events['settings-changed']` (Array), where `settingsBus` is a variable of …".
 * V8's raw path stays in `finding.path`, one step away. Heap strings go through `printable`;
 * the result is plain text with backticks, for each medium to escape.
 */
export function describeHolder(finding: Pick<Finding, 'holderPath' | 'source' | 'holderDeclaration'>): string | undefined {
  const path = finding.holderPath;
  if (path.length === 0) return undefined;
  const holder = path[path.length - 1];
  // The chain of properties down to the holder, from the nearest variable or named object.
  let start = path.length - 1;
  while (
    start > 0 &&
    path.length - start < MAX_ACCESS_STEPS &&
    isAccess(path[start]) &&
    path[start].edgeType !== 'context' &&
    canName(path[start - 1])
  )
    start--;
  const access = accessExpression(path.slice(start));
  if (!access) return undefined;
  const subject = `\`${access}\` (${printable(holder.node.className, 60)})`;
  const anchor = path[start];
  const base = printable(anchor.edge, 60);
  const where = start === path.length - 1 ? '' : `, where \`${base}\` is`;
  if (anchor.edgeType === 'context') {
    const file = finding.holderDeclaration?.file ?? (finding.source?.role !== 'allocated' ? finding.source?.file : undefined);
    const of = file ? ` of \`${printable(displayUrl(file), 200)}\`` : '';
    return `${subject}${where || ','} a variable${of}${capturedBy(path, start - 2)}`;
  }
  const owner = start > 0 ? path[start - 1].node : undefined;
  if (!owner || owner.type === 'synthetic') return `${subject}${where || ','} a global`;
  return `${subject}${where || ','} a property of a ${printable(owner.className, 60)}`;
}

/** A step the access expression can start from or go through: a named property, element or variable of a plain object. */
function canName(step: RetainerStep): boolean {
  return isAccess(step) && step.edge !== '' && !step.edge.startsWith('(') && step.node.type !== 'closure' && step.node.type !== 'synthetic';
}

function isAccess(step: RetainerStep): boolean {
  return step.edgeType === 'context' || step.edgeType === 'property' || step.edgeType === 'element';
}

/** `settingsBus._events['settings-changed']`, from the anchor's name down. */
function accessExpression(steps: RetainerStep[]): string | undefined {
  const [first, ...rest] = steps;
  if (!first.edge || first.edge.startsWith('(')) return undefined;
  let text = printable(first.edge, 60);
  for (const step of rest) {
    if (step.edgeType === 'element') text += /^\[\d+\]$/.test(step.edge) ? step.edge : `[${printable(step.edge, 40)}]`;
    else if (IDENTIFIER.test(step.edge.replace(/^#/, ''))) text += `.${step.edge}`;
    else text += `['${printable(step.edge, 60).replace(/'/g, "\\'")}']`;
  }
  return text;
}

/** Who keeps the closure whose context holds the variable: " captured by the Server's `request` listener". */
function capturedBy(path: RetainerStep[], closureAt: number): string {
  const closure = path[closureAt];
  if (!closure || closure.node.type !== 'closure') return '';
  const name = closure.edge && IDENTIFIER.test(closure.edge) ? closure.edge : closure.node.name;
  const fn = name ? `\`${printable(name, 60)}\`` : 'a function';
  const holder = path[closureAt - 1];
  const owner = path[closureAt - 2];
  if (holder?.edge === '_events' && owner && owner.node.type !== 'synthetic') {
    return ` captured by the ${printable(owner.node.className, 60)}'s ${fn} listener`;
  }
  if (holder?.edge === 'exports') return ` captured by ${fn}, which its module exports`;
  return ` captured by ${fn}`;
}
