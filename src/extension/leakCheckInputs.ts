import type * as vscode from 'vscode';
import { readConfig, Settings } from './contributions';

/** What a leak check needs from the user; remembered per workspace, so the next run is one Enter per step. */
export interface LeakCheckInputs {
  workloadUrl?: string;
  workloadExpression?: string;
  cleanupExpression?: string;
  cycles: number;
}

const KEY = 'leakscope.leakCheckInputs';

export async function askLeakCheckInputs(api: typeof vscode, state: vscode.Memento): Promise<LeakCheckInputs | undefined> {
  const last = state.get<Partial<LeakCheckInputs>>(KEY, {});
  const trusted = api.workspace.isTrusted;
  type Kind = vscode.QuickPickItem & { choice: 'url' | 'expression' };
  const kinds: Kind[] = [
    {
      label: '$(globe) GET a URL each cycle',
      description: last.workloadUrl ?? 'http://127.0.0.1:3000/…  ({i} becomes the request number)',
      choice: 'url',
    },
  ];
  if (trusted)
    kinds.push({
      label: '$(code) Evaluate an expression in the process each cycle',
      description: last.workloadExpression ?? 'e.g. runBatch()',
      choice: 'expression',
    });
  // The last run's kind of workload comes first.
  if (trusted && last.workloadExpression && !last.workloadUrl) kinds.reverse();
  const kind = await api.window.showQuickPick(kinds, {
    title: 'Leakscope leak check (1/3): the workload',
    placeHolder: trusted
      ? 'What one cycle of work is'
      : 'What one cycle of work is (expressions run in the process only in a trusted workspace)',
  });
  if (!kind) return undefined;
  const inputs: LeakCheckInputs = { cycles: last.cycles ?? readConfig(api, Settings.Cycles) };
  if (kind.choice === 'url') {
    const url = await api.window.showInputBox({
      title: 'Leakscope leak check (1/3): workload URL',
      prompt: `GET ${readConfig(api, Settings.Requests)} times per cycle (leakscope.leakCheck.requests); {i} becomes the request number, unique across the check`,
      value: last.workloadUrl ?? 'http://127.0.0.1:3000/',
      validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http:// or https:// URL'),
    });
    if (!url) return undefined;
    inputs.workloadUrl = url.trim();
  } else {
    const expression = await api.window.showInputBox({
      title: 'Leakscope leak check (1/3): workload expression',
      prompt: 'Evaluated (and awaited) in the target once per cycle',
      value: last.workloadExpression ?? '',
    });
    if (!expression?.trim()) return undefined;
    inputs.workloadExpression = expression.trim();
  }
  if (trusted) {
    const cleanup = await api.window.showInputBox({
      title: 'Leakscope leak check (2/3): cleanup expression (optional)',
      prompt: 'Evaluated after each cycle, before GC: what your app does to free memory (clear a cache, close a pool). Empty for none.',
      value: last.cleanupExpression ?? '',
    });
    if (cleanup === undefined) return undefined;
    if (cleanup.trim()) inputs.cleanupExpression = cleanup.trim();
  }
  const cycles = await api.window.showInputBox({
    title: 'Leakscope leak check (3/3): cycles',
    prompt: 'Cycles between the baseline and the after snapshot (a mid snapshot splits them, for growth evidence)',
    value: String(inputs.cycles),
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 2 && Number(v) <= 1000 ? undefined : 'A whole number from 2 to 1000'),
  });
  if (!cycles) return undefined;
  inputs.cycles = Number(cycles.trim());
  await state.update(KEY, { ...last, ...inputs, ...(inputs.cleanupExpression ? {} : { cleanupExpression: undefined }) });
  return inputs;
}
