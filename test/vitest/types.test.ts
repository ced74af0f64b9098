import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * `hookgate/vitest` ships types: a strict NodeNext project with hookgate and vitest installed
 * type-checks a file using the entry, and a wrong `should` is a type error (the file's
 * @ts-expect-error would itself fail otherwise).
 */

const ROOT = resolve(import.meta.dirname, '../..');

describe('hookgate/vitest types', () => {
  it('a strict NodeNext project type-checks against dist/vitest/index.d.ts', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-vitest-types-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules/hookgate'));
    for (const m of ['vitest', '@vitest', '@types']) symlinkSync(join(ROOT, 'node_modules', m), join(dir, 'node_modules', m));
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
