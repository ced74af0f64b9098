import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HookgateError } from '../fixtures/hookgate-error.js';
import { caPem } from '../api/ca-pem.js';

const MAX_CA_BYTES = 4 * 1024 * 1024;

/** `--ca FILE`: the PEM text, checked; a missing, unreadable or non-PEM file is one line naming it (exit 2). */
export function readCaFile(file: string, cwd: string): string {
  const path = resolve(cwd, file);
  let text: string;
  try {
    // A CA bundle is kilobytes; a device or a huge file given by mistake is refused, not read forever.
    const st = statSync(path);
    if (st.isFile() && st.size > MAX_CA_BYTES) throw new HookgateError('BAD_CA', `--ca ${file} is ${st.size} bytes: not a CA certificate (a PEM bundle is at most a few hundred KB)`, 'pass --ca with the CA certificate (PEM) that signed the receiver\'s certificate');
    if (!st.isFile() && !st.isDirectory()) throw new HookgateError('BAD_CA', `--ca ${file} is not a regular file`, 'pass --ca with the path of a PEM file');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof HookgateError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message);
    throw new HookgateError('BAD_CA', `cannot read --ca ${file} (${why})`, 'pass --ca with the path of the CA certificate (PEM) that signed the receiver\'s certificate');
  }
  return caPem(text, `--ca ${file}`);
}
