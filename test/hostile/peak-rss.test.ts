import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { PEAK_MB, run } from './run.js';

/* The measurement the hostile suite relies on: a child that holds 250 MB is seen above every bound. */
describe('peak RSS of a child process', () => {
  it('sees a 250 MB allocation that lived only a moment before exit', async () => {
    const r = await run([], { hardKillMs: 10_000, nodeArgs: ['-e', 'const b = Buffer.alloc(250 * 1024 * 1024, 1); process.exitCode = b[0] - 1'] });
    rmSync(r.cwd, { recursive: true, force: true });
    expect(r.code).toBe(0);
    expect(r.peakMb).toBeGreaterThan(250);
    expect(r.peakMb).toBeGreaterThan(Math.max(...Object.values(PEAK_MB)));
  });

  it('ends a child that does not end by itself at the hard deadline, and says so', async () => {
    const r = await run([], { hardKillMs: 300, nodeArgs: ['-e', 'setInterval(() => {}, 1000)'] });
    rmSync(r.cwd, { recursive: true, force: true });
    expect(r.killed).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });
});
