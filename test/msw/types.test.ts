import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * `hookgate/msw` ships types: a TypeScript project with hookgate and msw installed type-checks a
 * file using the entry (strict, NodeNext resolution through package.json `exports`), and a wrong
 * variant name is a type error (the file's @ts-expect-error would itself fail otherwise).
 */

const ROOT = resolve(import.meta.dirname, '../..');

describe('hookgate/msw types', () => {
  it('a strict NodeNext project type-checks against dist/msw/index.d.ts', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-types-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules/hookgate'));
    symlinkSync(join(ROOT, 'node_modules/msw'), join(dir, 'node_modules/msw'));
    symlinkSync(join(ROOT, 'node_modules/@types'), join(dir, 'node_modules/@types'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}');
    copyFileSync(join(import.meta.dirname, 'consumer/consumer.ts'), join(dir, 'consumer.ts'));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', 'consumer.ts'];
    const run = await new Promise<{ code: number; out: string }>((done) =>
      execFile(process.execPath, [tsc, ...args], { cwd: dir }, (err, stdout, stderr) => done({ code: err ? 1 : 0, out: stdout + stderr })),
    );
    expect(run.out).toBe('');
    expect(run.code).toBe(0);
  });
});
