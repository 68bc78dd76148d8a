import type { AllocationSite, LeakedObject, RetainerGroup } from '../analysis/types';
import type { RetainerPath, RetainerStep, SourceLocation } from '../snapshot/types';
import { printable } from '../common/printable';
import { collapseRepeatedSteps } from '../common/repeatedSteps';

// Every string that comes out of a heap snapshot (class names, property names, string values) is
// attacker-controllable: a web app can name a constructor anything. The helpers here make such
// strings displayable through `printable` (src/common/printable.ts, shared with the hosts that
// print the target's own output); renderers then escape the result for their medium.
// The panel (webview/, bundled for the browser) uses these same labels, so this file imports no
// Node module (the HTML reports' CSP nonce lives in htmlDocument.ts).

export { formatBytes, formatBytesDelta } from '../common/bytes';
export { printable };

/** What an empty list of findings says, in the CLI's text and on the panel's cards alike. */
export const NO_FINDINGS = 'No leak found: nothing grew steadily across the cycles.';

/** `1,234,567`. Hand-rolled rather than toLocaleString so output does not depend on the machine's locale. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Math.round(n);
  const digits = String(Math.abs(rounded));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${grouped}` : grouped;
}

/** Like {@link formatCount}, with an explicit `+` on growth. */
export function formatCountDelta(n: number): string {
  const text = formatCount(n);
  return Math.round(n) > 0 ? `+${text}` : text;
}

/** `27.2%` of `whole`; empty when there is no whole to compare with. */
export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0) || !Number.isFinite(part)) return '';
  const p = (part / whole) * 100;
  return `${p.toFixed(Math.abs(p) < 10 ? 1 : 0)}%`;
}

/** Script positions are zero-based in snapshots; editors count from one. */
export function formatLocation(loc: SourceLocation): string {
  if (loc.url) return `${printable(displayUrl(loc.url), 200)}:${loc.line + 1}:${loc.column + 1}`;
  return `script ${loc.scriptId}, line ${loc.line + 1}, column ${loc.column + 1}`;
}

/** `handleOrder (src/server.js:26:21) ×1,000`: a function that allocated a group's objects (positions already one-based). */
export function formatAllocationSite(site: AllocationSite): string {
  const name = printable(site.functionName || '(anonymous)', 80);
  return `${name} (${printable(displayUrl(site.url), 200)}:${site.line}:${site.column}) ×${formatCount(site.count)}`;
}

/** Script URLs as a person reads them: `file://` dropped, paths under the current folder made relative. */
export function displayUrl(url: string): string {
  let path = url.startsWith('file://') ? decodeFileUrl(url.slice('file://'.length)) : url;
  const host = (globalThis as { process?: { cwd(): string } }).process;
  const cwd = host ? host.cwd() + '/' : '';
  if (cwd && path.startsWith(cwd)) path = path.slice(cwd.length);
  return path;
}

/** A URL from the target may carry a stray `%`: shown as it is rather than thrown on. */
function decodeFileUrl(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * How DevTools names a node: `Session @1234`, `"some string" @55`, `onData() @77`. Without a
 * `type` (a LeakedObject has none) it is guessed from V8's pseudo-class names.
 */
export function formatNodeLabel(node: { type?: string; name: string; className: string; id: number }): string {
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
      // Their class is a bare category (`(system)`); the name says which kind, e.g. `system / Context`.
      return printable(node.name || node.className, 60);
    default:
      return printable(node.className || node.name || '(unknown)', 80);
  }
}

/** Class in parentheses, unless it already is one of V8's parenthesised pseudo-classes like `(system)`. */
function classSuffix(className: string): string {
  const name = printable(className, 60);
  return /^\(.*\)$/.test(name) ? name : `(${name})`;
}

/** A step in two parts, `edge` and `(Class)`, for the panel that sets them apart; `edge` is empty for a root category. */
export interface StepText {
  edge: string;
  cls: string;
}

export function stepText(step: RetainerStep): StepText {
  // Synthetic nodes are V8's root categories; their index edges (`[2]`) carry no meaning.
  if (step.node.type === 'synthetic') return { edge: '', cls: printable(step.node.name || step.node.className, 60) };
  // Hidden nodes all share the class `(system)`; their name (`system / Context`) says more.
  const cls =
    step.node.type === 'hidden' && step.node.name
      ? classSuffix(step.node.name.startsWith('(') ? step.node.name : `(${step.node.name})`)
      : classSuffix(step.node.className);
  return { edge: step.edge ? printable(step.edge, 60) : '', cls };
}

export function stepToString(step: StepText): string {
  return step.edge ? `${step.edge} ${step.cls}` : step.cls;
}

export interface RetainerPathOptions {
  /**
   * Most steps to show. Longer paths keep their first step (which root category) and their
   * tail (what actually holds the object), with `…` in between.
   */
  maxSteps?: number;
}

export const PATH_SEPARATOR = ' → ';
export const ELLIPSIS = '…';

/** `(GC roots) → (Global handles) → … → sessionCache (Map)`: each hop as `edge (Class)`. */
export function formatRetainerPath(path: RetainerPath, options: RetainerPathOptions = {}): string {
  return retainerPathParts(path, options).join(PATH_SEPARATOR);
}

/** The pieces {@link formatRetainerPath} joins, for renderers that lay a path out themselves. */
export function retainerPathParts(path: RetainerPath, options: RetainerPathOptions = {}): string[] {
  const [root, ...steps] = retainerPathSteps(path).map(stepToString);
  return retainerPathStartsAtUserRoot(path) ? elide([root, ...steps], options.maxSteps) : [root, ...elide(steps, options.maxSteps)];
}

