import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli.js';
import type { Io } from '../../cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, an isolated cwd and only the env given. */
export async function cli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    env: { ...(opts.env ?? {}) },
    cwd: opts.cwd ?? mkdtempSync(join(tmpdir(), 'hookgate-cli-')),
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
