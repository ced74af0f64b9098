import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AttemptCompletion,
  AttemptFilter,
  AttemptRecord,
  DeadLetter,
  DeadLetterFilter,
  Delivery,
  DeliveryFilter,
  DeliveryStore,
  EndpointUpdate,
  InFlightAttempt,
  StoredEndpoint,
  StoredMessage,
} from './store.js';

/** Bumped by every schema change; `migrate` brings an older file up to it. */
const SCHEMA_VERSION = 1;

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

type Row = Record<string, unknown>;
type Db = InstanceType<typeof Database>;

/** Optional fields come back absent, not null, as the memory store keeps them. */
function opt(target: Row, key: string, value: unknown): void {
  if (value !== null && value !== undefined) target[key] = value;
}

function toMessage(r: Row): StoredMessage {
  const m: StoredMessage = { id: r.id as string, type: r.type as string, body: Buffer.from(r.body as Uint8Array), createdAt: r.created_at as number };
  opt(m as unknown as Row, 'entityId', r.entity_id);
  return m;
}

function toEndpoint(r: Row): StoredEndpoint {
  const e: StoredEndpoint = { id: r.id as string, url: r.url as string, disabled: r.disabled === 1, failingSince: (r.failing_since as number | null) ?? null };
  const o = e as unknown as Row;
  opt(o, 'secret', r.secret);
  opt(o, 'webhookId', r.webhook_id);
  opt(o, 'headerStyle', r.header_style);
  if (r.disabled_at_set === 1) e.disabledAt = (r.disabled_at as number | null) ?? null;
  return e;
}

function toDelivery(r: Row): Delivery {
  return {
    id: r.id as string,
    msgId: r.msg_id as string,
    endpointId: r.endpoint_id as string,
    state: r.state as Delivery['state'],
    attemptsMade: r.attempts_made as number,
    dueAt: r.due_at as number,
    nextOffsetMs: r.next_offset_ms as number,
    nextTrigger: r.next_trigger as Delivery['nextTrigger'],
    createdAt: r.created_at as number,
  };
}

function toInFlight(r: Row): InFlightAttempt {
  return {
    deliveryId: r.delivery_id as string,
    n: r.n as number,
    virtualOffsetMs: r.virtual_offset_ms as number,
    virtualAt: r.virtual_at as number,
    startedAt: r.started_at as number,
    trigger: r.trigger as InFlightAttempt['trigger'],
  };
}

function toAttempt(r: Row): AttemptRecord {
  const a: AttemptRecord = {
    id: r.id as string,
    ...toInFlight(r),
    msgId: r.msg_id as string,
    endpointId: r.endpoint_id as string,
    latencyMs: r.latency_ms as number,
    outcome: r.outcome as AttemptRecord['outcome'],
  };
  const o = a as unknown as Row;
  opt(o, 'status', r.status);
  opt(o, 'error', r.error);
  opt(o, 'errorMessage', r.error_message);
  opt(o, 'responseBody', r.response_body);
  return a;
}

function toDeadLetter(r: Row): DeadLetter {
  const dl: DeadLetter = {
    id: r.id as string,
    deliveryId: r.delivery_id as string,
    msgId: r.msg_id as string,
    endpointId: r.endpoint_id as string,
    at: r.at as number,
    reason: r.reason as DeadLetter['reason'],
    attempts: r.attempts as number,
  };
  const o = dl as unknown as Row;
  opt(o, 'lastError', r.last_error);
  opt(o, 'requeuedAs', r.requeued_as);
  return dl;
}

