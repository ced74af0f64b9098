// Runs test files of one folder in this child process as their own vitest project (no config file,
// so the repository's vitest.config.ts and its `include` stay out) and writes vitest's JSON report,
// plus OUTFILE.extra.json: the console lines and the annotations the tests made (the JSON report
// has neither). Arguments: ROOT OUTFILE [FILTER...] [--t PATTERN]; fixtures read knobs from the env.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startVitest } from 'vitest/node';

const [root, outputFile, ...rest] = process.argv.slice(2);
const t = rest.indexOf('--t');
const testNamePattern = t >= 0 ? rest[t + 1] : undefined;
const filters = t >= 0 ? rest.slice(0, t) : rest;
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
  ...(testNamePattern ? { testNamePattern } : {}),
  reporters: [['json', { outputFile: resolve(outputFile) }], collector],
});
await vitest?.close();
writeFileSync(resolve(outputFile) + '.extra.json', JSON.stringify(extra));
