#!/usr/bin/env node
import { runCli } from './run-cli.js';
import { processIo } from './io.js';

// process.exitCode rather than process.exit(): lets stdout drain when piped.
runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
