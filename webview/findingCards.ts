import { collapseRepeatedSteps } from '../src/common/repeatedSteps';
import type { FindingView, FromWebview } from '../src/panel/protocol';
import { button, el } from './dom';
import { codeSpanParts, displayUrl, formatBytes, formatCount, formatCountDelta, NO_FINDINGS, printable } from '../src/render/format';

const KIND_LABEL: Record<FindingView['finding']['kind'], string> = {
  'unbounded-collection': 'Unbounded collection',
  'identity-map': 'Identity map',
  'undisposed-pool': 'Undisposed pool',
  timer: 'Timer',
  listener: 'Listener',
  'metric-cardinality': 'Metric cardinality',
  'retained-large-object': 'Retained large object',
  'closure-context': 'Closure context chain',
};

export interface FindingCards {
  element: HTMLElement;
  /** The host applied a finding's quick-fix: its card says so. */
  fixApplied(findingIndex: number, message: string): void;
}

/** One card per finding: what grows, what holds it, by how much per cycle, why, and where in the code. */
export function createFindingCards(findings: FindingView[], post: (message: FromWebview) => void): FindingCards {
  const statuses = new Map<number, HTMLElement>();
  const applyButtons = new Map<number, HTMLButtonElement>();
  const element = el('div', { cls: 'finding-list' });
  if (findings.length === 0) {
    element.append(el('p', { cls: 'empty', text: NO_FINDINGS }));
  }
  findings.forEach((view, index) => {
    const { card, status, apply } = findingCard(view, index, post);
    statuses.set(index, status);
    if (apply) applyButtons.set(index, apply);
    element.append(card);
  });
  return {
    element,
    fixApplied(findingIndex, message) {
      const status = statuses.get(findingIndex);
      if (!status) return;
      status.textContent = message;
      status.classList.add('applied');
      const apply = applyButtons.get(findingIndex);
      if (apply) apply.disabled = true;
    },
  };
}

function findingCard(view: FindingView, index: number, post: (message: FromWebview) => void) {
  const f = view.finding;
  const g = f.growth;
  const titleId = `finding-${index}-title`;

  const path = el('ol', { cls: 'finding-path path-steps', attrs: { 'aria-label': view.heldBy ? "V8's retainer path" : 'Held by' } });
  for (const step of collapseRepeatedSteps(f.path.map((s) => printable(s, 80)))) path.append(el('li', { cls: 'path-step', text: step }));
  // The holder as the code names it; V8's own path is one click away.
  const heldBy = view.heldBy
    ? el(
        'div',
        { cls: 'held-by' },
        el('span', { cls: 'held-by-text' }, ...codeSpans(printable(view.heldBy, 600))),
        el('details', { cls: 'raw-path' }, el('summary', { text: "V8's retainer path" }), path),
      )
    : path;
  const facts = view.facts ?? {};

  const classes = el('ul', { cls: 'finding-classes' });
  for (const c of f.classes.slice(0, 6)) {
    classes.append(
      el(
        'li',
        {},
        el('code', { text: printable(c.className, 60) }),
        ` ${formatCountDelta(c.countDelta)} (${formatBytes(c.retainedSizeDelta)})`,
      ),
    );
  }
  if (f.classes.length > 6) classes.append(el('li', { cls: 'muted', text: `and ${formatCount(f.classes.length - 6)} more` }));

  const growth =
    `${formatCount(Math.round(g.objectsPerCycle))} objects, ${formatBytes(g.bytesPerCycle)} per cycle ` +
    `(${formatCount(g.newBeforeMid)} from the first ${g.cyclesBeforeMid} cycles still alive, ${formatCount(g.newAfterMid)} from the last ${g.cyclesAfterMid})`;

  const actions = el('div', { cls: 'finding-actions' });
  let sourceRow: DocumentFragment | undefined;
  if (f.source) {
    const source = f.source;
    const where = `${printable(displayUrl(source.file), 200)}:${source.line}:${source.column}`;
    sourceRow =
      source.role === 'inserts' && facts.source
        ? row('added by', el('code', { cls: 'source-location', text: printable(facts.source, 300) }))
        : row(
            'source',
            el(
              'span',
              {},
              `${source.role === 'allocated' ? 'allocated in' : 'held in the scope of'} `,
              el('code', { text: printable(source.functionName || '(anonymous)', 80) }),
              ' at ',
              el('code', { cls: 'source-location', text: where }),
            ),
          );
    actions.append(
      button('Go to source', () => post({ type: 'goToSource', file: source.file, line: source.line, column: source.column }), {
        cls: 'go-to-source',
      }),
    );
  }
  let apply: HTMLButtonElement | undefined;
  if (view.fixAvailable) {
    apply = button('Apply fix', () => post({ type: 'applyFix', findingIndex: index }), { cls: 'apply-fix primary' });
    actions.append(apply);
  }
  const status = el('p', { cls: 'fix-status', attrs: { role: 'status', 'aria-live': 'polite' } });

  const card = el(
    'article',
    { cls: `finding-card confidence-${f.confidence}`, attrs: { 'data-kind': f.kind, 'data-index': index, 'aria-labelledby': titleId } },
    el(
      'header',
      { cls: 'finding-header' },
      el('span', { cls: `badge kind kind-${f.kind}`, text: KIND_LABEL[f.kind] ?? f.kind }),
      el('span', { cls: `badge confidence confidence-${f.confidence}`, text: `${f.confidence} confidence` }),
    ),
    el('h3', { cls: 'finding-title', text: `${index + 1}. ${printable(f.title, 200)}`, attrs: { id: titleId } }),
    el(
      'dl',
      { cls: 'finding-facts' },
      row('held by', heldBy),
      facts.package ? row('package', el('span', { cls: 'finding-package', text: printable(facts.package, 300) })) : null,
      facts.thread ? row('thread', el('span', { cls: 'finding-thread', text: printable(facts.thread, 300) })) : null,
      row('growth', el('span', { cls: g.steady ? 'growth steady' : 'growth', text: growth })),
      f.classes.length > 0 ? row('classes', classes) : null,
      sourceRow ?? null,
      facts.alsoAdded ? row('also by', el('code', { text: printable(facts.alsoAdded, 300) })) : null,
      facts.declared ? row('declared', el('code', { cls: 'holder-declaration', text: printable(facts.declared, 300) })) : null,
      row('fix', el('span', { text: printable(f.fix.summary, 400) })),
    ),
    el('p', { cls: 'finding-explanation', text: printable(f.explanation, 1000) }),
    actions.childElementCount > 0 ? actions : null,
    status,
  );
  return { card, status, apply };
}

function row(label: string, value: Node): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(el('dt', { text: label }), el('dd', {}, value));
  return fragment;
}

/** The holder's wording with its code parts shown as code rather than as backticks. */
function codeSpans(text: string): Array<HTMLElement | string> {
  return codeSpanParts(text).map((part) => (part.code ? el('code', { text: part.text }) : part.text));
}
