import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseByteSize, requiredByteSize } from './bytes';
import { ErrorCode } from './errors';

const MB = 1024 * 1024;
const GB = 1024 * MB;

test('sizes as container limits are written', () => {
  assert.equal(parseByteSize('512M'), 512 * MB);
  assert.equal(parseByteSize('1.5G'), 1.5 * GB);
  assert.equal(parseByteSize('1536MiB'), 1536 * MB);
  assert.equal(parseByteSize('2000000'), 2000000);
  assert.equal(parseByteSize('lots'), undefined);
  assert.equal(parseByteSize('0'), undefined);
});

test('a size the user gave that does not parse is refused in the one sentence every host uses', () => {
  assert.equal(requiredByteSize('--memory-limit', '1.5G'), 1.5 * GB);
  assert.throws(() => requiredByteSize('--rss-limit', 'lots'), {
    code: ErrorCode.InvalidArgument,
    message: '--rss-limit needs a size such as 512M or 1.5G, not "lots".',
  });
});
