import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { serveInProcess, type InProcessServer } from '../../vitest/serve-in-process.js';

/*
 * The fetch-style adapter must hand the handler the exact bytes and header lines received (a
 * signature covers them) and write its Response back as it is. Real server on 127.0.0.1 port 0.
 */

let server: InProcessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function post(url: string, body: Buffer, headers: Record<string, string | string[]>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const r = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    r.on('error', fail);
    r.end(body);
  });
}

describe('serveInProcess with a fetch-style handler', () => {
  it('passes the exact body bytes, URL and repeated headers, and writes status, headers and cookies back', async () => {
    server = await serveInProcess();
    let seen: { url: string; method: string; sha: string; sig: string | null; ct: string | null } | undefined;
    server.provide(
      Promise.resolve({
        kind: 'fetch',
        handler: async (req: Request) => {
          const bytes = Buffer.from(await req.arrayBuffer());
          seen = { url: req.url, method: req.method, sha: createHash('sha256').update(bytes).digest('hex'), sig: req.headers.get('x-sig'), ct: req.headers.get('content-type') };
          const headers = new Headers({ 'x-answer': 'yes' });
          headers.append('set-cookie', 'a=1');
          headers.append('set-cookie', 'b=2');
          return new Response('teapot', { status: 418, headers });
        },
      }),
    );
    // Not UTF-8, a BOM, spaces JSON.stringify would drop: any decoding would change the hash.
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{ "a" :\t1 }\n'), Buffer.from([0xff, 0xfe, 0x00])]);
    const res = await post(`${server.origin}/api/hook?x=1`, body, { 'content-type': 'Application/JSON; charset=utf-8', 'x-sig': ['v1,a', 'v1,b'] });
    expect(seen).toEqual({ url: `${server.origin}/api/hook?x=1`, method: 'POST', sha: createHash('sha256').update(body).digest('hex'), sig: 'v1,a, v1,b', ct: 'Application/JSON; charset=utf-8' });
    expect(res.status).toBe(418);
    expect(res.headers['x-answer']).toBe('yes');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.body).toBe('teapot');
  });

  it('a handler that throws is a 500 naming the error; requests sent before the app is provided wait for it', async () => {
    server = await serveInProcess();
    const pending = post(`${server.origin}/webhook`, Buffer.from('{}'), {});
    server.provide(
      Promise.resolve({
        kind: 'fetch',
        handler: () => {
          throw new Error('boom');
        },
      }),
    );
    const res = await pending;
    expect(res.status).toBe(500);
    expect(res.body).toBe('handler threw: boom');
  });
});
