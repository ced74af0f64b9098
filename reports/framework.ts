import type { RunResults } from '../suites/types.js';

/*
 * Which web framework the receiver runs on, inferred from what it answered, so
 * that the advice in reports can show that framework's fix instead of all of them.
 *
 * Signs, strongest first:
 *  1. response headers the framework sets by default (`x-powered-by: Express`,
 *     `server: Werkzeug/…`, `server: uvicorn`, `x-powered-by: Next.js`, …);
 *  2. the shape of its default error bodies (Express's HTML `<pre>Cannot POST /x</pre>`
 *     page, Fastify's `{"statusCode","error","message"}` JSON, Werkzeug's HTML pages,
 *     FastAPI's `{"detail": …}`, Hono's plain-text `404 Not Found`, Next.js pages).
 * Only error answers (status ≥ 400) are read for body shapes: a 2xx body is the
 * receiver's own. Conflicting signs of the same strength give `undefined`.
 *
 * Pure: no I/O. The `because` text is built from fixed phrases only (never from
 * what the receiver sent), so writers can render it like the rest of fixes.ts.
 */

export type FrameworkName = 'express' | 'fastify' | 'flask' | 'fastapi' | 'hono' | 'nextjs';

export interface InferredFramework {
  name: FrameworkName;
  /** Why, in words: which signs were seen (our own text; backtick spans are code). */
  because: string;
}

/** One answer of the receiver, as evidence keeps it (header names lowercase or not). */
export interface ObservedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export const FRAMEWORK_LABEL: Record<FrameworkName, string> = {
  express: 'Express',
  fastify: 'Fastify',
  flask: 'Flask',
  fastapi: 'FastAPI',
  hono: 'Hono',
  nextjs: 'Next.js',
};

interface Sign {
  name: FrameworkName;
  strength: 'header' | 'body';
  because: string;
}

