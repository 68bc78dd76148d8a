#!/usr/bin/env node
'use strict';
const { main } = require('../out/src/cli/main.js');
let finished = false;
// A command whose last wait had nothing left to keep the process alive would otherwise end
// silently with exit 0: a false success. Say so and fail instead.
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  process.stderr.write('leakscope: internal error: the command stopped with work still pending (nothing was left to wait on). This is a bug in Leakscope. Rerun with LEAKSCOPE_DEBUG=1 for details.\n');
  process.exitCode = 1;
});
main(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error) => {
    finished = true;
    process.stderr.write(`leakscope: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
