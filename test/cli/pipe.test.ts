import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Runs against the built CLI (`npm run build`): a closed pipe only happens to a real process. */
const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** `sh -c 'hookgate ARGS | READER'`: what came out of the reader, and everything the pipeline wrote to stderr. */
function piped(args: string, reader: string): { stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" ${args} | ${reader}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Spawns the CLI, closes the reading end of one of its output pipes at once, resolves its exit code and the other stream. */
function withClosed(which: 'stdout' | 'stderr', args: string[]): Promise<{ code: number | null; other: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child[which].destroy();
  let other = '';
  child[which === 'stdout' ? 'stderr' : 'stdout'].on('data', (c: Buffer) => void (other += c.toString()));
  return new Promise((r) => child.on('close', (code) => r({ code, other })));
}

describe('output into a closed pipe', () => {
  it('`hookgate events | head -1` and `hookgate check --list | head -1` end quietly: no stack trace, no error line', () => {
    for (const args of ['events --provider omnisales', 'events --provider omnisales --json', 'check --list', '--help']) {
      for (const reader of ['head -1', 'true']) {
        const r = piped(args, reader);
        expect(r.stderr, `${args} | ${reader}`).toBe('');
        if (reader === 'head -1') expect(r.stdout.trim().split('\n'), `${args} | head -1`).toHaveLength(1);
      }
    }
  });

  it('a closed stdout keeps the exit code and leaves stderr empty', async () => {
    const events = await withClosed('stdout', ['events', '--provider', 'omnisales']);
    expect(events).toEqual({ code: 0, other: '' });
    const list = await withClosed('stdout', ['check', '--list']);
    expect(list).toEqual({ code: 0, other: '' });
  });

  it('a closed stderr keeps the exit code of a usage error (2, not a crash)', async () => {
    const r = await withClosed('stderr', ['events', '--provider', 'stripe']);
    expect(r.code).toBe(2);
    expect(r.other).toBe('');
  });
});
