#!/usr/bin/env node
'use strict';
const { main } = require('../out/src/cli/main.js');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`leakscope: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
