import { describe, it, expect } from 'vitest';
import { get } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver, freePort, type ReceiverProcess } from '../../suites/receiver-process.js';
import { HookgateError } from '../../fixtures/hookgate-error.js';

// Only double quotes inside, so it can sit in a single-quoted `sh -c` argument.
const SERVER =
  'const http=require("http");' +
  'http.createServer((q,s)=>s.end(JSON.stringify({secret:process.env.HOOKGATE_SECRET,api:process.env.HOOKGATE_API_URL,url:q.url})))' +
  '.listen(+process.env.PORT,"127.0.0.1",()=>console.log("listening pid="+process.pid))';

function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

/** Gone = ESRCH, or a zombie: this sandbox's PID 1 (like Docker without --init) never reaps orphans. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function until(cond: () => boolean, ms = 2_000): Promise<void> {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
}

async function startFailure(p: Promise<ReceiverProcess>): Promise<HookgateError> {
  const e = await p.then(
    (rp) => rp.stop().then(() => { throw new Error('expected startReceiver to fail'); }),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HookgateError);
  expect((e as HookgateError).code).toBe('START_FAILED');
  return e as HookgateError;
}

describe('startReceiver', () => {
  it('starts a receiver with the env, waits on --ready-url and captures stdout', async () => {
    const port = await freePort();
    const rp = await startReceiver({
      command: `node -e '${SERVER}'`,
      env: { PORT: String(port), HOOKGATE_SECRET: 'whsec_test123', HOOKGATE_API_URL: 'http://127.0.0.1:1/api' },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyTimeoutMs: 5_000,
    });
    try {
      const body = JSON.parse(await fetchText(`http://127.0.0.1:${port}/x`));
      expect(body).toEqual({ secret: 'whsec_test123', api: 'http://127.0.0.1:1/api', url: '/x' });
      await until(() => rp.stdout.includes('listening'));
      expect(rp.stdout).toContain('listening pid=');
      expect(rp.exitCode).toBeNull();
    } finally {
      await rp.stop();
    }
    expect(await refuses(port)).toBe(true);
  });

  it('keeps its output as timed lines (split writes joined, CRLF and unterminated lines handled, bounded) and sets PYTHONUNBUFFERED', async () => {
    const port = await freePort();
    // Only double quotes inside (single-quoted sh argument). Each request logs; "/split" writes one line in two chunks.
    const server =
      'const http=require("http");' +
      'http.createServer((q,s)=>{' +
      'if(q.url==="/split"){process.stderr.write("half of ");setTimeout(()=>{process.stderr.write("a line\\r\\nnext");s.end()},30);return}' +
      'if(q.url==="/many"){for(let i=0;i<50;i++)console.log("n"+i);return s.end()}' +
      'console.error("unbuffered="+process.env.PYTHONUNBUFFERED);s.end()})' +
      '.listen(+process.env.PORT,"127.0.0.1",()=>console.log("up"))';
    const rp = await startReceiver({ command: `node -e '${server}'`, env: { PORT: String(port) }, port, readyTimeoutMs: 5_000, maxLines: 20 });
    let t0 = 0;
    let splitDone = 0;
    try {
      await until(() => rp.lines.length > 0);
      t0 = Date.now();
      await fetchText(`http://127.0.0.1:${port}/x`);
      await fetchText(`http://127.0.0.1:${port}/split`);
      splitDone = Date.now(); // the answer follows the second chunk by 0 ms, the first by 30 ms
      await until(() => rp.lines.some((l) => l.text === 'half of a line'));
    } finally {
      await rp.stop();
    }
    const stderr = rp.lines.filter((l) => l.stream === 'stderr');
    // "next" had no newline when the receiver stopped: flushed as a last line.
    expect(stderr.map((l) => l.text)).toEqual(['unbuffered=1', 'half of a line', 'next']);
    expect(rp.lines[0]).toMatchObject({ stream: 'stdout', text: 'up' });
    for (const l of stderr) expect(l.at).toBeGreaterThanOrEqual(t0);
    // A split line is stamped with its first chunk, so it falls inside the request that caused it.
    expect(stderr[1]!.at).toBeLessThan(splitDone - 10);

    const port2 = await freePort();
    const rp2 = await startReceiver({ command: `node -e '${server}'`, env: { PORT: String(port2) }, port: port2, readyTimeoutMs: 5_000, maxLines: 20 });
    try {
      await fetchText(`http://127.0.0.1:${port2}/many`);
      await until(() => rp2.lines.some((l) => l.text === 'n49'));
    } finally {
      await rp2.stop();
    }
    expect(rp2.lines).toHaveLength(20);
    expect(rp2.lines.at(-1)!.text).toBe('n49');
  });

  it('falls back to a TCP connect on the port without readyUrl', async () => {
    const port = await freePort();
    const rp = await startReceiver({ command: `node -e '${SERVER}'`, env: { PORT: String(port) }, port, readyTimeoutMs: 5_000 });
    try {
      expect(await refuses(port)).toBe(false);
    } finally {
      await rp.stop();
    }
    await rp.stop(); // idempotent
    expect(await refuses(port)).toBe(true);
  });

  it('fails with the exit code and stderr when the command exits before ready', async () => {
    const port = await freePort();
    const e = await startFailure(startReceiver({ command: `sh -c 'echo boom >&2; exit 3'`, env: { PORT: String(port) }, readyTimeoutMs: 5_000 }));
    expect(e.message).toMatch(/exited with code 3\b/);
    expect(e.message).toContain('boom');
    expect(e.hint).toMatch(/command/);
  });

  it('gives up after readyTimeoutMs, kills the process and hints at --ready-url / $PORT', async () => {
    const port = await freePort();
    const pidFile = join(mkdtempSync(join(tmpdir(), 'hookgate-rp-')), 'pid');
    const t0 = Date.now();
    const e = await startFailure(
      startReceiver({ command: `echo $$ > ${pidFile}; exec sleep 30`, env: { PORT: String(port) }, readyTimeoutMs: 800 }),
    );
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(2_000);
    expect(e.message).toContain('sleep 30');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.hint).toMatch(/--ready-url/);
    expect(e.hint).toMatch(/\$PORT/);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(gone(pid)).toBe(true);
  });

  it('stop() kills grandchildren too', async () => {
    const port = await freePort();
    const rp = await startReceiver({ command: `node -e '${SERVER}' & wait`, env: { PORT: String(port) }, readyUrl: `http://127.0.0.1:${port}/`, readyTimeoutMs: 5_000 });
    await until(() => /listening pid=\d+/.test(rp.stdout));
    const grandchild = Number(/listening pid=(\d+)/.exec(rp.stdout)?.[1]);
    expect(grandchild).toBeGreaterThan(0);
    expect(grandchild).not.toBe(rp.pid); // really a child of the shell, not the shell itself
    await rp.stop();
    expect(await refuses(port)).toBe(true);
    expect(gone(grandchild)).toBe(true);
    expect(gone(rp.pid)).toBe(true);
  });

  it('keeps only the last maxLogBytes of stdout', async () => {
    const port = await freePort();
    const noisy = `for(let i=0;i<20000;i++)console.log("line "+i+" "+"x".repeat(80));console.log("END");${SERVER}`;
    const rp = await startReceiver({ command: `node -e '${noisy}'`, env: { PORT: String(port) }, port, maxLogBytes: 4096, readyTimeoutMs: 5_000 });
    try {
      await until(() => rp.stdout.includes('listening'));
      expect(Buffer.byteLength(rp.stdout)).toBeLessThanOrEqual(4096);
      expect(rp.stdout).toContain('END');
      expect(rp.stdout).toContain('line 19999 ');
      expect(rp.stdout).not.toContain('line 0 ');
    } finally {
      await rp.stop();
    }
  });
});
