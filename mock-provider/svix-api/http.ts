import type { Response } from 'express';
import type { JsonObject } from '../../fixtures/profile.js';
import type { ListOrder, PageQuery } from '../engine/records.js';

export type Metadata = Record<string, string>;

/** A refusal with Svix's error body: `{code, detail}`, or a 422 `{detail:[{loc,msg,type}]}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly loc?: string[],
  ) {
    super(detail);
    this.name = 'SvixApiError';
  }

  get body(): unknown {
    if (this.status === 422) return { detail: [{ loc: this.loc ?? ['body'], msg: this.message, type: 'value_error' }] };
    return { code: this.code, detail: this.message };
  }
}

export const notFound = (what = 'Entity'): ApiError => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (detail: string): ApiError => new ApiError(409, 'conflict', detail);
export const invalid = (field: string, msg: string, where: 'body' | 'query' = 'body'): ApiError => new ApiError(422, 'validation', msg, [where, field]);

/** Sends `body` as JSON with `status` (no body for 204) and lets the idempotency layer remember a 2xx. */
export function reply(res: Response, status: number, body?: unknown): void {
  const remember = res.locals.rememberReply as ((status: number, body: unknown) => void) | undefined;
  if (status >= 200 && status < 300) remember?.(status, body);
  if (status === 204) res.status(204).end();
  else res.status(status).json(body ?? {});
}

/** RFC 3339 UTC with milliseconds and `Z`. */
export const iso = (ms: number): string => new Date(ms).toISOString();

export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function body(req: { body?: unknown }): JsonObject {
  return isObject(req.body) ? req.body : {};
}

const NAME = /^[a-zA-Z0-9\-_.]+$/;

export function optString(b: JsonObject, field: string, opts: { name?: boolean } = {}): string | undefined {
  const v = b[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(field, `${field} must be a string`);
  if (opts.name && (!NAME.test(v) || v.length > 256)) throw invalid(field, `${field} must match ^[a-zA-Z0-9\\-_.]+$ (at most 256 characters)`);
  return v;
}

export function reqString(b: JsonObject, field: string, opts: { name?: boolean } = {}): string {
  const v = optString(b, field, opts);
  if (v === undefined) throw invalid(field, 'field required');
  return v;
}

export function optNumber(b: JsonObject, field: string): number | null | undefined {
  const v = b[field];
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(field, `${field} must be a number`);
  return v;
}

export function optStringList(b: JsonObject, field: string): string[] | null | undefined {
  const v = b[field];
  if (v === undefined || v === null) return v as null | undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw invalid(field, `${field} must be a list of strings`);
  return v as string[];
}

export function optMetadata(b: JsonObject, field = 'metadata'): Metadata | undefined {
  const v = b[field];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || !Object.values(v).every((s) => typeof s === 'string')) throw invalid(field, `${field} must map strings to strings`);
  return { ...(v as Metadata) };
}

export function optDate(b: JsonObject, field: string): number | undefined {
  const v = b[field];
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw invalid(field, `${field} must be an RFC 3339 date`);
  return ms;
}

/** A query value as one string (the first when repeated). */
export function q(query: unknown, name: string): string | undefined {
  const v = isObject(query) ? query[name] : undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

export function qBool(query: unknown, name: string, fallback: boolean): boolean {
  const v = q(query, name);
  return v === undefined ? fallback : v === 'true';
}

export function qDate(query: unknown, name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalid(name, `${name} must be an RFC 3339 date`, 'query');
  return ms;
}

export interface ListOut<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

/** `limit` (1–250, default 50), `iterator` and `order` of a list request, validated (422 otherwise). */
export function pageQuery(query: unknown, defaultOrder: ListOrder): PageQuery {
  const limitText = q(query, 'limit');
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) throw invalid('limit', 'limit must be an integer between 1 and 250', 'query');
  const order = q(query, 'order') ?? defaultOrder;
  if (order !== 'ascending' && order !== 'descending') throw invalid('order', 'order must be ascending or descending', 'query');
  const iterator = q(query, 'iterator');
  return { limit, order, ...(iterator ? { iterator } : {}) };
}

/**
 * Svix's list envelope over a short in-memory list (apps, endpoints), `items` already in the default order. `iterator` is the last id shown (next
 * page after it); `-id` pages backwards from it. `order` other than the default reverses the list.
 */
export function paginate<T extends { id: string }>(items: T[], query: unknown, defaultOrder: 'ascending' | 'descending' = 'ascending'): ListOut<T> {
  const { limit, order, iterator } = pageQuery(query, defaultOrder);
  const list = order !== defaultOrder ? [...items].reverse() : items;
  let page: T[];
  let done: boolean;
  if (iterator?.startsWith('-')) {
    const at = list.findIndex((x) => x.id === iterator.slice(1));
    const end = at < 0 ? 0 : at;
    page = list.slice(Math.max(0, end - limit), end);
    done = end - limit <= 0;
  } else {
    const at = iterator ? list.findIndex((x) => x.id === iterator) : -1;
    const start = at + 1;
    page = list.slice(start, start + limit);
    done = start + limit >= list.length;
  }
  return {
    data: page,
    iterator: page.length ? page[page.length - 1].id : null,
    prevIterator: page.length ? `-${page[0].id}` : null,
    done,
  };
}
