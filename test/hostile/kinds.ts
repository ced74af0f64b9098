import { createServer, type AddressInfo, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

/*
 * Hostile receivers (issue 13 item 5), each on 127.0.0.1:0 and closable. Raw TCP (node:net), so
 * nothing in node:http answers for them: every byte on the wire is the one written here.
 *
 * Each reads the whole request first (headers and Content-Length body) before misbehaving:
 * closing a socket with unread data makes the kernel send RST, which would turn every kind
 * into "reset". The exceptions are `slow-reader` (reads one byte every 10 ms) and `refused`
 * (nothing listens).
 *
 * Anything large is streamed with backpressure and stops when the client goes away: the
 * 200 MB answer is never allocated, the endless chunked answer ends only with the socket.
 */

export interface Hostile {
  /** The webhook URL to give the command. */
  url: string;
  origin: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Request paths seen, in order (a followed redirect would show up as /followed). */
  paths(): string[];
  close(): Promise<void>;
}

export const KIND_NAMES = [
  'silent',
  'drip',
  'reset',
  'huge',
  'endless',
  'redirect',
  'garbage',
  'headers',
  'refused',
  'half-close',
  'slow-reader',
  'short-body',
] as const;
export type KindName = (typeof KIND_NAMES)[number];

/** What each kind does, for test names and the report. */
export const KIND_DESCRIPTIONS: Record<KindName, string> = {
  silent: 'accepts, reads the request, never writes a byte',
  drip: 'drips a valid 200 one byte every 100 ms',
  reset: 'reads the request, then resets the connection (RST) where the answer should start',
  huge: 'answers 200 with a 200 MB body (streamed)',
  endless: 'answers 200 with a chunked body that never ends',
  redirect: 'answers 302 to another path on itself',
  garbage: 'answers with bytes that are not HTTP',
  headers: 'answers 200 with 5,000 response headers',
  refused: 'nothing listens on the port',
  'half-close': 'reads the request, then closes its side without a byte',
  'slow-reader': 'reads the request one byte every 10 ms',
  'short-body': 'answers 200 with Content-Length 100 and 11 bytes, then FIN',
};

export const HUGE_BYTES = 200 * 1024 * 1024;
export const SHORT_BODY = '{"ok":true,';
export const SHORT_DECLARED = 100;

interface Req {
  path: string;
}

/** Calls `onRequest` once per complete request on the socket (keep-alive: several). Bodies are counted, not kept. */
function readRequests(sock: Socket, onRequest: (req: Req) => void): void {
  let head = Buffer.alloc(0);
  let bodyLeft = -1; // -1: reading a head
  let path = '';
  sock.on('data', (chunk: Buffer) => {
    let c = chunk;
    for (;;) {
      if (bodyLeft < 0) {
        head = Buffer.concat([head, c]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const text = head.subarray(0, end).toString('latin1');
        path = text.split(' ')[1] ?? '';
        bodyLeft = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text)?.[1] ?? 0);
        c = head.subarray(end + 4);
        head = Buffer.alloc(0);
      }
      const take = Math.min(bodyLeft, c.length);
      bodyLeft -= take;
      c = c.subarray(take);
      if (bodyLeft > 0) return;
      bodyLeft = -1;
      onRequest({ path });
      if (!c.length) return;
    }
  });
}

interface Tcp {
  port: number;
  origin: string;
  hostile: Hostile;
}

