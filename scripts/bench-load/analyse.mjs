// The bench's arithmetic: captured raw requests parsed and verified with the svix library,
// per-window arrival evenness, medians and ratios.
import { Webhook } from 'svix';

/** A raw HTTP/1.1 request (one whole request, as the raw receiver captured it). */
export function parseRequest(buf) {
  const headEnd = buf.indexOf('\r\n\r\n');
  const lines = buf.toString('latin1', 0, headEnd).split('\r\n');
  const [method, path] = lines[0].split(' ');
  const headers = lines.slice(1).map((l) => {
    const at = l.indexOf(':');
    return [l.slice(0, at).trim().toLowerCase(), l.slice(at + 1).trim()];
  });
  return { method, path, headers, body: buf.subarray(headEnd + 4) };
}

/** Verifies every sampled request with `new Webhook(secret).verify(body, headers)`; checks ids are unique in the sample. */
export function verifySample(samples, secret) {
  const wh = new Webhook(secret);
  let valid = 0;
  const errors = new Map();
  const ids = new Set();
  for (const b64 of samples) {
    const r = parseRequest(Buffer.from(b64, 'base64'));
    const headers = Object.fromEntries(r.headers);
    ids.add(headers['svix-id']);
    try {
      wh.verify(r.body.toString('utf8'), headers);
      valid++;
    } catch (e) {
      errors.set(e.message, (errors.get(e.message) ?? 0) + 1);
    }
  }
  return { total: samples.length, valid, uniqueIds: ids.size, errors: [...errors].map(([m, n]) => `${n}× ${m}`) };
}

export function addVerification(a, b) {
  return { total: a.total + b.total, valid: a.valid + b.valid, uniqueIds: a.uniqueIds + b.uniqueIds, errors: [...a.errors, ...b.errors] };
}

/**
 * The static request of the baselines: a real hookgate request (of the sample's median body size)
 * with the headers a client sets itself removed (host, content-length, connection).
 */
export function staticRequest(samples) {
  const parsed = samples
    .map((b) => Buffer.from(b, 'base64'))
    .map((buf) => ({ ...parseRequest(buf), size: buf.length }))
    .sort((x, y) => x.body.length - y.body.length);
  const r = parsed[Math.floor(parsed.length / 2)];
  const own = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);
  return { method: r.method, path: r.path, headers: r.headers.filter(([k]) => !own.has(k)), body: r.body, size: r.size };
}

/**
 * Arrivals per window of an open run: windows counted from the run's start (load.json startedAt);
 * the windows from the first to the last with arrivals are the run's, of which the first and the
 * last (partial) are skipped; every other must hold rate×window ±tolerance.
 */
export function windowCheck(stats, rate, tolerance = 0.1) {
  const { counts, windowMs } = stats.windows;
  const first = counts.findIndex((n) => n > 0);
  let last = counts.length - 1;
  while (last >= 0 && counts[last] === 0) last--;
  const judged = first >= 0 && last - first >= 2 ? counts.slice(first + 1, last) : [];
  const expected = (rate * windowMs) / 1000;
  const outside = judged.filter((n) => Math.abs(n - expected) > tolerance * expected);
  const offenders = judged.flatMap((n, i) => (Math.abs(n - expected) > tolerance * expected ? [`${(first + 1 + i) * windowMs} ms: ${n}`] : []));
  return {
    expected,
    offenders,
    judged: judged.length,
    outside: outside.length,
    min: judged.length ? Math.min(...judged) : 0,
    max: judged.length ? Math.max(...judged) : 0,
    pass: judged.length > 0 && outside.length === 0,
  };
}

export function spread(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return { median: NaN, min: NaN, max: NaN, n };
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0], max: s[n - 1], n };
}

export const rate = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
export const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
export const ms = (x) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : 'n/a');
export const spreadText = (s, f = ratio) => (s.n ? `${f(s.median)} (min ${f(s.min)}, max ${f(s.max)}, ${s.n} reps)` : 'n/a');
