import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderVerdictLine } from './verdictLine';

test("the verdict line keeps the id first and adds the title where it says more, as 'not a leak'", () => {
  assert.equal(renderVerdictLine({ verdict: 'leak', summary: 'A Map grows.' }), 'Verdict: leak. A Map grows.');
  assert.equal(renderVerdictLine({ verdict: 'no-leak', summary: 'Nothing grew.' }), 'Verdict: no-leak. Nothing grew.');
  assert.equal(
    renderVerdictLine({ verdict: 'allocator-retention', summary: 'RSS stays up.' }),
    'Verdict: allocator-retention (Allocator retention, not a leak). RSS stays up.',
  );
  assert.equal(
    renderVerdictLine({ verdict: 'heap-headroom', summary: 'The heap grew into its room.' }),
    'Verdict: heap-headroom (V8 heap headroom, not a leak). The heap grew into its room.',
  );
});
