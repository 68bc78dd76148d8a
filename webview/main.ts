// The Leakscope panel: one webview, fed by postMessage only (src/panel/protocol.ts).
// It posts `ready`, the host answers with a `model`, and the view for that model's kind is drawn;
// big tables and object graphs are asked for with `query` as the user scrolls and expands.
import type { MemorySample } from '../src/memory/types';
import type { DiffView, MemoryMark, PanelModel, ReportView, SnapshotView, ToWebview } from '../src/panel/protocol';
import { createClassTable } from './classTable';
import { renderDiffTotals, renderDominators, renderGroups, renderSnapshotTotals } from './diffSummary';
import { assertNever, el, section } from './dom';
import { createFindingCards } from './findingCards';
import { formatCount, printable } from '../src/render/format';
import { LEAK_VERDICT_TITLE } from '../src/report/verdicts';
import { createPackageTable } from './packageTable';
import { createMemoryChart, renderBreakdown, renderMemoryVerdict } from './memoryChart';
import { createRetainerGraph } from './retainerGraph';
import { createRpc, type Query } from './rpc';
import { vscodeApi } from './vscodeApi';

/** What the current view does with the messages that update it in place. */
interface View {
  memory?(samples: MemorySample[], marks: MemoryMark[]): void;
  progress?(message: string | undefined): void;
  fixApplied?(findingIndex: number, message: string): void;
}

const vscode = vscodeApi();
const rpc = createRpc((message) => vscode.postMessage(message));
const app = document.getElementById('app') ?? document.body.appendChild(el('div', { attrs: { id: 'app' } }));
let view: View = {};

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as ToWebview | undefined;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  handle(message);
});
vscode.postMessage({ type: 'ready' });

function handle(message: ToWebview): void {
  switch (message.type) {
    case 'model':
      rpc.rejectAll('The panel shows something else now.');
      view = render(message.model);
      break;
    case 'memory':
      view.memory?.(message.samples, message.marks);
      break;
    case 'progress':
      view.progress?.(message.message);
      break;
    case 'queryResult':
      rpc.handleResult(message);
      break;
    case 'fixApplied':
      view.fixApplied?.(message.findingIndex, message.message);
      break;
    default:
      assertNever(message, 'message');
  }
}

function render(model: PanelModel): View {
  document.title = printable(model.title, 200);
  app.replaceChildren();
  app.dataset.kind = model.kind;
  switch (model.kind) {
    case 'report':
      return renderReport(model.title, model.report, rpc.query);
    case 'snapshot':
      return renderSnapshot(model.title, model.snapshot, rpc.query);
    case 'diff':
      return renderDiff(model.title, model.diff, rpc.query);
    case 'session':
      return renderSession(model.title, model.target);
    default:
      return assertNever(model, 'model');
  }
}

function header(title: string, ...lines: Array<HTMLElement | null>): HTMLElement {
  return el('header', { cls: 'panel-header' }, el('h1', { text: printable(title, 200) }), ...lines);
}

function toc(entries: Array<[string, string]>): HTMLElement {
  return el(
    'nav',
    { cls: 'toc', attrs: { 'aria-label': 'Sections' } },
    ...entries.map(([cls, label]) => el('a', { text: label, attrs: { href: `#section-${cls}` } })),
  );
}

function renderReport(title: string, report: ReportView, query: Query): View {
  const retainers = createRetainerGraph(query);
  const onRetainers = report.canQueryObjects ? retainers.show : undefined;
  const cards = createFindingCards(report.findings, (message) => vscode.postMessage(message));
  const chart = createMemoryChart();
  const samples = report.memory.samples;
  const maxRss = samples.length > 0 ? Math.max(...samples.map((s) => s.maxRss)) : undefined;
  const created = new Date(report.createdAt);

  app.append(
    header(
      title,
      el(
        'p',
        { cls: `report-verdict verdict-${report.verdict}`, attrs: { 'data-verdict': report.verdict } },
        el('span', { cls: 'badge verdict-badge', text: LEAK_VERDICT_TITLE[report.verdict] }),
        ' ',
        report.summary,
      ),
      el(
        'p',
        { cls: 'meta' },
        el('code', { text: printable(report.target, 300) }),
        ` · ${report.cycles} ${report.cycles === 1 ? 'cycle' : 'cycles'}`,
        Number.isNaN(created.getTime()) ? '' : ` · ${created.toLocaleString()}`,
      ),
    ),
    toc([
      ['findings', `Findings (${report.findings.length})`],
      ['packages', 'By package'],
      ['memory', 'Memory'],
      ['groups', 'What holds the new objects'],
      ['classes', 'Classes'],
    ]),
    section(`Findings (${formatCount(report.findings.length)})`, 'findings', cards.element),
    section('By package', 'packages', createPackageTable(query)),
    section(
      'Memory',
      'memory',
      chart.element,
      renderBreakdown(report.memory.breakdown, maxRss),
      renderMemoryVerdict(report.memory.verdict),
    ),
    diffSections(report.diff),
    section('Classes', 'classes', createClassTable({ query, mode: 'diff', classCount: report.diff.classCount, onRetainers })),
    retainers.element,
  );
  chart.update(samples, report.memory.marks);
  return { fixApplied: cards.fixApplied };
}

function diffSections(diff: DiffView): HTMLElement {
  return section('What holds the new objects', 'groups', renderDiffTotals(diff), renderGroups(diff.groups));
}

function renderSnapshot(title: string, snapshot: SnapshotView, query: Query): View {
  const retainers = createRetainerGraph(query);
  app.append(
    header(title),
    toc([
      ['totals', 'Totals'],
      ['classes', 'Classes'],
      ['dominators', 'Dominators'],
    ]),
    section('Totals', 'totals', renderSnapshotTotals(snapshot)),
    section(
      'Classes',
      'classes',
      createClassTable({ query, mode: 'snapshot', classCount: snapshot.classCount, onRetainers: retainers.show }),
    ),
    section('Largest dominators', 'dominators', renderDominators(snapshot, retainers.show)),
    retainers.element,
  );
  return {};
}

function renderDiff(title: string, diff: DiffView, query: Query): View {
  const retainers = createRetainerGraph(query);
  app.append(
    header(title),
    diffSections(diff),
    section('Classes', 'classes', createClassTable({ query, mode: 'diff', classCount: diff.classCount, onRetainers: retainers.show })),
    retainers.element,
  );
  return {};
}

/** A leak check in progress: the memory chart fills as samples arrive; a `model` then replaces it with the report. */
function renderSession(title: string, target: string): View {
  const progress = el('p', { cls: 'progress', attrs: { role: 'status', 'aria-live': 'polite' }, text: 'Starting…' });
  const chart = createMemoryChart();
  const samples = new Map<number, MemorySample>();
  const marks = new Map<string, MemoryMark>();
  app.append(
    header(title, el('p', { cls: 'meta' }, el('code', { text: printable(target, 300) })), progress),
    section('Memory', 'memory', chart.element),
  );
  chart.update([], []);
  return {
    // Whether a message carries every sample so far or only new ones, merging by time handles both.
    memory(next, nextMarks) {
      for (const s of next) samples.set(s.at, s);
      for (const m of nextMarks) marks.set(`${m.at}|${m.kind}|${m.label}`, m);
      chart.update([...samples.values()], [...marks.values()]);
    },
    progress(message) {
      progress.textContent = message ? printable(message, 300) : '';
    },
  };
}
