import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, ErrorCode, errorMessage, LeakscopeError, printedError } from './errors';

test('a user-facing error prints as its sentence, anything else as an internal error, text from the target as data', () => {
  assert.deepEqual(printedError(new LeakscopeError(ErrorCode.FileNotFound, 'no such file x.heapsnapshot.')), {
    text: 'no such file x.heapsnapshot.',
    internal: false,
  });
  assert.deepEqual(printedError(new CancelledError()), { text: 'Cancelled.', internal: false });
  assert.deepEqual(printedError(new LeakscopeError(ErrorCode.Internal, 'worker exited', false)), {
    text: 'internal error: worker exited',
    internal: true,
  });
  assert.deepEqual(printedError(new TypeError('x is undefined')), { text: 'internal error: x is undefined', internal: true });
  assert.equal(
    printedError(new LeakscopeError(ErrorCode.TargetUnreachable, 'it threw \u001b[2J\nline two')).text,
    'it threw \\x1b[2J\nline two',
  );
  assert.equal(printedError(new RangeError('Array buffer allocation failed')).internal, false);
});

test("an error's message is its message, and what was thrown when it is no Error", () => {
  assert.equal(errorMessage(new TypeError('bad input')), 'bad input');
  assert.equal(errorMessage('ECONNRESET'), 'ECONNRESET');
  assert.equal(errorMessage(undefined), 'undefined');
  assert.equal(printedError(42).text, 'internal error: 42');
});
