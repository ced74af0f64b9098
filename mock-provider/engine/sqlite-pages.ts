import type { Db } from './sqlite-schema.js';
import type { Row } from './sqlite-rows.js';
import type { Page, PageQuery } from './records.js';

export interface KeysetList<T extends { id: string }> {
  /** `FROM …` table (and alias-free columns). */
  table: string;
  /** ANDed conditions with `@name` parameters. */
  where: string[];
  params: Row;
  /** The sort key, most significant first; the last one must be unique (rowid or seq). */
  key: readonly string[];
  /** The key values of the row with this id, when it is in the list's scope. */
  cursorOf(id: string): unknown[] | undefined;
  map(r: Row): T;
}

/**
 * Svix's iterator paging as a keyset query: the iterator names the last row shown and the next page
 * continues from its sort key through an index, so page 2,000 of 100,000 messages costs what page 1
 * does (an offset would scan every row before it). `-id` pages backwards from that row.
 */
export function keysetPage<T extends { id: string }>(db: Db, cache: Map<string, ReturnType<Db['prepare']>>, list: KeysetList<T>, q: PageQuery): Page<T> {
  const backwards = q.iterator?.startsWith('-') ?? false;
  const iteratorId = backwards ? q.iterator!.slice(1) : q.iterator;
  const cursor = iteratorId ? list.cursorOf(iteratorId) : undefined;
  if (backwards && !cursor) return { data: [], iterator: null, prevIterator: null, done: true };
  const descending = (q.order === 'descending') !== backwards;
  const where = [...list.where];
  const params: Row = { ...list.params, limit: q.limit + 1 };
  if (cursor) {
    const names = list.key.map((_, i) => `@k${i}`);
    where.push(`(${list.key.join(', ')}) ${descending ? '<' : '>'} (${names.join(', ')})`);
    cursor.forEach((v, i) => (params[`k${i}`] = v));
  }
  const dir = descending ? 'DESC' : 'ASC';
  const sql = `SELECT * FROM ${list.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${list.key.map((k) => `${k} ${dir}`).join(', ')} LIMIT @limit`;
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  const rows = stmt.all(params) as Row[];
  const more = rows.length > q.limit;
  let data = rows.slice(0, q.limit).map((r) => list.map(r));
  if (backwards) data = data.reverse();
  return {
    data,
    iterator: data.length ? data[data.length - 1].id : null,
    prevIterator: data.length ? `-${data[0].id}` : null,
    done: !more,
  };
}