function lowerHeaders(h: ObservedResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function headerSigns(h: Record<string, string>): Sign[] {
  const signs: Sign[] = [];
  const poweredBy = (h['x-powered-by'] ?? '').trim();
  const server = (h['server'] ?? '').trim();
  const add = (name: FrameworkName, because: string) => signs.push({ name, strength: 'header', because });
  // Exact values, as the frameworks send them: `x-powered-by: Express <script>` is nobody's default.
  if (/^express$/i.test(poweredBy)) add('express', 'its answers carry `x-powered-by: Express`');
  if (/^next\.js$/i.test(poweredBy)) add('nextjs', 'its answers carry `x-powered-by: Next.js`');
  if (/^hono$/i.test(poweredBy)) add('hono', 'its answers carry `x-powered-by: Hono`');
  if (/^fastify$/i.test(poweredBy)) add('fastify', 'its answers carry `x-powered-by: Fastify`');
  if (/^werkzeug\/[\w.+-]+( python\/[\w.+-]+)?$/i.test(server)) add('flask', 'its answers carry `server: Werkzeug/…` (the Flask development server)');
  if (/^uvicorn$/i.test(server)) add('fastapi', 'its answers carry `server: uvicorn`');
  const vary = h['vary'] ?? '';
  if (
    Object.keys(h).some((k) => k.startsWith('x-nextjs-')) ||
    /(^|[\s,])(rsc|next-router-state-tree|next-router-prefetch)([\s,]|$)/i.test(vary)
  ) {
    add('nextjs', 'its answers carry Next.js headers (`x-nextjs-…`, `vary: RSC, Next-Router-State-Tree`)');
  }
  return signs;
}

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  const t = body.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function bodySigns(status: number, h: Record<string, string>, rawBody: string): Sign[] {
  if (status < 400) return [];
  const signs: Sign[] = [];
  const add = (name: FrameworkName, because: string) => signs.push({ name, strength: 'body', because });
  const body = rawBody.replace(/^\uFEFF/, '');
  const type = (h['content-type'] ?? '').trim();

  // Express (finalhandler): an HTML page titled "Error" with the message in <pre>.
  if (/<pre>Cannot (POST|GET|PUT|DELETE|PATCH|HEAD|OPTIONS) \//.test(body)) {
    add('express', "a 404 answer is Express's default page (`<pre>Cannot POST …</pre>`)");
  } else if (/^<!DOCTYPE html>\s*<html lang="en">\s*<head>\s*<meta charset="utf-8">\s*<title>Error<\/title>[\s\S]*<pre>/.test(body)) {
    add('express', "error answers are Express's default HTML error page (`<title>Error</title>` … `<pre>`)");
  }

  // Werkzeug (Flask): `<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>`; older versions an HTML 3.2 doctype.
  if (/^<!doctype html>\s*<html lang=en>\s*<title>\d{3} [^<]*<\/title>/.test(body) || /^<!DOCTYPE HTML PUBLIC "-\/\/W3C\/\/DTD HTML 3\.2 Final\/\/EN">\s*<title>\d{3} /.test(body)) {
    add('flask', "error answers are Werkzeug's HTML error pages (`<title>400 Bad Request</title>`), as Flask sends them");
  }

  const json = parseJsonObject(body);
  if (json) {
    const keys = Object.keys(json);
    // Fastify: {"statusCode": 400, "code": "FST_…", "error": "Bad Request", "message": "…"}.
    if (typeof json.code === 'string' && /^FST_/.test(json.code)) {
      add('fastify', 'an error answer carries a Fastify error code (`FST_…`)');
    } else if (typeof json.statusCode === 'number' && typeof json.error === 'string' && typeof json.message === 'string') {
      add('fastify', "error answers have Fastify's JSON shape (`statusCode`, `error`, `message`)");
    }
    // FastAPI / Starlette: {"detail": "Not Found"} or a pydantic error list.
    if (keys.length === 1 && keys[0] === 'detail' && (typeof json.detail === 'string' || Array.isArray(json.detail))) {
      add('fastapi', "error answers have FastAPI's JSON shape (`{\"detail\": …}`)");
    }
  }

  // Hono: c.text('404 Not Found', 404) and c.text('Internal Server Error', 500), as a web-standard Response.
  const plain = /^text\/plain\s*;\s*charset=UTF-8$/.test(type);
  if (/^text\/plain\b/i.test(type) && body === '404 Not Found') {
    add('hono', "a 404 answer is Hono's plain-text `404 Not Found`");
  } else if (plain && body === 'Internal Server Error') {
    add('hono', "a 500 answer is Hono's plain-text `Internal Server Error` (`text/plain; charset=UTF-8`)");
  }

  // Next.js: its error pages and build assets.
  if (/__NEXT_DATA__|\/_next\/static\/|next-error-h1|self\.__next_f/.test(body)) {
    add('nextjs', 'error answers are Next.js pages (`/_next/static/` assets)');
  }
  return signs;
}

/** Every sign one response shows. */
function signsOf(r: ObservedResponse): Sign[] {
  const h = lowerHeaders(r.headers);
  return [...headerSigns(h), ...bodySigns(r.status, h, r.body ?? '')];
}

/** The one framework with strictly the most responses showing a sign, from `counts`; undefined on a tie. */
function leader(counts: Map<FrameworkName, number>, among?: Set<FrameworkName>): FrameworkName | undefined {
  let best: FrameworkName | undefined;
  let bestN = 0;
  let tie = false;
  for (const [name, n] of counts) {
    if (among && !among.has(name)) continue;
    if (n > bestN) {
      best = name;
      bestN = n;
      tie = false;
    } else if (n === bestN) {
      tie = true;
    }
  }
  return best && !tie ? best : undefined;
}

/**
 * The receiver's framework, from its answers: headers decide; body shapes decide
 * when no header names a framework, or break a tie between frameworks the headers
 * name. Undefined when nothing points to one framework.
 */
export function inferFramework(responses: readonly ObservedResponse[]): InferredFramework | undefined {
  const header = new Map<FrameworkName, number>();
  const body = new Map<FrameworkName, number>();
  const reasons = new Map<FrameworkName, string[]>();
  for (const r of responses) {
    const seen = new Set<string>();
    for (const s of signsOf(r)) {
      const key = `${s.strength}:${s.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        const m = s.strength === 'header' ? header : body;
        m.set(s.name, (m.get(s.name) ?? 0) + 1);
      }
      const list = reasons.get(s.name) ?? [];
      if (!list.includes(s.because)) list.push(s.because);
      reasons.set(s.name, list);
    }
  }
  let name: FrameworkName | undefined;
  if (header.size === 1) {
    name = [...header.keys()][0];
  } else if (header.size > 1) {
    // Several frameworks named by headers (a proxy, a custom server): the body shapes decide, else nobody.
    name = leader(body, new Set(header.keys()));
  } else {
    name = leader(body);
  }
  if (!name) return undefined;
  const why = reasons.get(name) ?? [];
  return { name, because: why.slice(0, 2).join('; ') };
}

const CACHE = new WeakMap<RunResults, InferredFramework | null>();

/** The framework of the receiver a run judged, from every response kept as evidence (computed once per run object). */
export function frameworkOfRun(run: RunResults): InferredFramework | undefined {
  const cached = CACHE.get(run);
  if (cached !== undefined) return cached ?? undefined;
  const responses: ObservedResponse[] = [];
  for (const c of run.checks ?? []) {
    for (const e of c.evidence ?? []) if (e.response) responses.push(e.response);
  }
  const found = inferFramework(responses);
  CACHE.set(run, found ?? null);
  return found;
}
