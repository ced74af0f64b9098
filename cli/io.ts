/** Where a command writes and what it reads from its surroundings; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stderr is a terminal (progress bars, colours). */
  isTTY: boolean;
}

/**
 * A writer for stdout or stderr that goes quiet once the reader has gone
 * (`hookgate events | head -3`): EPIPE is not an error of the command, so it
 * prints no stack trace and no `error:` line, and the command's exit code stands.
 */
function writerFor(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  return (text) => {
    if (closed || stream.destroyed) return;
    stream.write(text);
  };
}

export function processIo(): Io {
  return {
    out: writerFor(process.stdout),
    err: writerFor(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stderr.isTTY),
  };
}
