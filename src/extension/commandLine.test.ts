import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommandLine } from './commandLine';

test('command lines split into words as a shell would, without expansion', () => {
  assert.deepEqual(splitCommandLine('node  server.js --port 3000'), ['node', 'server.js', '--port', '3000']);
  assert.deepEqual(splitCommandLine(`node "my app/server.js" 'a b' c\\ d ""`), ['node', 'my app/server.js', 'a b', 'c d', '']);
  assert.deepEqual(splitCommandLine('node -e "console.log(\\"hi\\")"'), ['node', '-e', 'console.log("hi")']);
  assert.throws(() => splitCommandLine('node "unclosed'), /unclosed " quote/);
});
