import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HookgateError } from '../fixtures/hookgate-error.js';
import type { JsonObject } from '../fixtures/profile.js';

export interface DataFile {
  /** The file's exact bytes: sent as they are where the provider's body is the data itself. */
  bytes: Buffer;
  value: JsonObject;
}

export function readDataFile(path: string, cwd: string): DataFile {
  const full = resolve(cwd, path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(e as NodeJS.ErrnoException).code})`;
    throw new HookgateError('DATA_FILE_MISSING', `--data file ${path} ${why}`, 'pass the path of a JSON file with the event data, e.g. --data ./order.json');
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new HookgateError('DATA_FILE_INVALID', `--data file ${path} is not valid JSON: ${(e as Error).message}`, 'fix the JSON (a single object such as {"request_id": "…"})');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HookgateError('DATA_FILE_INVALID', `--data file ${path} must hold a JSON object, not ${Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)}`, 'wrap the data in an object, e.g. {"item_ids": ["…"]}');
  }
  return { bytes, value: value as JsonObject };
}

/**
 * `--data` as given: inline JSON when it starts with `{` (`--data '{"request_id": "r1"}'`), else the
 * path of a JSON file. Inline text is sent byte for byte as a file would be.
 */
export function readDataArg(arg: string, cwd: string): DataFile {
  if (!arg.trimStart().startsWith('{')) return readDataFile(arg, cwd);
  let value: unknown;
  try {
    value = JSON.parse(arg);
  } catch (e) {
    throw new HookgateError('DATA_FILE_INVALID', `--data is not valid JSON: ${(e as Error).message}`, 'quote the JSON for your shell, e.g. --data \'{"request_id": "r1"}\', or pass a file');
  }
  return { bytes: Buffer.from(arg, 'utf8'), value: value as JsonObject };
}
