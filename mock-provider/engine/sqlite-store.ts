import { resolve } from 'node:path';
import { backgroundCheckpoints, type Checkpointer } from './checkpointer.js';
import { groupCommit, immediateCommit } from './group-commit.js';
import { hotRecords } from './hot-records.js';
import type { AttemptQuery, EndpointStats, MessageQuery, ServeStore, StoredApp } from './records.js';
import { keysetPage } from './sqlite-pages.js';
import { overviewReads } from './sqlite-overview.js';
import { endpointParams, jsonOrNull, messageParams, toApp, toAttempt, toDeadLetter, toDelivery, toEndpoint, toInFlight, toMessage, type Row } from './sqlite-rows.js';
import { openDb, type Db } from './sqlite-schema.js';
import type {
  AttemptCompletion,
  AttemptFilter,
  DeadLetter,
  DeadLetterFilter,
  Delivery,
  DeliveryFilter,
  EndpointUpdate,
  InFlightAttempt,
  StoredEndpoint,
  StoredMessage,
} from './store.js';

export interface SqliteStoreOptions {
  /**
   * `grouped` (default): writes share transactions and fsyncs (group-commit.ts) and resolve once on disk.
   * `immediate`: one transaction and one fsync per write, done before the call returns (ManualClock tests).
   */
  commit?: 'grouped' | 'immediate';
}

// Endpoint columns a patch may set, and how a value is stored.
const ENDPOINT_PATCH: Record<string, { column: string; encode: (v: unknown) => unknown }> = {
  url: { column: 'url', encode: (v) => v },
  secret: { column: 'secret', encode: (v) => v },
  previousSecrets: { column: 'previous_secrets', encode: jsonOrNull },
  uid: { column: 'uid', encode: (v) => v },
  attrs: { column: 'attrs', encode: jsonOrNull },
  updatedAt: { column: 'updated_at', encode: (v) => v },
  deleted: { column: 'deleted', encode: (v) => (v ? 1 : 0) },
  appId: { column: 'app_id', encode: (v) => v },
  disabled: { column: 'disabled', encode: (v) => (v ? 1 : 0) },
};

/**
 * The serve store in one SQLite file (WAL): the engine's deliveries, attempts and dead letters and the APIs'
 * records (applications, endpoints, messages). Every method that changes state is one transaction — a
 * message and the deliveries it causes included — and with grouped commits resolves only once it is on
 * disk, so a restart, even after kill -9 or a power cut, finds what every acknowledged call left. Same
 * semantics as `memoryStore()`, including the orders it lists in (creation/completion order, an overwrite
 * keeping its place). One difference on purpose: the endpoint's `failingSince` in `completeAttempt` is
 * MIN(stored, new) (a null clears it), so two attempts completing from stale reads cannot move the start
 * of a failure run later.
 */
