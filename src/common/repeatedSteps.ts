/** Fewest equal steps in a row that read better as one step and a count. */
const MIN_RUN = 3;

/**
 * A retainer path through a linked structure (a socket's timer list, a queue's `next` links)
 * repeats one step dozens of times; `next (Listener) ×58` reads as what it is. Steps are compared
 * as shown, so only truly identical hops fold. Browser-safe: the panel uses it too.
 */
export function collapseRepeatedSteps(steps: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < steps.length;) {
    let j = i + 1;
    while (j < steps.length && steps[j] === steps[i]) j++;
    const run = j - i;
    if (run >= MIN_RUN) out.push(`${steps[i]} ×${run}`);
    else for (let k = i; k < j; k++) out.push(steps[k]);
    i = j;
  }
  return out;
}
