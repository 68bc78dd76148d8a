// Text for the panel. Heap strings (class names, property names, file names) come from the inspected
// process: they are made printable here and then only ever set with textContent / d3 .text().
// The rules mirror src/render/format.ts (which imports node:crypto, so it cannot be bundled here).
import type { RetainerPath, RetainerStep } from '../src/snapshot/types';

export { formatBytes, formatBytesDelta } from '../src/common/bytes';

/** `1,234,567`, independent of the machine's locale, as the CLI prints it. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Math.round(n);
  const grouped = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${grouped}` : grouped;
}

export function formatCountDelta(n: number): string {
  const text = formatCount(n);
  return Math.round(n) > 0 ? `+${text}` : text;
}

/** `27%` of `whole`; empty without a whole. */
export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0) || !Number.isFinite(part)) return '';
  const p = (part / whole) * 100;
  return `${p.toFixed(Math.abs(p) < 10 ? 1 : 0)}%`;
}

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const UNSAFE_CHAR =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** One visible line: control, bidi and invisible characters become escapes; cut at `maxLength` with `…`. */
export function printable(s: string, maxLength = 160): string {
  let out = '';
  let length = 0;
  for (const ch of s) {
    if (length >= maxLength) return `${out}…`;
    if (UNSAFE_CHAR.test(ch)) {
      const code = ch.charCodeAt(0);
      out += CONTROL_ESCAPES[ch] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
    } else {
      out += ch;
    }
    length++;
  }
  return out;
}

/** `file:///app/src/x.js` → `/app/src/x.js`. */
export function displayUrl(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return decodeURIComponent(url.slice('file://'.length));
  } catch {
    return url.slice('file://'.length);
  }
}

/** How DevTools names a node: `Session @1234`, `"text" @55`, `onData() @77`. */
export function nodeLabel(node: { type?: string; name: string; className: string; id: number }): string {
  return `${nodeDisplayName(node.type ?? typeFromClassName(node.className), node)} @${node.id}`;
}

function typeFromClassName(className: string): string {
  if (className === '(string)') return 'string';
  if (className === '(closure)') return 'closure';
  if (className === '(system)') return 'hidden';
  return 'object';
}

function nodeDisplayName(type: string, node: { name: string; className: string }): string {
  switch (type) {
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return `"${printable(node.name, 40)}"`;
    case 'closure':
      return node.name ? `${printable(node.name, 60)}()` : '(anonymous function)';
    case 'synthetic':
    case 'hidden':
      return printable(node.name || node.className, 60);
    default:
      return printable(node.className || node.name || '(unknown)', 80);
  }
}

function classSuffix(className: string): string {
  const name = printable(className, 60);
  return /^\(.*\)$/.test(name) ? name : `(${name})`;
}

/** A step as the CLI prints it: `edge (Class)`. */
export interface StepText {
  edge: string;
  cls: string;
}

function stepText(step: RetainerStep): StepText {
  if (step.node.type === 'synthetic') return { edge: '', cls: printable(step.node.name || step.node.className, 60) };
  const cls =
    step.node.type === 'hidden' && step.node.name
      ? classSuffix(step.node.name.startsWith('(') ? step.node.name : `(${step.node.name})`)
      : classSuffix(step.node.className);
  return { edge: step.edge ? printable(step.edge, 60) : '', cls };
}

/** `(GC roots) → … → sessionCache (Map)`, step by step, as src/render/format.ts `retainerPathParts` lays it out. */
export function retainerPathSteps(path: RetainerPath): StepText[] {
  if (path.length > 0 && path[0].edge === '' && path[0].node.type !== 'synthetic') return path.map(stepText);
  const steps = path.length > 0 && path[0].node.name === '(GC roots)' ? path.slice(1) : path;
  return [{ edge: '', cls: '(GC roots)' }, ...steps.map(stepText)];
}

/** The same steps from the node with id `fromId` on (how an object hangs off its group's holder). */
export function stepsFrom(path: RetainerPath, fromId: number): StepText[] | undefined {
  const index = path.findIndex((step) => step.node.id === fromId);
  return index < 0 ? undefined : path.slice(index).map(stepText);
}

export function stepToString(step: StepText): string {
  return step.edge ? `${step.edge} ${step.cls}` : step.cls;
}