/** The whole path as steps, `(GC roots)` first unless a user root starts it; never elided. */
export function retainerPathSteps(path: RetainerPath): StepText[] {
  if (retainerPathStartsAtUserRoot(path)) return path.map(stepText);
  // Some producers include the root itself as a first step; it is implied by the prefix.
  const steps = path.length > 0 && path[0].node.name === '(GC roots)' ? path.slice(1) : path;
  return [{ edge: '', cls: '(GC roots)' }, ...steps.map(stepText)];
}

/** A user root (the global object, reached from the root by a nameless shortcut) starts the path itself. */
function retainerPathStartsAtUserRoot(path: RetainerPath): boolean {
  return path.length > 0 && path[0].edge === '' && path[0].node.type !== 'synthetic';
}

/** The steps from the node with id `fromId` on (how an object hangs off its group's holder); undefined if the path misses it. */
export function stepsFrom(path: RetainerPath, fromId: number): StepText[] | undefined {
  const index = path.findIndex((step) => step.node.id === fromId);
  return index < 0 ? undefined : path.slice(index).map(stepText);
}

/**
 * The part of `path` from the node with id `fromId` on, e.g. `sessionCache (Map) → table (system) →
 * (map entry) (Session)`: how a sample hangs off its group's holder. Undefined if the path does
 * not pass through that node.
 */
export function formatPathFrom(path: RetainerPath, fromId: number, options: RetainerPathOptions = {}): string | undefined {
  return pathPartsFrom(path, fromId, options)?.join(PATH_SEPARATOR);
}

/** The pieces {@link formatPathFrom} joins. */
export function pathPartsFrom(path: RetainerPath, fromId: number, options: RetainerPathOptions = {}): string[] | undefined {
  const steps = stepsFrom(path, fromId);
  return steps && elide(steps.map(stepToString), options.maxSteps);
}

/** {@link formatNodeLabel} for a leaked object, taking the node type from its path when there. */
export function formatLeakedObjectLabel(o: LeakedObject): string {
  const last = o.path.length > 0 ? o.path[o.path.length - 1].node : undefined;
  return formatNodeLabel({ id: o.id, name: o.name, className: o.className, type: last?.id === o.id ? last.type : undefined });
}

/** `(GC roots) → … → sessionCache (Map) → table`: the holder's path and how the group hangs off it. */
export function formatGroupChain(group: RetainerGroup, options: RetainerPathOptions = {}): string {
  return groupChainParts(group, options).join(PATH_SEPARATOR);
}

/** The pieces {@link formatGroupChain} joins. */
export function groupChainParts(group: RetainerGroup, options: RetainerPathOptions = {}): string[] {
  const parts = retainerPathParts(group.holderPath, options);
  if (group.edgeFromHolder) parts.push(printable(group.edgeFromHolder, 60));
  return parts;
}

function elide(steps: string[], maxSteps = Infinity): string[] {
  const parts = collapseRepeatedSteps(steps);
  const max = Math.max(2, maxSteps);
  return parts.length > max ? [parts[0], ELLIPSIS, ...parts.slice(parts.length - (max - 1))] : parts;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Wording that marks code with backticks, as `describeHolder`'s does ("`summaryCache` (Map), a
 * variable of `server.js`"), cut into its prose and code parts, for each medium to show code as
 * code rather than as backticks. Each part is still untrusted text for the medium to escape.
 */
export function codeSpanParts(text: string): Array<{ code: boolean; text: string }> {
  return text
    .split('`')
    .map((part, i) => ({ code: i % 2 === 1, text: part }))
    .filter((p) => p.text !== '');
}

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/**
 * Plain text for a Markdown table cell or paragraph: one line, and every character that could
 * start Markdown, HTML, math or a table column break is backslash-escaped so it shows literally.
 */
export function escapeMarkdownCell(s: string, maxLength?: number): string {
  return neutraliseAutolinks(printable(s, maxLength).replace(/[\\`*_[\]<>|~&$#!]/g, '\\$&'));
}

/**
 * GitHub turns `@name`, `#12`, `https://…`, `www.…` and `a@b.co` in comment text into live
 * mentions and links, after Markdown escapes are gone, so backslashes do not stop it. A word
 * joiner (U+2060, invisible) after `@` and `#`, before `://` and inside `www.` keeps them text.
 * Only prose that mixes in heap text comes here; heap text alone goes in a code span
 * ({@link markdownCode}), where GitHub links nothing.
 */
function neutraliseAutolinks(s: string): string {
  return s.replace(/@|#(?=\d)|:\/\/|\b(www)\./gi, (m: string, www?: string) =>
    www ? `${www}\u2060.` : m === '://' ? '\u2060://' : `${m}\u2060`,
  );
}

/**
 * An inline code span holding `s` literally. Code spans are how heap strings go into Markdown:
 * nothing inside is parsed as Markdown or HTML, and GitHub does not turn `@name` or `#12` in
 * them into mentions or links. `inTable` escapes pipes, which GFM splits cells on even in code.
 */
export function markdownCode(s: string, options: { inTable?: boolean; maxLength?: number } = {}): string {
  let text = printable(s, options.maxLength ?? 1000);
  if (text === '') return '*(empty)*';
  if (options.inTable) text = text.replace(/\|/g, '\\|');
  const longestRun = (text.match(/`+/g) ?? []).reduce((max, run) => Math.max(max, run.length), 0);
  const fence = '`'.repeat(longestRun + 1);
  // A leading or trailing backtick would merge with the fence; CommonMark strips one padding space.
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
