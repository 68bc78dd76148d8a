import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unifiedDiff } from './unifiedDiff';

test('a unified diff shows each change with three lines around it', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const after = before.replace('line 2\n', 'line 2\ninserted\n').replace('line 18\n', 'changed\n');
  assert.equal(
    unifiedDiff(before, after, 'f.js'),
    [
      '--- a/f.js',
      '+++ b/f.js',
      '@@ -1,5 +1,6 @@',
      ' line 1',
      ' line 2',
      '+inserted',
      ' line 3',
      ' line 4',
      ' line 5',
      '@@ -15,6 +16,6 @@',
      ' line 15',
      ' line 16',
      ' line 17',
      '-line 18',
      '+changed',
      ' line 19',
      ' line 20',
      '',
    ].join('\n'),
  );
  assert.equal(unifiedDiff(before, before, 'f.js'), '');
});

test('an absolute path is named as it is', () => {
  assert.match(unifiedDiff('a\n', 'b\n', '/srv/app.js'), /^--- \/srv\/app\.js\n\+\+\+ \/srv\/app\.js\n@@ -1,1 \+1,1 @@\n-a\n\+b\n$/);
});
