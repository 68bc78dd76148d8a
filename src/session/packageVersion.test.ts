import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { leakscopeVersion, packageVersion } from './packageVersion';

test("a package's version is its package.json's textual version; any other file knows none", () => {
  const reading = (text: string | undefined) => packageVersion('/deps/lib', () => text);
  assert.equal(reading('{"name":"lib","version":"1.2.3"}'), '1.2.3');
  for (const text of [undefined, '', '{', 'null', '[]', '"1.2.3"', '{"version":1}', '{"version":{"major":1}}', '{"name":"lib"}'])
    assert.equal(reading(text), undefined, text);
});

test("Leakscope's own version is the one its package.json declares", () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  assert.match(version, /^\d+\.\d+\.\d+/);
  assert.equal(leakscopeVersion(), version);
});