async function tcp(onConnection: (sock: Socket, paths: string[]) => void, opts: { allowHalfOpen?: boolean } = {}): Promise<Tcp> {
  const sockets = new Set<Socket>();
  const paths: string[] = [];
  let connections = 0;
  const server = createServer({ allowHalfOpen: opts.allowHalfOpen ?? false }, (sock) => {
    connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    onConnection(sock, paths);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    hostile: {
      url: `${origin}/webhook`,
      origin,
      connections: () => connections,
      paths: () => paths,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    },
  };
}

/** One answer per request, written by `answer`; the socket keeps reading so nothing unread is left. */
async function answering(answer: (sock: Socket, req: Req, origin: string) => void, opts: { allowHalfOpen?: boolean } = {}): Promise<Hostile> {
  let origin = '';
  const t = await tcp((sock, paths) => {
    readRequests(sock, (req) => {
      paths.push(req.path);
      answer(sock, req, origin);
    });
  }, opts);
  origin = t.origin;
  return t.hostile;
}

/** Writes `next()` chunks with backpressure until it returns undefined or the client goes away. */
function pump(sock: Socket, next: () => Buffer | undefined, onDone?: () => void): void {
  const go = (): void => {
    while (!sock.destroyed && sock.writable) {
      const chunk = next();
      if (!chunk) return onDone?.();
      if (!sock.write(chunk)) return void sock.once('drain', go);
    }
  };
  go();
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

export const KINDS: Record<KindName, () => Promise<Hostile>> = {
  silent: () => answering(() => {}),

  drip: () =>
    answering((sock) => {
      const answer = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}';
      let i = 0;
      const timer = setInterval(() => {
        if (sock.destroyed || i >= answer.length) return clearInterval(timer);
        sock.write(answer[i++]);
      }, 100);
      sock.once('close', () => clearInterval(timer));
    }),

  reset: () =>
    answering((sock) => {
      // RST where the answer should start. (Half a header block and then RST reads as "reset" most
      // of the time, but now and then node's HTTP client sees the connection end without an error:
      // "socket hang up". A test must not depend on that race.)
      sock.resetAndDestroy();
    }),

  huge: () =>
    answering((sock) => {
      sock.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${HUGE_BYTES}\r\nconnection: close\r\n\r\n`);
      let left = HUGE_BYTES;
      pump(
        sock,
        () => {
          if (left <= 0) return undefined;
          const c = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
          left -= c.length;
          return c;
        },
        () => sock.end(),
      );
    }),

  endless: () =>
    answering((sock) => {
      sock.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
      const framed = Buffer.concat([Buffer.from(CHUNK.length.toString(16) + '\r\n'), CHUNK, Buffer.from('\r\n')]);
      pump(sock, () => framed);
    }),

  redirect: () =>
    answering((sock, req, origin) => {
      sock.end(`HTTP/1.1 302 Found\r\nlocation: ${origin}/followed\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    }),

  garbage: () =>
    answering((sock) => {
      sock.end(Buffer.concat([Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'), randomBytes(4096)]));
    }),

  headers: () =>
    answering((sock) => {
      const lines: string[] = ['HTTP/1.1 200 OK'];
      for (let i = 0; i < 5000; i++) lines.push(`x-hostile-${i}: value-${i}`);
      lines.push('content-type: application/json', 'content-length: 2', 'connection: close', '', '{}');
      sock.end(lines.join('\r\n'));
    }),

  refused: async () => {
    // A port that was free a moment ago and that nothing listens on now.
    const t = await tcp(() => {});
    await t.hostile.close();
    return { ...t.hostile, close: async () => {} };
  },

  'half-close': () =>
    answering(
      (sock) => {
        sock.end();
      },
      { allowHalfOpen: true },
    ),

  'slow-reader': async () => {
    const t = await tcp((sock, paths) => {
      let head = '';
      let bodyLeft = -1;
      const timer = setInterval(() => {
        const b = sock.read(1) as Buffer | null;
        if (!b) return;
        if (bodyLeft < 0) {
          head += b.toString('latin1');
          if (!head.endsWith('\r\n\r\n')) return;
          paths.push(head.split(' ')[1] ?? '');
          bodyLeft = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        } else bodyLeft--;
        if (bodyLeft === 0) {
          clearInterval(timer);
          sock.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
        }
      }, 10);
      sock.once('close', () => clearInterval(timer));
    });
    return t.hostile;
  },

  'short-body': () =>
    answering((sock) => {
      sock.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${SHORT_DECLARED}\r\n\r\n${SHORT_BODY}`);
    }),
};
