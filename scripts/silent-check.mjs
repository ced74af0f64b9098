// node scripts/silent-check.mjs [provider] [--drip] — SPEC "Quality bars": a dead receiver (accepts, never
// answers) ends a full `hookgate check` with exit 1 within 2× the provider's timeout. Runs the built CLI
// (npm run build first) with the provider's own timeout (no --timeout) against a receiver on 127.0.0.1
// that accepts connections and never writes a byte (or, with --drip, drips a valid answer one byte a
// second), and prints how long the run took. Exit 0 when the bar holds, 1 when it does not.
// Too slow for the unit suite (20 s for the Svix providers, 30 s for OmniSales); the tests use --timeout.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServer } from 'node:net';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist/cli/main.js');
const { getProfile } = await import(join(root, 'dist/fixtures/index.js'));

const args = process.argv.slice(2);
const drip = args.includes('--drip');
const provider = args.find((a) => !a.startsWith('--')) ?? 'optipick';
const profile = getProfile(provider);
const secret = provider === 'omnisales' ? 'whsec_' + 'cd34'.repeat(12) : 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let connections = 0;
const sockets = new Set();
const server = createServer((sock) => {
  connections++;
  sockets.add(sock);
  sock.on('close', () => sockets.delete(sock));
  sock.on('error', () => {});
  if (!drip) return;
  sock.once('data', () => {
    const answer = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}';
    let i = 0;
    const timer = setInterval(() => (sock.destroyed || i >= answer.length ? clearInterval(timer) : sock.write(answer[i++])), 1000);
    sock.on('close', () => clearInterval(timer));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}${provider === 'omnisales' ? '/webhooks/omni' : '/webhook'}`;
const out = mkdtempSync(join(tmpdir(), 'hg-silent-'));

const t0 = performance.now();
const child = spawn(process.execPath, [bin, 'check', '--provider', provider, '--url', url, '--out', out], {
  env: { ...process.env, HOOKGATE_SECRET: secret, NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
child.stdout.resume();
const code = await new Promise((r) => child.on('close', (c) => r(c)));
const ms = performance.now() - t0;
for (const s of sockets) s.destroy();
server.close();

const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
const count = (f) => results.checks.filter(f).length;
const limit = 2 * profile.timeoutMs;
const ok = code === 1 && ms < limit;
console.log(
  `${drip ? 'dripping (1 byte/s)' : 'silent'} receiver, ${profile.displayName} (provider timeout ${profile.timeoutMs / 1000} s): ` +
    `check exit ${code} in ${(ms / 1000).toFixed(2)} s (bar: exit 1 within ${limit / 1000} s) — ${connections} connection(s); ` +
    `timeout.latency-budget ${results.checks.find((c) => c.id === 'timeout.latency-budget')?.status}, ` +
    `${count((c) => c.skipKind === 'no-evidence')} skipped no-evidence, ${count((c) => c.skipKind === 'not-applicable')} not applicable, ` +
    `${count((c) => c.status === 'pass')} passed — ${ok ? 'OK' : 'FAILED'}`,
);
if (!ok) process.stderr.write(stderr);
process.exit(ok ? 0 : 1);
