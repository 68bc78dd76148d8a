import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isReportEventBody } from './types';

test('a report event body is taken only with a report file, a known verdict and a failed flag', () => {
  assert.ok(isReportEventBody({ reportFile: '/out/report.json', verdict: 'no-leak', failed: false }));
  assert.ok(isReportEventBody({ reportFile: '/out/report.json', verdict: 'leak', failed: true, extra: 1 }));
  for (const body of [
    undefined,
    null,
    'report.json',
    { verdict: 'leak', failed: true },
    { reportFile: 3, verdict: 'leak', failed: true },
    { reportFile: '/out/report.json', verdict: 'maybe', failed: true },
    { reportFile: '/out/report.json', verdict: 'leak', failed: 'yes' },
  ])
    assert.equal(isReportEventBody(body), false, JSON.stringify(body));
});
