import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * Registry installs do not run `prepare`, so the tarball must carry the built
 * JavaScript: pack it, install it into an empty folder, run the bin from there.
 */
describe('the packed tarball', () => {
  it('`files` in package.json names only paths that exist, and the LICENSE the `license` field promises ships', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; license: string };
    // dist/ is build output, there once `npm run build` has run (as the CLI tests need anyway).
    expect(pkg.files.filter((f) => !existsSync(join(root, f)))).toEqual([]);
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License/);
    expect(license).toContain('Copyright (c) 2026 the hookgate authors');
    // --ignore-scripts: list what would ship without rebuilding dist/ under the other tests' feet.
    const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [{ files }] = JSON.parse(out.slice(out.indexOf('['))) as [{ files: { path: string }[] }];
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/cli/main.js']));
  });

  it('installs into an empty folder and runs `hookgate --help` and `hookgate events`', { timeout: 180_000 }, () => {
    const packDir = mkdtempSync(join(tmpdir(), 'hg-pack-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [{ filename, files }] = JSON.parse(out.slice(out.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    expect(paths).toContain('dist/cli/main.js');
    expect(paths).toContain('LICENSE');
    expect(paths.some((p) => p.startsWith('test/') || p.endsWith('.ts') && !p.endsWith('.d.ts'))).toBe(false);

    const app = mkdtempSync(join(tmpdir(), 'hg-app-'));
    writeFileSync(join(app, 'package.json'), '{"name":"hg-consumer","private":true}');
    // --ignore-scripts: better-sqlite3 compiles from source here (~100 s) and only `serve` needs it;
    // --help and events must work without it (serve loads it lazily).
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts', join(packDir, filename)], { cwd: app, stdio: 'pipe' });
    const bin = join(app, 'node_modules', '.bin', 'hookgate');
    expect(existsSync(bin)).toBe(true);

    const help = execFileSync(bin, ['--help'], { cwd: app, encoding: 'utf8' });
    expect(help).toMatch(/Usage: hookgate/);
    expect(help).toMatch(/send/);
    const events = execFileSync(bin, ['events', '--provider', 'dimmy'], { cwd: app, encoding: 'utf8' });
    expect(events).toMatch(/items\.scanned/);
    expect(events).toMatch(/item\.scanned\.full_payload/);
  });
});
