import { readFileSync } from 'node:fs';

/** Read from package.json at run time so a packed install reports its own version. */
function readVersion(): string {
  // api/version.ts (tests) sits one level below package.json; dist/api/version.js two.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'hookgate') return pkg.version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = readVersion();
