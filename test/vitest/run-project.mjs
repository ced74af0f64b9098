// Runs test files of one folder in this child process as their own vitest project (no config file,
// so the repository's vitest.config.ts and its `include` stay out) and writes vitest's JSON report,
// plus OUTFILE.extra.json: the console lines and the annotations the tests made (the JSON report
// has neither). Arguments: ROOT OUTFILE [FILTER...] [--t PATTERN] [--alias FROM=TO] (swaps an
// import: a flawed receiver for the real one); the fixtures read their knobs from the env.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startVitest } from 'vitest/node';

const [root, outputFile, ...rest] = process.argv.slice(2);
let testNamePattern;
const alias = [];
const filters = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--t') testNamePattern = rest[++i];
  else if (rest[i] === '--alias') {
    const [find, to] = rest[++i].split('=');
    alias.push({ find, replacement: resolve(to) });
  } else filters.push(rest[i]);
}
const extra = { logs: [], annotations: [] };
const collector = {
  onUserConsoleLog(log) {
    extra.logs.push({ type: log.type, content: log.content });
  },
  onTestCaseAnnotate(testCase, annotation) {
    extra.annotations.push({ test: testCase.fullName, type: annotation.type, message: annotation.message });
  },
};
const vitest = await startVitest('test', filters, {
  root: resolve(root),
  config: false,
  watch: false,
  alias,
  ...(testNamePattern ? { testNamePattern } : {}),
  reporters: [['json', { outputFile: resolve(outputFile) }], collector],
});
await vitest?.close();
writeFileSync(resolve(outputFile) + '.extra.json', JSON.stringify(extra));
