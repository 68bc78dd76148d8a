import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NUMBER_PARSER_WASM } from './numberParserWasm';

test('numberParserWasm.ts holds numberParser.wat as it is now (npm run build:wasm after editing it)', async () => {
  const { assemble } = require('../../../scripts/buildWasm.js') as { assemble(): Promise<Buffer> };
  assert.equal(NUMBER_PARSER_WASM, (await assemble()).toString('base64'));
});
