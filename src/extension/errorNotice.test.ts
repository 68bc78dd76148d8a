import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { errorNotice } from './errorNotice';

const action = 'Run Leak Check';

test("a cancellation shows nothing, ours or VS Code's", () => {
  assert.equal(errorNotice(new CancelledError(), { action }).message, undefined);
  const vscodeCancellation = Object.assign(new Error('Canceled'), { name: 'Canceled' });
  assert.equal(errorNotice(vscodeCancellation, { action }).message, undefined);
  assert.match(errorNotice(new CancelledError(), { action }).log, /Run Leak Check was cancelled/);
});

test('a user-facing error is its own sentence, once prefixed, with the note', () => {
  const notice = errorNotice(new LeakscopeError(ErrorCode.TargetUnreachable, 'the debug session "api" gave no inspector endpoint'), {
    action,
    note: 'the process is gone',
  });
  assert.equal(notice.message, 'Leakscope: The debug session "api" gave no inspector endpoint (the process is gone).');
  assert.equal(notice.offerOutput, false);
  assert.equal(
    errorNotice(new LeakscopeError(ErrorCode.InvalidArgument, 'Leakscope: open the folder first.'), { action }).message,
    'Leakscope: Open the folder first.',
  );
});

test('anything else names the failed action and points at the output, which has the stack and the cause', () => {
  const cause = new Error('socket hang up');
  const plain = errorNotice(new TypeError("Cannot read properties of undefined (reading 'nodes')", { cause }), { action });
  assert.equal(
    plain.message,
    "Leakscope: Run Leak Check failed: Cannot read properties of undefined (reading 'nodes'). The Leakscope output has the details.",
  );
  assert.equal(plain.offerOutput, true);
  assert.match(plain.log, /^Run Leak Check failed: TypeError: Cannot read/);
  assert.match(plain.log, /at .*errorNotice\.test/);
  assert.match(plain.log, /Caused by: Error: socket hang up/);
  const internal = errorNotice(new LeakscopeError(ErrorCode.Internal, 'graph worker exited with code 134', false), {
    action: 'Open in Leakscope',
  });
  assert.equal(
    internal.message,
    'Leakscope: Open in Leakscope failed: Graph worker exited with code 134. The Leakscope output has the details.',
  );
  assert.equal(
    errorNotice('a thrown string', { action }).message,
    'Leakscope: Run Leak Check failed: A thrown string. The Leakscope output has the details.',
  );
});

test('text from the target is shown as data', () => {
  const notice = errorNotice(new LeakscopeError(ErrorCode.TargetUnreachable, 'The target threw: \u001b[2Jgone\u202e'), { action });
  assert.equal(notice.message, 'Leakscope: The target threw: \\x1b[2Jgone\\u202e.');
});

test('in place (a panel that names what failed), a user-facing sentence stays, anything else is generic, a cancellation says so', () => {
  assert.equal(
    errorNotice(new LeakscopeError(ErrorCode.FileNotFound, 'the snapshot file is gone'), { action: 'Load the classes' }).inline,
    'The snapshot file is gone.',
  );
  const internal = errorNotice(new LeakscopeError(ErrorCode.Internal, 'graph worker exited with code 134', false), {
    action: 'Load the classes',
  });
  assert.equal(internal.inline, 'Something went wrong inside Leakscope; the Leakscope output has the details.');
  assert.equal(internal.offerOutput, true);
  assert.match(internal.log, /graph worker exited with code 134/);
  assert.equal(errorNotice(new CancelledError('The snapshot was closed.'), { action }).inline, 'Cancelled.');
  assert.equal(errorNotice(new CancelledError(), { action }).offerOutput, false);
});
