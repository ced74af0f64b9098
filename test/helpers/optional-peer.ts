import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/*
 * For the tests that prove an optional peer (msw, vitest) is never loaded by plain hookgate: the
 * import graph of a built file, and a Node whose module resolution refuses the peer (a hooks file
 * registered with `--import`).
 */

/** Every bare specifier reachable from `entry` through relative imports (static and literal dynamic ones). */
export function bareImports(entry: string): Set<string> {
  const bare = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g)) {
      if (m[2].startsWith('.')) queue.push(resolve(dirname(file), m[2]));
      else bare.add(m[2]);
    }
  }
  return bare;
}

/** Runs node with `hooksFile` registered, in a fresh temp folder and a bare environment. */
export function nodeRefusing(hooksFile: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const hooks = pathToFileURL(hooksFile).href;
  const refuse = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)})`;
  return new Promise((done) => {
    execFile(process.execPath, ['--import', refuse, ...args], { cwd: mkdtempSync(join(tmpdir(), 'hookgate-nopeer-')), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}
