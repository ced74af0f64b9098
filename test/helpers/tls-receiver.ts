import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** A throwaway CA and a leaf certificate it signed for 127.0.0.1, made with openssl (EC keys: fast). */
export interface TestPki {
  dir: string;
  caFile: string;
  key: string;
  cert: string;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'hg-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=hookgate test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  run('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
  const ext = join(dir, 'leaf.ext');
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > '${ext}'`]);
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
  return { dir, caFile: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'leaf.key'), 'utf8'), cert: readFileSync(join(dir, 'leaf.pem'), 'utf8') };
}

export interface HttpsReceiver {
  url: string;
  origin: string;
  /** Requests the gateway turned away for a missing or wrong key. */
  turnedAway: number;
  /** Requests that reached the receiver behind the gateway. */
  passed: number;
  close(): Promise<void>;
}

/**
 * An example receiver (examples/receivers/FILE's createApp) over HTTPS on 127.0.0.1:0, optionally
 * behind a "gateway" that answers 401 unless `gatewayHeader` carries `gatewayKey`.
 */
export async function startHttpsExample(file: string, secret: string, pki: TestPki, gateway?: { header: string; key: string }): Promise<HttpsReceiver> {
  const mod = (await import(pathToFileURL(resolve(import.meta.dirname, '../../examples/receivers', file)).href)) as { createApp(o: Record<string, unknown>): RequestListener };
  const app = mod.createApp({ secret });
  const state = { turnedAway: 0, passed: 0 };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (gateway && req.headers[gateway.header.toLowerCase()] !== gateway.key) {
      state.turnedAway++;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"gateway: missing or wrong key"}');
      return;
    }
    state.passed++;
    app(req, res);
  };
  const server: Server = createServer({ key: pki.key, cert: pki.cert }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/webhook`,
    origin,
    get turnedAway() {
      return state.turnedAway;
    },
    get passed() {
      return state.passed;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
