import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMAND_TITLES, LANGUAGE_MODEL_TOOL_IDS, SETTING_DEFAULTS } from '../src/extension/contributions';
import { inputJsonSchema } from '../src/mcp/toolDefinition';
import { LEAKSCOPE_TOOLS } from '../src/mcp/tools';
import { LEAK_CHECK_DEFAULTS } from '../src/session/checkDefaults';
import { REPO_ROOT } from './helpers/cli';

/** package.json and src/extension/contributions.ts declare the same commands and settings (STYLE 2). */
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

test('every command has one title, in package.json and in contributions.ts', () => {
  const declared = Object.fromEntries(contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]));
  assert.deepEqual(declared, COMMAND_TITLES);
  for (const c of contributes.commands) assert.equal(c.category, 'Leakscope');
});

test('every command is registered by the extension', () => {
  const wiring = readFileSync(join(REPO_ROOT, 'src', 'extension', 'extension.ts'), 'utf8');
  const source = readFileSync(join(REPO_ROOT, 'src', 'extension', 'contributions.ts'), 'utf8');
  const enumNames = Object.fromEntries([...source.matchAll(/^\s+(\w+) = '(leakscope\.\w+)',$/gm)].map((m) => [m[2], m[1]]));
  for (const id of Object.keys(COMMAND_TITLES))
    assert.ok(wiring.includes(`Commands.${enumNames[id]},`), `${id} is registered in extension.ts`);
});

test('settings have the same keys and defaults in both places', () => {
  const properties = contributes.configuration.properties as Record<string, { default: unknown }>;
  assert.deepEqual(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v.default])), SETTING_DEFAULTS);
});

test("the leakscope launch configurations offer the leak check's defaults", () => {
  type Attribute = { default?: unknown; description?: string; properties?: Record<string, Attribute> };
  const attributes = contributes.debuggers[0].configurationAttributes as Record<string, { properties: Record<string, Attribute> }>;
  for (const [request, { properties }] of Object.entries(attributes)) {
    const offered = {
      warmup: properties.warmup.default,
      cycles: properties.cycles.default,
      requests: properties.workload.properties?.requests.default,
      outDir: /default: (\S+) in cwd/.exec(properties.outDir.description ?? '')?.[1],
      capture: properties.capture.default,
    };
    assert.deepEqual(offered, LEAK_CHECK_DEFAULTS, request);
  }
});

test('menus, views and editors name only things that exist', () => {
  const ids = new Set(Object.keys(COMMAND_TITLES));
  for (const [menu, items] of Object.entries(contributes.menus as Record<string, Array<{ command: string }>>)) {
    for (const item of items) assert.ok(ids.has(item.command), `${menu} names ${item.command}`);
  }
  assert.deepEqual(
    contributes.views.leakscope.map((v: { id: string }) => v.id),
    ['leakscope.sessions'],
  );
  assert.deepEqual(contributes.customEditors.map((e: { viewType: string }) => e.viewType).sort(), [
    'leakscope.reportEditor',
    'leakscope.snapshotEditor',
  ]);
  assert.equal(contributes.debuggers[0].type, 'leakscope');
  assert.equal(manifest.main, './dist/extension.js');
});

test('the language model tools are the shared tool definitions, with the same schemas', () => {
  const declared = contributes.languageModelTools as Array<{
    name: string;
    displayName: string;
    modelDescription: string;
    toolReferenceName: string;
    inputSchema: unknown;
  }>;
  assert.deepEqual(
    declared.map((t) => t.name),
    LEAKSCOPE_TOOLS.map((t) => t.name),
  );
  assert.deepEqual(declared.map((t) => t.name).sort(), Object.keys(LANGUAGE_MODEL_TOOL_IDS).sort());
  for (const [i, tool] of LEAKSCOPE_TOOLS.entries()) {
    assert.equal(declared[i].displayName, tool.title, tool.name);
    assert.equal(declared[i].modelDescription, tool.description, tool.name);
    assert.deepEqual(
      declared[i].inputSchema,
      inputJsonSchema(tool),
      `${tool.name}: package.json's inputSchema is not the definition's; it should be ${JSON.stringify(inputJsonSchema(tool))}`,
    );
    assert.match(declared[i].toolReferenceName, /^[a-zA-Z]+$/);
  }
  // A tool that launches or attaches asks first; one that only reads never needs to.
  for (const tool of LEAKSCOPE_TOOLS) assert.equal(Boolean(tool.confirmation), !tool.readOnly, tool.name);
});

test('the extension registers the language model tools', () => {
  const wiring = readFileSync(join(REPO_ROOT, 'src', 'extension', 'extension.ts'), 'utf8');
  assert.match(wiring, /\.\.\.registerLanguageModelTools\(api, output\)/);
});
