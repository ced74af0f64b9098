import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** A fetch-style handler: a Next.js route handler, Hono's `app.fetch`, a Remix action. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/*
 * Serves a fetch-style handler from node:http, the way hookgate's deliveries must reach it: the
 * body is the exact bytes received (a signature covers them; no decoding, no re-encoding), every
 * header line is kept (repeated ones appended, as Headers does), and the handler's Response is
 * written back with its status, headers and body. Requests the sender abandons mid-flight are
 * dropped quietly: `timeout.abandoned-request` does that on purpose.
 */
export function fetchHandlerListener(handler: FetchHandler, origin: () => string): RequestListener {
  return (req, res) => {
    void answer(handler, origin(), req, res);
  };
}

async function answer(handler: FetchHandler, origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await rawBody(req);
  } catch {
    return void res.destroy(); // the client went away before the body ended
  }
  let request: Request;
  try {
    request = webRequest(req, body, origin);
  } catch (e) {
    // A header value Web Headers cannot hold: what a fetch-based framework on node would refuse too.
    return writeBack(res, new Response(`hookgate could not build a Web Request: ${(e as Error).message}`, { status: 400 }));
  }
  let response: Response;
  try {
    response = await handler(request);
    if (!(response instanceof Response)) throw new TypeError(`the handler returned ${typeof response === 'object' ? String(response) : typeof response}, not a Response`);
  } catch (e) {
    // What Next.js or Hono answer to a handler that throws; the message lands in hookgate's evidence.
    response = new Response(`handler threw: ${(e as Error)?.message ?? String(e)}`, { status: 500 });
  }
  await writeBack(res, response);
}

function rawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function webRequest(req: IncomingMessage, body: Buffer, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body: hasBody ? new Uint8Array(body) : undefined });
}

async function writeBack(res: ServerResponse, response: Response): Promise<void> {
  if (res.destroyed) return;
  let body: Buffer;
  try {
    body = Buffer.from(await response.arrayBuffer());
  } catch {
    return void res.destroy(); // a body stream that errors: the connection ends without a whole answer
  }
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie]);
  try {
    res.writeHead(response.status, response.statusText || undefined, headers.flat());
    res.end(body);
  } catch {
    res.destroy();
  }
}