function open(path: string): Db {
  const inMemory = path === ':memory:' || path === '';
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      // FULL: a commit is on disk before completeAttempt resolves, so a completed attempt survives kill -9.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
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
    // Future versions: `if (version < 2) { ALTER TABLE … }` here.
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/**
 * The DeliveryStore in an SQLite file (WAL, synchronous FULL): every method is one transaction, so a
 * restart — even after kill -9 — finds each delivery, each completed attempt and each in-flight marker as
 * the last finished call left them. Same semantics as `memoryStore()`, including the orders it lists in
 * (creation/completion order, an overwrite keeping its place). One difference on purpose: the endpoint's
 * `failingSince` in `completeAttempt` is MIN(stored, new) (a null clears it), so two attempts completing
 * from stale reads cannot move the start of a failure run later.
 */
export function sqliteStore(path: string): DeliveryStore & { close(): void } {
  const db = open(path);

  const q = {
    putMessage: db.prepare(
      `INSERT INTO messages (id, type, body, entity_id, created_at) VALUES (@id, @type, @body, @entityId, @createdAt)
       ON CONFLICT(id) DO UPDATE SET type = excluded.type, body = excluded.body, entity_id = excluded.entity_id, created_at = excluded.created_at`,
    ),
    getMessage: db.prepare('SELECT * FROM messages WHERE id = ?'),
    putEndpoint: db.prepare(
      `INSERT INTO endpoints (id, url, secret, webhook_id, header_style, disabled, failing_since, disabled_at_set, disabled_at)
       VALUES (@id, @url, @secret, @webhookId, @headerStyle, @disabled, @failingSince, @disabledAtSet, @disabledAt)
       ON CONFLICT(id) DO UPDATE SET url = excluded.url, secret = excluded.secret, webhook_id = excluded.webhook_id,
         header_style = excluded.header_style, disabled = excluded.disabled, failing_since = excluded.failing_since,
         disabled_at_set = excluded.disabled_at_set, disabled_at = excluded.disabled_at`,
    ),
    getEndpoint: db.prepare('SELECT * FROM endpoints WHERE id = ?'),
    listEndpoints: db.prepare('SELECT * FROM endpoints ORDER BY rowid'),
    setDisabled: db.prepare('UPDATE endpoints SET disabled = ? WHERE id = ?'),
    setFailingSince: db.prepare('UPDATE endpoints SET failing_since = ? WHERE id = ?'),
    minFailingSince: db.prepare('UPDATE endpoints SET failing_since = MIN(COALESCE(failing_since, @v), @v) WHERE id = @id'),
    setDisabledAt: db.prepare('UPDATE endpoints SET disabled_at_set = ?, disabled_at = ? WHERE id = ?'),
    addDelivery: db.prepare(
      `INSERT INTO deliveries (id, msg_id, endpoint_id, state, attempts_made, due_at, next_offset_ms, next_trigger, created_at)
       VALUES (@id, @msgId, @endpointId, @state, @attemptsMade, @dueAt, @nextOffsetMs, @nextTrigger, @createdAt)`,
    ),
    getDelivery: db.prepare('SELECT * FROM deliveries WHERE id = ?'),
    listDeliveries: db.prepare(
      `SELECT * FROM deliveries WHERE (@state IS NULL OR state = @state) AND (@msgId IS NULL OR msg_id = @msgId)
         AND (@endpointId IS NULL OR endpoint_id = @endpointId) ORDER BY rowid`,
    ),
    updateDelivery: db.prepare(
      `UPDATE deliveries SET state = @state, attempts_made = @attemptsMade, due_at = @dueAt, next_offset_ms = @nextOffsetMs,
         next_trigger = @nextTrigger WHERE id = @id`,
    ),
    setDeliveryState: db.prepare('UPDATE deliveries SET state = ? WHERE id = ?'),
    putInFlight: db.prepare(
      `INSERT INTO in_flight (delivery_id, n, virtual_offset_ms, virtual_at, started_at, trigger)
       VALUES (@deliveryId, @n, @virtualOffsetMs, @virtualAt, @startedAt, @trigger)
       ON CONFLICT(delivery_id) DO UPDATE SET n = excluded.n, virtual_offset_ms = excluded.virtual_offset_ms,
         virtual_at = excluded.virtual_at, started_at = excluded.started_at, trigger = excluded.trigger`,
    ),
    listInFlight: db.prepare('SELECT * FROM in_flight ORDER BY rowid'),
    clearInFlight: db.prepare('DELETE FROM in_flight WHERE delivery_id = ?'),
    addAttempt: db.prepare(
      `INSERT INTO attempts (id, delivery_id, msg_id, endpoint_id, n, virtual_offset_ms, virtual_at, started_at, trigger,
         status, error, error_message, response_body, latency_ms, outcome)
       VALUES (@id, @deliveryId, @msgId, @endpointId, @n, @virtualOffsetMs, @virtualAt, @startedAt, @trigger,
         @status, @error, @errorMessage, @responseBody, @latencyMs, @outcome)`,
    ),
    listAttempts: db.prepare(
      `SELECT * FROM attempts WHERE (@deliveryId IS NULL OR delivery_id = @deliveryId) AND (@msgId IS NULL OR msg_id = @msgId)
         AND (@endpointId IS NULL OR endpoint_id = @endpointId) ORDER BY seq`,
    ),
    putDeadLetter: db.prepare(
      `INSERT INTO dead_letters (id, delivery_id, msg_id, endpoint_id, at, reason, attempts, last_error, requeued_as)
       VALUES (@id, @deliveryId, @msgId, @endpointId, @at, @reason, @attempts, @lastError, @requeuedAs)
       ON CONFLICT(id) DO UPDATE SET delivery_id = excluded.delivery_id, msg_id = excluded.msg_id, endpoint_id = excluded.endpoint_id,
         at = excluded.at, reason = excluded.reason, attempts = excluded.attempts, last_error = excluded.last_error,
         requeued_as = excluded.requeued_as`,
    ),
    markRequeued: db.prepare('UPDATE dead_letters SET requeued_as = ? WHERE id = ?'),
    listDeadLetters: db.prepare(
      `SELECT * FROM dead_letters WHERE (@endpointId IS NULL OR endpoint_id = @endpointId) AND (@all = 1 OR requeued_as IS NULL)
       ORDER BY rowid`,
    ),
  };

  const mustDelivery = (id: string): Row => {
    const d = q.getDelivery.get(id) as Row | undefined;
    if (!d) throw new Error(`store: no delivery ${id}`);
    return d;
  };
  const mustEndpoint = (id: string): void => {
    if (!q.getEndpoint.get(id)) throw new Error(`store: no endpoint ${id}`);
  };
  /** A patch key whose value is undefined leaves the field as it is. */
  const patchEndpoint = (id: string, patch: EndpointUpdate, failingSinceAsMin: boolean): void => {
    if (patch.disabled !== undefined) q.setDisabled.run(patch.disabled ? 1 : 0, id);
    if (patch.failingSince !== undefined) {
      if (failingSinceAsMin && patch.failingSince !== null) q.minFailingSince.run({ v: patch.failingSince, id });
      else q.setFailingSince.run(patch.failingSince, id);
    }
    if ('disabledAt' in patch) q.setDisabledAt.run(patch.disabledAt === undefined ? 0 : 1, patch.disabledAt ?? null, id);
  };
  const putDeadLetter = (dl: DeadLetter): void => {
    q.putDeadLetter.run({ ...dl, lastError: dl.lastError ?? null, requeuedAs: dl.requeuedAs ?? null });
  };

  const tx = {
    updateEndpoint: db.transaction((id: string, patch: EndpointUpdate) => {
      mustEndpoint(id);
      patchEndpoint(id, patch, false);
    }),
    addDelivery: db.transaction((d: Delivery) => {
      if (q.getDelivery.get(d.id)) throw new Error(`store: delivery ${d.id} exists`);
      q.addDelivery.run(d);
    }),
    markInFlight: db.transaction((a: InFlightAttempt) => {
      mustDelivery(a.deliveryId);
      q.setDeliveryState.run('in-flight', a.deliveryId);
      q.putInFlight.run(a);
    }),
    completeAttempt: db.transaction((c: AttemptCompletion) => {
      const r = c.record;
      mustDelivery(r.deliveryId);
      if (c.endpoint) mustEndpoint(r.endpointId);
      q.updateDelivery.run({ ...c.delivery, id: r.deliveryId });
      q.clearInFlight.run(r.deliveryId);
      q.addAttempt.run({
        ...r,
        status: r.status ?? null,
        error: r.error ?? null,
        errorMessage: r.errorMessage ?? null,
        responseBody: r.responseBody ?? null,
      });
      if (c.endpoint) patchEndpoint(r.endpointId, c.endpoint, true);
      if (c.deadLetter) putDeadLetter(c.deadLetter);
    }),
    deadLetterDelivery: db.transaction((dl: DeadLetter) => {
      mustDelivery(dl.deliveryId);
      q.setDeliveryState.run('dead', dl.deliveryId);
      q.clearInFlight.run(dl.deliveryId);
      putDeadLetter(dl);
    }),
    markRequeued: db.transaction((deadLetterId: string, newDeliveryId: string) => {
      if (q.markRequeued.run(newDeliveryId, deadLetterId).changes === 0) throw new Error(`store: no dead letter ${deadLetterId}`);
    }),
  };

  return {
    async putMessage(m) {
      q.putMessage.run({ id: m.id, type: m.type, body: Buffer.from(m.body), entityId: m.entityId ?? null, createdAt: m.createdAt });
    },
    async getMessage(id) {
      const r = q.getMessage.get(id) as Row | undefined;
      return r && toMessage(r);
    },
    async putEndpoint(e) {
      q.putEndpoint.run({
        id: e.id,
        url: e.url,
        secret: e.secret ?? null,
        webhookId: e.webhookId ?? null,
        headerStyle: e.headerStyle ?? null,
        disabled: e.disabled ? 1 : 0,
        failingSince: e.failingSince ?? null,
        disabledAtSet: e.disabledAt === undefined ? 0 : 1,
        disabledAt: e.disabledAt ?? null,
      });
    },
    async getEndpoint(id) {
      const r = q.getEndpoint.get(id) as Row | undefined;
      return r && toEndpoint(r);
    },
    async updateEndpoint(id, patch) {
      tx.updateEndpoint(id, patch);
    },
    async listEndpoints() {
      return (q.listEndpoints.all() as Row[]).map(toEndpoint);
    },

    async addDelivery(d) {
      tx.addDelivery(d);
    },
    async getDelivery(id) {
      const r = q.getDelivery.get(id) as Row | undefined;
      return r && toDelivery(r);
    },
    async listDeliveries(filter: DeliveryFilter = {}) {
      const params = { state: filter.state ?? null, msgId: filter.msgId ?? null, endpointId: filter.endpointId ?? null };
      return (q.listDeliveries.all(params) as Row[]).map(toDelivery);
    },

    async markInFlight(a) {
      tx.markInFlight(a);
    },
    async listInFlight() {
      return (q.listInFlight.all() as Row[]).map(toInFlight);
    },
    async completeAttempt(c) {
      tx.completeAttempt(c);
    },
    async deadLetterDelivery(dl) {
      tx.deadLetterDelivery(dl);
    },
    async markRequeued(deadLetterId, newDeliveryId) {
      tx.markRequeued(deadLetterId, newDeliveryId);
    },

    async listAttempts(filter: AttemptFilter = {}) {
      const params = { deliveryId: filter.deliveryId ?? null, msgId: filter.msgId ?? null, endpointId: filter.endpointId ?? null };
      return (q.listAttempts.all(params) as Row[]).map(toAttempt);
    },
    async listDeadLetters(filter: DeadLetterFilter = {}) {
      return (q.listDeadLetters.all({ endpointId: filter.endpointId ?? null, all: filter.includeRequeued ? 1 : 0 }) as Row[]).map(toDeadLetter);
    },

    close() {
      if (db.open) db.close();
    },
  };
}
