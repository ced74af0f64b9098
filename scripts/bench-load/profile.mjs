// Where the generator spends its time: the self time of a V8 .cpuprofile (node --cpu-prof),
// restricted to the load window (from the first to the last sample inside the load engine, so
// process start and report writing are left out), summed per function, per file and per kind of
// work, largest first.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Kinds of work, first match wins (on "function file"). */
export const KINDS = [
  ['idle (waiting for answers)', /^\(idle\)/],
  ['socket write (syscall)', /^(writeBuffer|writev|writeUtf8String|writeLatin1String)\b|stream_base_commons|streams\/writable|node:net/],
  ['HMAC signing', /^(Hmac|digest|update|hmacDigest|createHmac)\b.*crypto|node:internal\/crypto/],
  ['response parsing (http-parser-js)', /http-parser-js/],
  ['request building (copy + writes)', /suites\/load\/(traffic|traffic-ids|request-template|payload-pool)\.js|node:buffer|internal\/buffer|^(latin1Write|asciiSlice|latin1Slice|copy|_copyActual|FastBuffer|fill)\b/],
  ['figures (aggregate, histograms)', /suites\/load\/aggregate\.js|hdr-histogram/],
  ['engine (generator, connection, job)', /suites\/load\/(generator|connection|job|pacer|run-load)\.js/],
  ['garbage collector', /^\(garbage collector\)/],
  ['event loop, timers, promises (node internals)', /^node:|^(now|hrtime)\b|^\(program\)/],
];

export function selfTimes(file, root, windowPattern = /suites\/load\/(connection|generator)\.js/) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inside = new Map();
  const isInside = (id) => {
    if (inside.has(id)) return inside.get(id);
    const n = byId.get(id);
    const v = windowPattern.test(n.callFrame.url) || (parent.has(id) ? isInside(parent.get(id)) : false);
    inside.set(id, v);
    return v;
  };
  let from = 0;
  let to = p.samples.length - 1;
  while (from < to && !isInside(p.samples[from])) from++;
  while (to > from && !isInside(p.samples[to])) to--;

  const label = (id) => {
    const f = byId.get(id).callFrame;
    const url = f.url ? (f.url.startsWith('file://') ? relative(root, new URL(f.url).pathname) : f.url) : '';
    return { fn: `${f.functionName || '(anonymous)'}  ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim(), file: url || f.functionName };
  };
  const fns = new Map();
  const files = new Map();
  const kinds = new Map();
  let total = 0;
  // timeDeltas[i] is the time between sample i-1 and sample i: charge it to sample i's node.
  for (let i = from + 1; i <= to; i++) {
    const us = p.timeDeltas[i] ?? 0;
    const { fn, file: where } = label(p.samples[i]);
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    files.set(where, (files.get(where) ?? 0) + us);
    const kind = KINDS.find(([, re]) => re.test(fn))?.[0] ?? 'other';
    kinds.set(kind, (kinds.get(kind) ?? 0) + us);
    total += us;
  }
  // Shares are of the busy time: (idle) is waiting for the receiver, not cost.
  const idle = files.get('(idle)') ?? 0;
  const busy = total - idle;
  fns.delete('(idle)');
  files.delete('(idle)');
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ name: k, ms: us / 1000, share: us / busy }));
  return {
    windowMs: total / 1000,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    functions: (n = 20) => top(fns, n),
    files: (n = 12) => top(files, n),
    kinds: () => top(new Map([...kinds].filter(([k]) => !k.startsWith('idle'))), KINDS.length + 1),
  };
}
