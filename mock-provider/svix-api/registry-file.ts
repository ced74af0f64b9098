import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { SvixRegistry, type AppRecord, type EndpointRecord, type MessageRecord } from './registry.js';

interface Snapshot {
  version: 1;
  apps: AppRecord[];
  endpoints: EndpointRecord[];
  messages: MessageRecord[];
}

/**
 * The Svix API's own records (apps, endpoint and message metadata) beside the delivery store, so a
 * restarted `serve` answers for what was created before it. Written whole after every change through
 * a temporary file, fsync and rename: a kill -9 leaves either the old snapshot or the new one.
 */
export function saveRegistry(reg: SvixRegistry, path: string): void {
  const snap: Snapshot = { version: 1, apps: reg.apps, endpoints: reg.endpoints, messages: reg.messages };
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(snap));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A registry with what the snapshot at `path` holds; empty when there is none yet. */
export function loadRegistry(path: string): SvixRegistry {
  const reg = new SvixRegistry();
  let snap: Snapshot;
  try {
    snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  } catch {
    return reg;
  }
  reg.apps.push(...(snap.apps ?? []));
  reg.endpoints.push(...(snap.endpoints ?? []));
  reg.messages.push(...(snap.messages ?? []));
  return reg;
}
