import { describe, expect, it } from 'vitest';
import { frameworkOfRun, inferFramework, type ObservedResponse } from '../../reports/framework.js';
import { FIXED_CHECK_IDS, fixFor } from '../../reports/fixes.js';
import { summaryMarkdown } from '../../reports/summary-md.js';
import { reportHtml } from '../../reports/report-html.js';
import type { CheckResult, Evidence, RunResults } from '../../suites/types.js';
import { sampleChecks, sampleRun } from './fixture-run.js';

// Samples as the frameworks answer by default. Express 5 and Flask 3.1 / Werkzeug 3.1 ones were
// captured from the real frameworks; the others follow their default handlers' source.

const EXPRESS_404: ObservedResponse = {
  status: 404,
  headers: {
    'content-security-policy': "default-src 'none'",
    'content-type': 'text/html; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'x-powered-by': 'Express',
  },
  body: '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST /nope</pre>\n</body>\n</html>\n',
};
const EXPRESS_400_PROD: ObservedResponse = {
  status: 400,
  headers: { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Express' },
  body: '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Bad Request</pre>\n</body>\n</html>\n',
};
const EXPRESS_400_DEV: ObservedResponse = {
  status: 400,
  headers: { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Express' },
  body: '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Expected property name or &#39;}&#39; in JSON at position 1<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)</pre>\n</body>\n</html>\n',
};
/** The receiver's own refusal: no framework sign in the body, only the default header. */
const EXPRESS_401_OWN: ObservedResponse = { status: 401, headers: { 'content-type': 'application/json; charset=utf-8', 'x-powered-by': 'Express' }, body: '{"error":"invalid signature"}' };

const FASTIFY_404: ObservedResponse = {
  status: 404,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: '{"message":"Route POST:/webhook not found","error":"Not Found","statusCode":404}',
};
const FASTIFY_400: ObservedResponse = {
  status: 400,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: '{"statusCode":400,"code":"FST_ERR_CTP_EMPTY_JSON_BODY","error":"Bad Request","message":"Body cannot be empty when content-type is set to \'application/json\'"}',
};

const WERKZEUG = { 'content-type': 'text/html; charset=utf-8', server: 'Werkzeug/3.1.8 Python/3.11.7' };
const FLASK_404_BODY =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
const FLASK_400_BODY =
  '<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>The browser (or proxy) sent a request that this server could not understand.</p>\n';
const FLASK_400: ObservedResponse = { status: 400, headers: WERKZEUG, body: FLASK_400_BODY };
/** Behind gunicorn: no Werkzeug server header, the body shape remains. */
const FLASK_400_GUNICORN: ObservedResponse = { status: 400, headers: { 'content-type': 'text/html; charset=utf-8', server: 'gunicorn' }, body: FLASK_400_BODY };
const FLASK_404_GUNICORN: ObservedResponse = { status: 404, headers: { 'content-type': 'text/html; charset=utf-8', server: 'gunicorn' }, body: FLASK_404_BODY };
const FLASK_500_OLD: ObservedResponse = {
  status: 500,
  headers: { 'content-type': 'text/html; charset=utf-8', server: 'gunicorn/20.1.0' },
  body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error.</p>\n',
};

const FASTAPI_404: ObservedResponse = { status: 404, headers: { 'content-type': 'application/json', server: 'uvicorn' }, body: '{"detail":"Not Found"}' };
const FASTAPI_422_BEHIND_PROXY: ObservedResponse = {
  status: 422,
  headers: { 'content-type': 'application/json', server: 'nginx/1.25.3' },
  body: '{"detail":[{"type":"missing","loc":["header","svix-id"],"msg":"Field required","input":null}]}',
};
const UVICORN_500: ObservedResponse = { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8', server: 'uvicorn' }, body: 'Internal Server Error' };

const HONO_404: ObservedResponse = { status: 404, headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: '404 Not Found' };
const HONO_500: ObservedResponse = { status: 500, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: 'Internal Server Error' };
const HONO_POWERED: ObservedResponse = { status: 401, headers: { 'x-powered-by': 'Hono', 'content-type': 'application/json' }, body: '{"error":"invalid signature"}' };

const NEXT_405: ObservedResponse = {
  status: 405,
  headers: { 'x-powered-by': 'Next.js', vary: 'RSC, Next-Router-State-Tree, Next-Router-Prefetch', 'cache-control': 'no-store' },
  body: '',
};
const NEXT_404_NO_POWERED: ObservedResponse = {
  status: 404,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: '<!DOCTYPE html><html><head><link rel="stylesheet" href="/_next/static/css/app/layout.css"/></head><body><h1 class="next-error-h1">404</h1><h2>This page could not be found.</h2></body></html>',
};
const NEXT_HEADERS_ONLY: ObservedResponse = { status: 500, headers: { 'x-nextjs-cache': 'MISS', 'x-matched-path': '/api/webhook' }, body: '' };

describe('inferFramework', () => {
  it('reads each framework from its default headers', () => {
    expect(inferFramework([EXPRESS_401_OWN])).toEqual({ name: 'express', because: 'its answers carry `x-powered-by: Express`' });
    expect(inferFramework([{ status: 401, headers: WERKZEUG, body: 'invalid signature' }])?.name).toBe('flask');
    expect(inferFramework([{ status: 401, headers: { server: 'uvicorn' }, body: '{"ok":false}' }])?.name).toBe('fastapi');
    expect(inferFramework([HONO_POWERED])?.name).toBe('hono');
    expect(inferFramework([NEXT_405])?.name).toBe('nextjs');
    expect(inferFramework([NEXT_HEADERS_ONLY])?.name).toBe('nextjs');
  });

  it('reads header names in any case and arrays of values', () => {
    expect(inferFramework([{ status: 401, headers: { 'X-Powered-By': 'Express' }, body: '' }])?.name).toBe('express');
    expect(inferFramework([{ status: 401, headers: { Server: ['uvicorn'] }, body: '' }])?.name).toBe('fastapi');
  });

  it('reads each framework from its default error bodies when no header names it', () => {
    const noPowered = (r: ObservedResponse): ObservedResponse => ({ ...r, headers: { ...r.headers, 'x-powered-by': undefined } });
    expect(inferFramework([noPowered(EXPRESS_404)])?.name).toBe('express');
    expect(inferFramework([noPowered(EXPRESS_404)])?.because).toContain('`<pre>Cannot POST …</pre>`');
    expect(inferFramework([noPowered(EXPRESS_400_PROD)])?.name).toBe('express');
    expect(inferFramework([noPowered(EXPRESS_400_DEV)])?.name).toBe('express');
    expect(inferFramework([FASTIFY_404])?.name).toBe('fastify');
    expect(inferFramework([FASTIFY_400])).toEqual({ name: 'fastify', because: 'an error answer carries a Fastify error code (`FST_…`)' });
    expect(inferFramework([FLASK_400_GUNICORN])?.name).toBe('flask');
    expect(inferFramework([FLASK_500_OLD])?.name).toBe('flask');
    expect(inferFramework([FASTAPI_422_BEHIND_PROXY])?.name).toBe('fastapi');
    expect(inferFramework([HONO_404])?.name).toBe('hono');
    expect(inferFramework([HONO_500])?.name).toBe('hono');
    expect(inferFramework([NEXT_404_NO_POWERED])?.name).toBe('nextjs');
  });

  it('gives the reasons, headers and body signs together, at most two', () => {
    const f = inferFramework([EXPRESS_404, EXPRESS_400_PROD, EXPRESS_401_OWN]);
    expect(f?.name).toBe('express');
    expect(f?.because).toBe("its answers carry `x-powered-by: Express`; a 404 answer is Express's default page (`<pre>Cannot POST …</pre>`)");
    expect(inferFramework([FLASK_400])?.because).toMatch(/^its answers carry `server: Werkzeug\/…`.*; error answers are Werkzeug's HTML error pages/);
  });

  it('lets a header outweigh a body shape of another framework', () => {
    // uvicorn's own 500 is plain text, but not Hono's (lowercase utf-8, and the server header says uvicorn).
    expect(inferFramework([UVICORN_500])?.name).toBe('fastapi');
    // NestJS on Express answers errors in the Fastify-like shape; x-powered-by names Express.
    const nest: ObservedResponse = { status: 404, headers: { 'x-powered-by': 'Express', 'content-type': 'application/json; charset=utf-8' }, body: '{"message":"Cannot POST /webhook","error":"Not Found","statusCode":404}' };
    expect(inferFramework([nest, FASTIFY_404])?.name).toBe('express');
  });

  it('is undefined when nothing names a framework', () => {
    expect(inferFramework([])).toBeUndefined();
    expect(inferFramework([{ status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid signature"}' }])).toBeUndefined();
    expect(inferFramework([{ status: 400, headers: { 'content-type': 'text/plain' }, body: 'Bad Request' }])).toBeUndefined();
    // A plain-text 500 with the lowercase charset of Express/Starlette/Fastify is not Hono's.
    expect(inferFramework([{ status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error' }])).toBeUndefined();
    // gunicorn alone serves Flask and Django alike.
    expect(inferFramework([{ status: 401, headers: { server: 'gunicorn' }, body: '' }])).toBeUndefined();
  });

  it('reads body shapes of error answers only: a 2xx body is the receiver\'s own', () => {
    expect(inferFramework([{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"detail":"received"}' }])).toBeUndefined();
    expect(inferFramework([{ status: 200, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '404 Not Found' }])).toBeUndefined();
  });

  it('is undefined when the signs conflict at the same strength', () => {
    // Two body shapes, one answer each, no header: ambiguous.
    expect(inferFramework([FASTIFY_404, FLASK_404_GUNICORN])).toBeUndefined();
    // Two frameworks named by headers (a proxy adding its own?) and no body shape to decide.
    expect(inferFramework([EXPRESS_401_OWN, { status: 401, headers: { server: 'uvicorn' }, body: '' }])).toBeUndefined();
    // ... unless the bodies side with one of them.
    expect(inferFramework([EXPRESS_401_OWN, { status: 401, headers: { server: 'uvicorn' }, body: '' }, FASTAPI_422_BEHIND_PROXY])?.name).toBe('fastapi');
    // A majority of body signs decides.
    expect(inferFramework([FASTIFY_404, FASTIFY_400, FLASK_404_GUNICORN])?.name).toBe('fastify');
  });

  it('ignores look-alike header values (`x-powered-by: Express <script>` is no default)', () => {
    expect(inferFramework([{ status: 401, headers: { 'x-powered-by': 'Express <img src=x>' }, body: '' }])).toBeUndefined();
    expect(inferFramework([{ status: 401, headers: { server: 'uvicorn-clone 2' }, body: '' }])).toBeUndefined();
  });

  it('builds its reason from fixed phrases only', () => {
    const hostile = '<script>alert(1)</script> | ``` `';
    const f = inferFramework([{ status: 404, headers: { 'x-powered-by': 'Express' }, body: `<pre>Cannot POST /${hostile}</pre>` }]);
    expect(f?.name).toBe('express');
    expect(f?.because).not.toContain('script');
  });
});

function evidenceWith(response?: ObservedResponse): Evidence {
  return {
    label: 'x',
    expected: 'a 2xx answer',
    request: { method: 'POST', url: 'http://127.0.0.1:1/webhook', headers: {}, body: '{}', bodyBytes: 2, bodyTruncated: false },
    ...(response ? { response: { status: response.status, headers: response.headers as Record<string, string>, body: response.body, bodyBytes: response.body.length, latencyMs: 3 } } : { error: { kind: 'reset', message: 'ECONNRESET', latencyMs: 3 } }),
    curl: 'curl …',
    recipe: { variant: 'valid', type: 't', messageId: 'msg_1', signedBody: 'e30=', headerStyle: 'svix' },
  };
}

function runWith(evidence: Evidence[][]): RunResults {
  const checks: CheckResult[] = evidence.map((ev, i) => ({ id: `signature.c${i}`, title: 't', severity: 'must', status: 'fail', message: 'm', durationMs: 1, evidence: ev }));
  return {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: '0' },
    provider: 'dimmy',
    target: 'http://127.0.0.1:1/webhook',
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    seed: 1,
    interrupted: false,
    summary: { passed: 0, failed: checks.length, warned: 0, skipped: 0, errored: 0, verdict: 'fail' },
    checks,
  } as unknown as RunResults;
}

describe('frameworkOfRun', () => {
  it('gathers every response of every check, skipping transport errors', () => {
    const run = runWith([[evidenceWith(), evidenceWith(FASTIFY_404)], [evidenceWith(FASTIFY_400)], []]);
    expect(frameworkOfRun(run)?.name).toBe('fastify');
    expect(frameworkOfRun(runWith([[evidenceWith()]]))).toBeUndefined();
  });

  it('computes once per run object', () => {
    const run = runWith([[evidenceWith(EXPRESS_401_OWN)]]);
    const first = frameworkOfRun(run);
    run.checks[0]!.evidence = [];
    expect(frameworkOfRun(run)).toBe(first);
    expect(frameworkOfRun(runWith([[]]))).toBeUndefined();
  });
});

describe('fixFor with a framework', () => {
  const ALL = ['express', 'fastify', 'flask', 'fastapi', 'hono', 'nextjs'] as const;
  /** A call only that framework's snippet makes. */
  const MARK = { express: 'express.raw', fastify: 'addContentTypeParser', flask: 'request.get_data()', fastapi: 'await request.body()', hono: 'c.req.', nextjs: 'bodyParser' } as const;

  it('gives only that framework\'s raw-body snippet, first, with the body-already-parsed mistake', () => {
    for (const fw of ALL) {
      for (const provider of ['dimmy', 'omnisales']) {
        const fix = fixFor('signature.raw-body', provider, fw).fix;
        expect(fix, `${fw} ${provider}`).toMatch(/^For (Express|Fastify|Flask|FastAPI|Hono|Next\.js):/);
        expect(fix).toContain(MARK[fw]);
        for (const other of ALL) if (other !== fw) expect(fix, `${fw} shows ${other}`).not.toContain(MARK[other]);
      }
    }
    expect(fixFor('signature.raw-body', 'dimmy', 'express').fix).toContain('app.use(express.json())');
    expect(fixFor('signature.raw-body', 'dimmy', 'express').fix).toContain('"Expected payload to be of type string or Buffer"');
    expect(fixFor('signature.raw-body', 'dimmy', 'fastify').fix).toContain("parseAs: 'buffer'");
    expect(fixFor('signature.raw-body', 'dimmy', 'flask').fix).toContain('request.get_json()');
    expect(fixFor('signature.raw-body', 'dimmy', 'fastapi').fix).toContain('pydantic');
    expect(fixFor('signature.raw-body', 'dimmy', 'hono').fix).toContain('c.req.json()');
    expect(fixFor('signature.raw-body', 'dimmy', 'nextjs').fix).toContain('bodyParser: false');
    expect(fixFor('signature.raw-body', 'dimmy', 'nextjs').fix).toContain('await req.json()');
  });

  it('speaks the framework\'s language only', () => {
    expect(fixFor('signature.valid', 'dimmy', 'flask').fix).toContain('Webhook(secret).verify(raw_body, headers)');
    expect(fixFor('signature.valid', 'dimmy', 'flask').fix).not.toContain('new Webhook');
    expect(fixFor('signature.valid', 'dimmy', 'hono').fix).toContain('new Webhook(secret).verify(rawBody, headers)');
    expect(fixFor('signature.valid', 'dimmy', 'hono').fix).not.toContain('(Python)');
    expect(fixFor('signature.valid', 'omnisales', 'fastapi').fix).toContain('hmac.compare_digest');
    expect(fixFor('signature.valid', 'omnisales', 'fastapi').fix).not.toContain('timingSafeEqual');
  });

  it('names the reason when given an inference', () => {
    const fix = fixFor('signature.valid', 'optipick', { name: 'express', because: 'its answers carry `x-powered-by: Express`' }).fix;
    expect(fix.startsWith('For Express (recognised because its answers carry `x-powered-by: Express`): a global `app.use(express.json())`')).toBe(true);
  });

  it('keeps the generic list when the framework is unknown, now with the body-already-parsed mistake', () => {
    for (const id of ['signature.valid', 'signature.raw-body']) {
      const fix = fixFor(id, 'dimmy').fix;
      expect(fix).toBe(fixFor(id, 'dimmy', undefined).fix);
      for (const s of ['app.use(express.json())', "Fastify's default JSON parser", 'request.get_json()', 'pydantic', 'c.req.json()', 'await req.json()', 'bodyParser: false', '"Expected payload to be of type string or Buffer"']) {
        expect(fix, `${id}: ${s}`).toContain(s);
      }
    }
    expect(fixFor('signature.raw-body', 'dimmy').fix).toContain("Flask: `request.get_data()`; FastAPI: `await request.body()`");
  });

  it('keeps every entry renderable: no markup outside code spans, for every framework', () => {
    for (const id of FIXED_CHECK_IDS) {
      for (const provider of ['optipick', 'dimmy', 'omnisales']) {
        for (const fw of [...ALL, { name: 'flask' as const, because: 'its answers carry `server: Werkzeug/…`' }]) {
          const f = fixFor(id, provider, fw);
          expect((f.should + f.fix).replace(/`[^`]*`/g, ''), `${id} ${provider} ${JSON.stringify(fw)}`).not.toMatch(/[<>|&\\]/);
          expect((f.should + f.fix).split('`').length % 2, `${id} ${provider}: balanced backticks`).toBe(1);
        }
      }
    }
  });

  it('leaves framework-independent entries as they are', () => {
    for (const id of ['signature.wrong-secret', 'dedup.redelivery', 'delivery.retry-recovery', 'signature.stale-timestamp']) {
      expect(fixFor(id, 'dimmy', 'express')).toEqual(fixFor(id, 'dimmy'));
    }
  });

  it('tells OmniSales receivers that deduplication is their only replay defence (item 8)', () => {
    for (const id of ['signature.stale-timestamp', 'dedup.redelivery', 'dedup.concurrent']) {
      const fix = fixFor(id, 'omnisales').fix;
      expect(fix, id).toContain('covers the body only, not `X-Webhook-Timestamp`');
      expect(fix, id).toContain('fresh timestamp');
      expect(fix, id).toContain("deduplicating on the envelope `id` is the receiver's only defence");
      expect(fixFor(id, 'dimmy').fix, id).not.toContain('X-Webhook-Timestamp');
    }
  });
});

describe('the writers give the inferred framework\'s fix', () => {
  /** The sample run, with the receiver's 401 carrying Express's real default header. */
  function expressRun(): RunResults {
    const checks = sampleChecks('<b>x</b>');
    const ev = checks.find((c) => c.id === 'signature.raw-body')!.evidence[0]!;
    ev.response = { ...ev.response!, headers: { ...ev.response!.headers, 'x-powered-by': 'Express' } };
    return sampleRun('<b>x</b>', { checks });
  }

  it('summary.md and report.html show the Express fix with its reason', () => {
    const run = expressRun();
    const fix = fixFor('signature.raw-body', 'dimmy', frameworkOfRun(run)).fix;
    expect(fix.startsWith('For Express (recognised because its answers carry `x-powered-by: Express`)')).toBe(true);
    expect(summaryMarkdown(run)).toContain(`- **Fix:** ${fix}`);
    expect(reportHtml(run)).toContain('For Express (recognised because its answers carry <code>x-powered-by: Express</code>)');
  });

  it('keep the generic list when the answers name no framework', () => {
    const run = sampleRun('<b>x</b>');
    expect(frameworkOfRun(run)).toBeUndefined();
    expect(summaryMarkdown(run)).toContain(`- **Fix:** ${fixFor('signature.raw-body', 'dimmy').fix}`);
  });
});
