import type { RetainerPath } from '../src/snapshot/types';
import { el } from './dom';
import { retainerPathSteps, type StepText } from '../src/render/format';

/** A retainer path as a row of steps, `edge (Class)`, arrows drawn by CSS. Long paths fold their middle. */
export function renderSteps(steps: StepText[], options: { maxSteps?: number; cls?: string } = {}): HTMLOListElement {
  const list = el('ol', { cls: `path-steps ${options.cls ?? ''}`.trim() });
  const max = Math.max(3, options.maxSteps ?? Infinity);
  const hidden = steps.length > max ? steps.slice(1, steps.length - (max - 1)) : [];
  const shown = hidden.length > 0 ? [steps[0], ...steps.slice(steps.length - (max - 1))] : steps;
  shown.forEach((step, i) => {
    if (hidden.length > 0 && i === 1) {
      const more = el('li', { cls: 'path-step path-more' });
      const expand = el('button', {
        cls: 'link',
        text: `… ${hidden.length} more`,
        attrs: { type: 'button', 'aria-label': `Show ${hidden.length} hidden steps` },
      });
      expand.addEventListener('click', () => {
        list.replaceWith(renderSteps(steps, { cls: options.cls }));
      });
      more.append(expand);
      list.append(more);
    }
    list.append(stepItem(step));
  });
  return list;
}

function stepItem(step: StepText): HTMLLIElement {
  return el(
    'li',
    { cls: 'path-step' },
    step.edge ? el('span', { cls: 'step-edge', text: step.edge }) : null,
    step.edge ? ' ' : null,
    el('span', { cls: 'step-class', text: step.cls }),
  );
}

export function renderRetainerPath(path: RetainerPath, options: { maxSteps?: number; cls?: string } = {}): HTMLOListElement {
  return renderSteps(retainerPathSteps(path), options);
}
