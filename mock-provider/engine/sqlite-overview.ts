import type { AttemptSummary, Page, PageQuery } from './records.js';
import { keysetPage } from './sqlite-pages.js';
import { toMessage, type Row } from './sqlite-rows.js';
import type { Db } from './sqlite-schema.js';
import type { StoredMessage } from './store.js';

export interface OverviewReads {
  recentMessages(q: PageQuery): Promise<Page<StoredMessage>>;
  attemptSummary(endpointId: string, sinceMs: number, untilMs: number): Promise<AttemptSummary>;
}

/**
 * Reads across applications for the dashboard and the OmniSales API (whose messages belong to no Svix
 * application). Kept apart from sqlite-store.ts, which the delivery hot path lives in; both read the
 * same connection. Messages page on their rowid (insertion order), which needs no index of its own, so
 * the emit path pays nothing for these reads.
 */
export function overviewReads(db: Db, pageCache: Map<string, ReturnType<Db['prepare']>>): OverviewReads {
  const cursor = db.prepare('SELECT rowid FROM messages WHERE id = ?');
  const summary = db.prepare(
    `SELECT COUNT(*) AS attempts, COALESCE(SUM(outcome = 'success'), 0) AS succeeded, AVG(latency_ms) AS avg,
       MAX(COALESCE(timestamp, virtual_at)) AS last
     FROM attempts WHERE endpoint_id = @endpointId AND COALESCE(timestamp, virtual_at) BETWEEN @since AND @until`,
  );
  return {
    async recentMessages(q) {
      return keysetPage(
        db,
        pageCache,
        {
          table: 'messages',
          where: [],
          params: {},
          key: ['rowid'],
          cursorOf: (id) => {
            const r = cursor.get(id) as Row | undefined;
            return r && [r.rowid];
          },
          map: toMessage,
        },
        q,
      );
    },
    async attemptSummary(endpointId, sinceMs, untilMs) {
      const r = summary.get({ endpointId, since: sinceMs, until: untilMs }) as { attempts: number; succeeded: number; avg: number | null; last: number | null };
      return { attempts: r.attempts, succeeded: r.succeeded, avgLatencyMs: r.avg, lastAt: r.last };
    },
  };
}