export function sqliteStore(path: string, opts: SqliteStoreOptions = {}): ServeStore {
  const db = openDb(path);
  const inMemory = path === ':memory:' || path === '';
  const grouped = opts.commit !== 'immediate';
  if (!grouped) db.pragma('synchronous = FULL');
  let checkpointer: Checkpointer | undefined;
  // The checkpointer also lets the WAL start over under a writer that is never idle (group-commit.ts).
  const backfill = () => checkpointer?.now() ?? Promise.resolve(false);
  const hot = hotRecords();
  const commits = grouped ? groupCommit(db, inMemory ? undefined : `${resolve(path)}-wal`, { backfill, onRollback: hot.clear }) : immediateCommit();
  if (grouped && !inMemory) {
    db.pragma('wal_autocheckpoint = 0');
    // Should the worker fail, the writer checkpoints again itself: slower, never an unbounded WAL.
    checkpointer = backgroundCheckpoints(resolve(path), 500, () => db.open && db.pragma('wal_autocheckpoint = 1000'));
  }
  const pageCache = new Map<string, ReturnType<Db['prepare']>>();
  const q = statements(db);

  // Endpoints are read for every emit and every attempt and change rarely: kept decoded here, and dropped
  // on every write that touches one (this object is the only writer; other connections only read).
  let endpointCache: Map<string, StoredEndpoint> | undefined;
  const endpoints = (): Map<string, StoredEndpoint> =>
    (endpointCache ??= new Map((q.listEndpoints.all() as Row[]).map((r) => [r.id as string, toEndpoint(r)])));
  const endpointsChanged = (): void => {
    endpointCache = undefined;
  };
  const copyEndpoint = (e: StoredEndpoint): StoredEndpoint => ({ ...e });
  const mustEndpoint = (id: string): void => {
    if (!endpoints().has(id)) throw new Error(`store: no endpoint ${id}`);
  };
  /** The delivery's state changes only where it exists: an UPDATE that touched no row names the missing delivery. */
  const mustChange = (changes: number, id: string): void => {
    if (changes === 0) throw new Error(`store: no delivery ${id}`);
  };
  /** A patch key whose value is undefined leaves the field as it is. */
  const patchEndpoint = (id: string, patch: EndpointUpdate, failingSinceAsMin: boolean): void => {
    for (const [key, value] of Object.entries(patch)) {
      const col = ENDPOINT_PATCH[key];
      if (col && value !== undefined) setColumn(col.column).run(col.encode(value), id);
    }
    if (patch.failingSince !== undefined) {
      if (failingSinceAsMin && patch.failingSince !== null) q.minFailingSince.run({ v: patch.failingSince, id });
      else q.setFailingSince.run(patch.failingSince, id);
    }
    if ('disabledAt' in patch) q.setDisabledAt.run(patch.disabledAt === undefined ? 0 : 1, patch.disabledAt ?? null, id);
  };
  const setters = new Map<string, { run(...params: unknown[]): unknown }>();
  const setColumn = (column: string) => {
    let stmt = setters.get(column);
    if (!stmt) setters.set(column, (stmt = db.prepare(`UPDATE endpoints SET ${column} = ? WHERE id = ?`)));
    return stmt;
  };
  const putDeadLetter = (dl: DeadLetter): void => {
    q.putDeadLetter.run({ ...dl, lastError: dl.lastError ?? null, requeuedAs: dl.requeuedAs ?? null });
  };
  const addDelivery = (d: Delivery): void => {
    try {
      q.addDelivery.run(d);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new Error(`store: delivery ${d.id} exists`);
      throw err;
    }
  };

  const tx = {
    putMessage: db.transaction((m: StoredMessage) => q.putMessage.run(messageParams(m))),
    addMessage: db.transaction((m: StoredMessage, ds: readonly Delivery[], dls: readonly DeadLetter[]) => {
      q.putMessage.run(messageParams(m));
      for (const d of ds) addDelivery(d);
      for (const dl of dls) putDeadLetter(dl);
    }),
    putEndpoint: db.transaction((e: StoredEndpoint) => {
      endpointsChanged();
      q.putEndpoint.run(endpointParams(e));
    }),
    updateEndpoint: db.transaction((id: string, patch: EndpointUpdate) => {
      mustEndpoint(id);
      endpointsChanged();
      patchEndpoint(id, patch, false);
    }),
    addDelivery: db.transaction(addDelivery),
    markInFlight: db.transaction((a: InFlightAttempt) => {
      mustChange(q.setDeliveryState.run('in-flight', a.deliveryId).changes, a.deliveryId);
      q.putInFlight.run({ ...a, timestamp: a.timestamp ?? null });
    }),
    completeAttempt: db.transaction((c: AttemptCompletion) => {
      const r = c.record;
      mustChange(q.updateDelivery.run({ ...c.delivery, id: r.deliveryId }).changes, r.deliveryId);
      if (c.endpoint) mustEndpoint(r.endpointId);
      q.clearInFlight.run(r.deliveryId);
      q.addAttempt.run({
        ...r,
        status: r.status ?? null,
        error: r.error ?? null,
        errorMessage: r.errorMessage ?? null,
        responseBody: r.responseBody ?? null,
        timestamp: r.timestamp ?? null,
      });
      if (c.endpoint) {
        endpointsChanged();
        patchEndpoint(r.endpointId, c.endpoint, true);
      }
      if (c.deadLetter) putDeadLetter(c.deadLetter);
    }),
    deadLetterDelivery: db.transaction((dl: DeadLetter) => {
      mustChange(q.setDeliveryState.run('dead', dl.deliveryId).changes, dl.deliveryId);
      q.clearInFlight.run(dl.deliveryId);
      putDeadLetter(dl);
    }),
    markRequeued: db.transaction((deadLetterId: string, newDeliveryId: string) => {
      if (q.markRequeued.run(newDeliveryId, deadLetterId).changes === 0) throw new Error(`store: no dead letter ${deadLetterId}`);
    }),
    putApp: db.transaction((a: StoredApp) => q.putApp.run({ ...a, uid: a.uid ?? null, attrs: JSON.stringify(a.attrs) })),
    deleteApp: db.transaction((id: string) => {
      endpointsChanged();
      q.deleteAppEndpoints.run(id);
      q.deleteApp.run(id);
    }),
    setMeta: db.transaction((key: string, value: string) => q.setMeta.run(key, value)),
  };

  const messagesList = (m: MessageQuery) => {
    const where = ['app_id = @appId'];
    const params: Row = { appId: m.appId };
    if (m.before !== undefined) (where.push('created_at < @before'), (params.before = m.before));
    if (m.after !== undefined) (where.push('created_at > @after'), (params.after = m.after));
    if (m.types?.length) (where.push('type IN (SELECT value FROM json_each(@types))'), (params.types = JSON.stringify(m.types)));
    if (m.channel !== undefined) (where.push('EXISTS (SELECT 1 FROM json_each(messages.channels) WHERE value = @channel)'), (params.channel = m.channel));
    if (m.tag !== undefined) (where.push('EXISTS (SELECT 1 FROM json_each(messages.tags) WHERE value = @tag)'), (params.tag = m.tag));
    return keysetPage(
      db,
      pageCache,
      {
        table: 'messages',
        where,
        params,
        key: ['created_at', 'rowid'],
        cursorOf: (id) => {
          const r = q.messageCursor.get(id, m.appId) as Row | undefined;
          return r && [r.created_at, r.rowid];
        },
        map: toMessage,
      },
      m,
    );
  };

  const attemptsList = (a: AttemptQuery) => {
    const where: string[] = [];
    const params: Row = {};
    if (a.msgId !== undefined) (where.push('msg_id = @msgId'), (params.msgId = a.msgId));
    if (a.endpointId !== undefined) (where.push('endpoint_id = @endpointId'), (params.endpointId = a.endpointId));
    if (a.before !== undefined) (where.push('COALESCE(timestamp, virtual_at) < @before'), (params.before = a.before));
    if (a.after !== undefined) (where.push('COALESCE(timestamp, virtual_at) > @after'), (params.after = a.after));
    if (a.outcome === 'success') where.push("outcome = 'success'");
    if (a.outcome === 'fail') where.push("outcome <> 'success'");
    if (a.codeClass !== undefined) {
      where.push(a.codeClass === 0 ? 'status IS NULL' : 'status / 100 * 100 = @codeClass');
      params.codeClass = a.codeClass;
    }
    if (a.types?.length) {
      where.push('msg_id IN (SELECT id FROM messages WHERE type IN (SELECT value FROM json_each(@types)))');
      params.types = JSON.stringify(a.types);
    }
    return keysetPage(
      db,
      pageCache,
      {
        table: 'attempts',
        where,
        params,
        key: ['seq'],
        cursorOf: (id) => {
          const r = q.attemptCursor.get(id) as Row | undefined;
          return r && [r.seq];
        },
        map: toAttempt,
      },
      a,
    );
  };

  return {
    // Each write updates `hot` once its SQL succeeded; the reads the engine repeats look there first.
    putMessage: (m) => commits.write(() => void (tx.putMessage(m), hot.messageWritten(m))),
    addMessage: (m, ds, dls = []) =>
      commits.write(() => {
        const r = tx.addMessage(m, ds, dls);
        hot.messageWritten(m);
        for (const d of ds) hot.deliveryWritten(d);
        return r;
      }),
    async getMessage(id) {
      const h = hot.message(id);
      if (h) return h;
      const r = q.getMessage.get(id) as Row | undefined;
      return r && toMessage(r);
    },
    putEndpoint: (e) => commits.write(() => void tx.putEndpoint(e)),
    async getEndpoint(id) {
      const e = endpoints().get(id);
      return e && copyEndpoint(e);
    },
    updateEndpoint: (id, patch) => commits.write(() => tx.updateEndpoint(id, patch)),
    async listEndpoints() {
      return [...endpoints().values()].map(copyEndpoint);
    },

    addDelivery: (d) => commits.write(() => void (tx.addDelivery(d), hot.deliveryWritten(d))),
    async getDelivery(id) {
      const h = hot.delivery(id);
      if (h) return h;
      const r = q.getDelivery.get(id) as Row | undefined;
      return r && toDelivery(r);
    },
    async listDeliveries(filter: DeliveryFilter = {}) {
      const params = { state: filter.state ?? null, msgId: filter.msgId ?? null, endpointId: filter.endpointId ?? null };
      return (q.listDeliveries.all(params) as Row[]).map(toDelivery);
    },

    markInFlight: (a) => commits.write(() => void (tx.markInFlight(a), hot.deliveryChanged(a.deliveryId, { state: 'in-flight' }))),
    async listInFlight() {
      return (q.listInFlight.all() as Row[]).map(toInFlight);
    },
    completeAttempt: (c) => commits.write(() => void (tx.completeAttempt(c), hot.deliveryChanged(c.record.deliveryId, c.delivery))),
    deadLetterDelivery: (dl) => commits.write(() => void (tx.deadLetterDelivery(dl), hot.deliveryChanged(dl.deliveryId, { state: 'dead' }))),
    markRequeued: (dl, next) => commits.write(() => tx.markRequeued(dl, next)),

    async listAttempts(filter: AttemptFilter = {}) {
      const params = { deliveryId: filter.deliveryId ?? null, msgId: filter.msgId ?? null, endpointId: filter.endpointId ?? null };
      return (q.listAttempts.all(params) as Row[]).map(toAttempt);
    },
    async listDeadLetters(filter: DeadLetterFilter = {}) {
      return (q.listDeadLetters.all({ endpointId: filter.endpointId ?? null, all: filter.includeRequeued ? 1 : 0 }) as Row[]).map(toDeadLetter);
    },
    async recoverable(endpointId, sinceMs, untilMs) {
      const rows = q.recoverable.all({ endpointId, since: sinceMs, until: untilMs }) as Row[];
      return rows.map((r) => ({ msgId: r.msg_id as string, deadLetterIds: (q.openDeadLetters.all(r.msg_id, endpointId) as Row[]).map((x) => x.id as string) }));
    },

    putApp: (a) => commits.write(() => void tx.putApp(a)),
    async getApp(idOrUid) {
      const r = (q.getApp.get(idOrUid) ?? q.getAppByUid.get(idOrUid)) as Row | undefined;
      return r && toApp(r);
    },
    async listApps() {
      return (q.listApps.all() as Row[]).map(toApp);
    },
    deleteApp: (id) => commits.write(() => tx.deleteApp(id)),
    async endpointsOf(appId) {
      return [...endpoints().values()].filter((e) => e.appId === appId && !e.deleted).map(copyEndpoint);
    },
    async findEndpoint(appId, idOrUid) {
      const mine = [...endpoints().values()].filter((e) => e.appId === appId && !e.deleted);
      const e = mine.find((x) => x.id === idOrUid) ?? mine.find((x) => x.uid === idOrUid);
      return e && copyEndpoint(e);
    },
    async findMessage(appId, idOrEventId) {
      const r = (q.messageOfApp.get(idOrEventId, appId) ?? q.messageByEventId.get(appId, idOrEventId)) as Row | undefined;
      return r && toMessage(r);
    },
    async listMessages(m) {
      return messagesList(m);
    },
    async listAttemptsPage(a) {
      return attemptsList(a);
    },
    async getAttempt(id) {
      const r = q.getAttempt.get(id) as Row | undefined;
      return r && toAttempt(r);
    },
    async endpointStats(endpointId, sinceMs, untilMs) {
      const stats: EndpointStats = { success: 0, pending: 0, sending: 0, fail: 0, canceled: 0 };
      for (const r of q.endpointStats.all({ endpointId, since: sinceMs, until: untilMs }) as Row[]) {
        const n = r.n as number;
        if (r.status === 'delivered') stats.success += n;
        else if (r.status === 'in-flight') stats.sending += n;
        else if (r.status === 'pending') stats.pending += n;
        else stats.fail += n;
      }
      return stats;
    },
    async latestVirtualTime() {
      const r = q.latest.get() as { m: number | null; a: number | null };
      const t = Math.max(r.m ?? -Infinity, r.a ?? -Infinity);
      return Number.isFinite(t) ? t : undefined;
    },
    async getMeta(key) {
      return (q.getMeta.get(key) as { value: string } | undefined)?.value;
    },
    setMeta: (key, value) => commits.write(() => void tx.setMeta(key, value)),
    ...overviewReads(db, pageCache),

    close() {
      if (!db.open) return;
      commits.close();
      checkpointer?.stop();
      db.close();
    },
  };
}

