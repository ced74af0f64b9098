// Runs one folder's vitest files in this child process, as their own project (no config file: the
// repository's vitest.config.ts would otherwise be found upward and its `include` applied), and
// writes vitest's JSON report. `--alias FROM=TO` swaps an import (a flawed receiver for the real one).
import { resolve } from 'node:path';
import { startVitest } from 'vitest/node';

const [root, outputFile, ...rest] = process.argv.slice(2);
const alias = [];
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] !== '--alias') throw new Error(`unknown argument ${rest[i]}`);
  const [find, to] = rest[i + 1].split('=');
  alias.push({ find, replacement: resolve(to) });
}
const vitest = await startVitest('test', [], {
  root: resolve(root),
  config: false,
  watch: false,
  alias,
  reporters: [['json', { outputFile: resolve(outputFile) }]],
});
await vitest?.close();
