import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export type Db = InstanceType<typeof Database>;

/** Bumped by every schema change; `migrate` brings an older file up to it. */
export const SCHEMA_VERSION = 2;

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS messages (
  id         TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  body       BLOB NOT NULL,
  entity_id  TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS endpoints (
  id              TEXT PRIMARY KEY,
  url             TEXT NOT NULL,
  secret          TEXT,
  webhook_id      TEXT,
  header_style    TEXT,
  disabled        INTEGER NOT NULL,
  failing_since   INTEGER,
  -- disabledAt is optional and nullable: absent (0) and null (1, NULL) are kept apart.
  disabled_at_set INTEGER NOT NULL DEFAULT 0,
  disabled_at     INTEGER
);
CREATE TABLE IF NOT EXISTS deliveries (
  id             TEXT PRIMARY KEY,
  msg_id         TEXT NOT NULL,
  endpoint_id    TEXT NOT NULL,
  state          TEXT NOT NULL,
  attempts_made  INTEGER NOT NULL,
  due_at         INTEGER NOT NULL,
  next_offset_ms INTEGER NOT NULL,
  next_trigger   TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state);
CREATE INDEX IF NOT EXISTS deliveries_msg ON deliveries(msg_id);
CREATE INDEX IF NOT EXISTS deliveries_endpoint ON deliveries(endpoint_id);
CREATE TABLE IF NOT EXISTS in_flight (
  delivery_id       TEXT PRIMARY KEY REFERENCES deliveries(id),
  n                 INTEGER NOT NULL,
  virtual_offset_ms INTEGER NOT NULL,
  virtual_at        INTEGER NOT NULL,
  started_at        INTEGER NOT NULL,
  trigger           TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL,
  delivery_id       TEXT NOT NULL REFERENCES deliveries(id),
  msg_id            TEXT NOT NULL,
  endpoint_id       TEXT NOT NULL,
  n                 INTEGER NOT NULL,
  virtual_offset_ms INTEGER NOT NULL,
  virtual_at        INTEGER NOT NULL,
  started_at        INTEGER NOT NULL,
  trigger           TEXT NOT NULL,
  status            INTEGER,
  error             TEXT,
  error_message     TEXT,
  response_body     TEXT,
  latency_ms        REAL NOT NULL,
  outcome           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_delivery ON attempts(delivery_id);
CREATE INDEX IF NOT EXISTS attempts_msg ON attempts(msg_id);
CREATE INDEX IF NOT EXISTS attempts_endpoint ON attempts(endpoint_id);
CREATE TABLE IF NOT EXISTS dead_letters (
  id          TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL,
  msg_id      TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  at          INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  attempts    INTEGER NOT NULL,
  last_error  TEXT,
  requeued_as TEXT
);
CREATE INDEX IF NOT EXISTS dead_letters_endpoint ON dead_letters(endpoint_id);
`;

/**
 * v2: the APIs' records join the engine's (one store, one transaction): applications, the API fields of
 * endpoints and messages, the rotation's retired secrets, the attempt's API timestamp, the store's own
 * facts (which provider made it), and the indexes the list routes page with.
 */
const SCHEMA_V2 = `
ALTER TABLE messages ADD COLUMN app_id TEXT;
ALTER TABLE messages ADD COLUMN event_id TEXT;
ALTER TABLE messages ADD COLUMN channels TEXT;
ALTER TABLE messages ADD COLUMN tags TEXT;
-- Svix lists a message page newest first within an app, with before/after on the timestamp.
CREATE INDEX messages_app_time ON messages(app_id, created_at);
CREATE INDEX messages_event ON messages(app_id, event_id) WHERE event_id IS NOT NULL;
ALTER TABLE endpoints ADD COLUMN previous_secrets TEXT;
ALTER TABLE endpoints ADD COLUMN app_id TEXT;
ALTER TABLE endpoints ADD COLUMN uid TEXT;
ALTER TABLE endpoints ADD COLUMN attrs TEXT;
ALTER TABLE endpoints ADD COLUMN created_at INTEGER;
ALTER TABLE endpoints ADD COLUMN updated_at INTEGER;
ALTER TABLE endpoints ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN timestamp INTEGER;
ALTER TABLE in_flight ADD COLUMN timestamp INTEGER;
CREATE INDEX attempts_id ON attempts(id);
CREATE INDEX dead_letters_msg ON dead_letters(msg_id);
CREATE TABLE apps (
  id         TEXT PRIMARY KEY,
  uid        TEXT,
  name       TEXT NOT NULL,
  attrs      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX apps_uid ON apps(uid);
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** Opens (creating folders and file as needed) and migrates; every failure is an Error naming the path. */
export function openDb(path: string): Db {
  const inMemory = path === ':memory:' || path === '';
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      // NORMAL: SQLite does not fsync each commit; the grouped commit (group-commit.ts) fsyncs the WAL once
      // per group, off the event loop, before any write of the group is acknowledged.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // 64 MiB of page cache (default 2 MiB): the indexes of a 100,000-message store stay in memory.
      db.pragma('cache_size = -65536');
      // Each write is a savepoint inside the grouped transaction (group-commit.ts), and a savepoint keeps the
      // pages it changes in a sub-journal: in a temporary file by default, a write() per page. In memory the
      // savepoint costs a copy; measured, a stored message with its delivery took 2.5× less CPU.
      db.pragma('temp_store = MEMORY');
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  } catch (err) {
    throw new Error(`cannot open the delivery store at ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function migrate(db: Db): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`schema version ${version} is newer than this hookgate supports (${SCHEMA_VERSION})`);
    }
    if (version < 1) db.exec(SCHEMA_V1);
    if (version < 2) db.exec(SCHEMA_V2);
    // Future versions: `if (version < 3) { ALTER TABLE … }` here.
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