function statements(db: Db) {
  return {
    putMessage: db.prepare(
      `INSERT INTO messages (id, type, body, entity_id, created_at, app_id, event_id, channels, tags)
       VALUES (@id, @type, @body, @entityId, @createdAt, @appId, @eventId, @channels, @tags)
       ON CONFLICT(id) DO UPDATE SET type = excluded.type, body = excluded.body, entity_id = excluded.entity_id, created_at = excluded.created_at,
         app_id = excluded.app_id, event_id = excluded.event_id, channels = excluded.channels, tags = excluded.tags`,
    ),
    getMessage: db.prepare('SELECT * FROM messages WHERE id = ?'),
    messageOfApp: db.prepare('SELECT * FROM messages WHERE id = ? AND app_id = ?'),
    messageByEventId: db.prepare('SELECT * FROM messages WHERE app_id = ? AND event_id = ?'),
    messageCursor: db.prepare('SELECT created_at, rowid FROM messages WHERE id = ? AND app_id = ?'),
    putEndpoint: db.prepare(
      `INSERT INTO endpoints (id, url, secret, webhook_id, header_style, disabled, failing_since, disabled_at_set, disabled_at,
         previous_secrets, app_id, uid, attrs, created_at, updated_at, deleted)
       VALUES (@id, @url, @secret, @webhookId, @headerStyle, @disabled, @failingSince, @disabledAtSet, @disabledAt,
         @previousSecrets, @appId, @uid, @attrs, @createdAt, @updatedAt, @deleted)
       ON CONFLICT(id) DO UPDATE SET url = excluded.url, secret = excluded.secret, webhook_id = excluded.webhook_id,
         header_style = excluded.header_style, disabled = excluded.disabled, failing_since = excluded.failing_since,
         disabled_at_set = excluded.disabled_at_set, disabled_at = excluded.disabled_at, previous_secrets = excluded.previous_secrets,
         app_id = excluded.app_id, uid = excluded.uid, attrs = excluded.attrs, created_at = excluded.created_at,
         updated_at = excluded.updated_at, deleted = excluded.deleted`,
    ),
    listEndpoints: db.prepare('SELECT * FROM endpoints ORDER BY rowid'),
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
      `INSERT INTO in_flight (delivery_id, n, virtual_offset_ms, virtual_at, started_at, trigger, timestamp)
       VALUES (@deliveryId, @n, @virtualOffsetMs, @virtualAt, @startedAt, @trigger, @timestamp)
       ON CONFLICT(delivery_id) DO UPDATE SET n = excluded.n, virtual_offset_ms = excluded.virtual_offset_ms,
         virtual_at = excluded.virtual_at, started_at = excluded.started_at, trigger = excluded.trigger, timestamp = excluded.timestamp`,
    ),
    listInFlight: db.prepare('SELECT * FROM in_flight ORDER BY rowid'),
    clearInFlight: db.prepare('DELETE FROM in_flight WHERE delivery_id = ?'),
    addAttempt: db.prepare(
      `INSERT INTO attempts (id, delivery_id, msg_id, endpoint_id, n, virtual_offset_ms, virtual_at, started_at, trigger,
         status, error, error_message, response_body, latency_ms, outcome, timestamp)
       VALUES (@id, @deliveryId, @msgId, @endpointId, @n, @virtualOffsetMs, @virtualAt, @startedAt, @trigger,
         @status, @error, @errorMessage, @responseBody, @latencyMs, @outcome, @timestamp)`,
    ),
    listAttempts: db.prepare(
      `SELECT * FROM attempts WHERE (@deliveryId IS NULL OR delivery_id = @deliveryId) AND (@msgId IS NULL OR msg_id = @msgId)
         AND (@endpointId IS NULL OR endpoint_id = @endpointId) ORDER BY seq`,
    ),
    getAttempt: db.prepare('SELECT * FROM attempts WHERE id = ?'),
    attemptCursor: db.prepare('SELECT seq FROM attempts WHERE id = ?'),
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
    openDeadLetters: db.prepare('SELECT id FROM dead_letters WHERE msg_id = ? AND endpoint_id = ? AND requeued_as IS NULL ORDER BY rowid'),
    // Every delivery of the message to the endpoint is dead: none delivered, none waiting or in flight.
    recoverable: db.prepare(
      `SELECT d.msg_id FROM messages m JOIN deliveries d ON d.msg_id = m.id
       WHERE m.created_at >= @since AND m.created_at <= @until AND d.endpoint_id = @endpointId
       GROUP BY d.msg_id HAVING SUM(d.state <> 'dead') = 0 ORDER BY MIN(m.created_at), MIN(m.rowid)`,
    ),
    // Per message: delivered if any delivery succeeded, else in flight, else waiting, else failed.
    endpointStats: db.prepare(
      `SELECT status, COUNT(*) AS n FROM (
         SELECT CASE WHEN SUM(d.state = 'delivered') > 0 THEN 'delivered' WHEN SUM(d.state = 'in-flight') > 0 THEN 'in-flight'
                     WHEN SUM(d.state = 'pending') > 0 THEN 'pending' ELSE 'dead' END AS status
         FROM messages m JOIN deliveries d ON d.msg_id = m.id
         WHERE m.created_at >= @since AND m.created_at <= @until AND d.endpoint_id = @endpointId GROUP BY d.msg_id)
       GROUP BY status`,
    ),
    latest: db.prepare('SELECT (SELECT MAX(created_at) FROM messages) AS m, (SELECT MAX(COALESCE(timestamp, virtual_at)) FROM attempts) AS a'),
    putApp: db.prepare(
      `INSERT INTO apps (id, uid, name, attrs, created_at, updated_at) VALUES (@id, @uid, @name, @attrs, @createdAt, @updatedAt)
       ON CONFLICT(id) DO UPDATE SET uid = excluded.uid, name = excluded.name, attrs = excluded.attrs, updated_at = excluded.updated_at`,
    ),
    getApp: db.prepare('SELECT * FROM apps WHERE id = ?'),
    getAppByUid: db.prepare('SELECT * FROM apps WHERE uid = ?'),
    listApps: db.prepare('SELECT * FROM apps ORDER BY rowid'),
    deleteApp: db.prepare('DELETE FROM apps WHERE id = ?'),
    deleteAppEndpoints: db.prepare('UPDATE endpoints SET deleted = 1, disabled = 1 WHERE app_id = ?'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
  };
}
