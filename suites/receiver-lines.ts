/**
 * "Say what the receiver said": when hookgate started the receiver (`--start`), each failing check
 * gets the receiver's own log lines that belong to it, and the most telling of them — the line a
 * developer would look for in the receiver's console ("Expected payload to be of type string or
 * Buffer", a Python traceback's last line).
 *
 * A line belongs to a check when it names one of the check's message ids, or names none and arrived
 * while that check's requests, and no other check's, were in flight (or just after the last of them
 * answered). A line naming another check's message id is that check's, whatever its time.
 * Pure: no sockets, no clock; the receiver process and the check context supply the lines and the requests.
 */
import type { CheckResult, ReceiverSaid } from './types.js';

/** One line of the receiver's output, with the time it arrived (epoch ms, as Attempt.startedAt). */
export interface TimedLine {
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What the attribution needs of a sent delivery (suites/types.ts SentRecord has it). */
export interface SentLike {
  checkId: string;
  d: { msg: { messageId: string } };
  a: { startedAt: number; latencyMs: number };
}

/** A line logged just after the answer (the log call may follow `res.send`) belongs to the request that just ended. */
export const AFTER_MS = 100;
/** Lines kept per check (distinct, in arrival order; the telling one always among them). */
export const LINES_MAX = 20;
/** Characters kept per line in results.json; writers cut further for display. */
export const LINE_CHARS_MAX = 500;

const FAILING = new Set<CheckResult['status']>(['fail', 'warn', 'error']);

// CSI / OSC escape sequences (coloured loggers): what a terminal would not show as text.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const METHOD = '(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)';
/** Access logs: werkzeug / common log format, uvicorn, morgan ("POST /webhook 400 1.2 ms"). */
const ACCESS_LOG = new RegExp(`"${METHOD} \\S* HTTP/[\\d.]+"\\s+\\d{3}\\b|^(?:\\S+\\s+)?${METHOD} /\\S* \\d{3}\\b`);
/** An exception with its message: "TypeError: …", "svix.webhooks.WebhookVerificationError: …". */
const EXCEPTION_LINE = /^\s*(?:Uncaught\s+)?(?:[\w$]+\.)*[A-Z][\w$]*(?:Error|Exception)\b(?:\s*\[[\w-]+\])?:\s*\S/;
/** Stack frames and traceback headers: they say where, not what. */
const FRAME = /^\s+at\s|^\s*File ".*", line \d+|^\s*Traceback \(most recent call last\)|^\s*\^+\s*$|^\s*~*\^+~*\s*$/;
const ERROR_WORDS =
  /\b(?:error|exception|traceback|invalid|fail(?:s|ed|ure)?|expected|signature|unauthori[sz]ed|forbidden|denied|reject(?:s|ed)?|refus(?:e|ed|ing)|mismatch|missing|cannot|can't|could not|unable|bad|wrong|timeout|timed out|panic|fatal|too large|not allowed)\b/i;

/** Control sequences out, trailing whitespace off. */
export function cleanLine(text: string): string {
  return text.replace(ANSI, '').trimEnd();
}

export function isNoise(text: string): boolean {
  return text.trim() === '' || ACCESS_LOG.test(text);
}

/** How telling a line is: 0 never (blank, access log); exceptions with a message beat error words beat the rest; frames last. */
export function tellingScore(text: string): number {
  if (isNoise(text)) return 0;
  if (FRAME.test(text)) return 1;
  if (EXCEPTION_LINE.test(text)) return 4;
  if (ERROR_WORDS.test(text)) return 3;
  return 2;
}

/** The most telling of `lines` (the first of the best), or undefined when none says anything. */
export function tellingLine(lines: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const l of lines) {
    const s = tellingScore(l);
    if (s > bestScore) {
      best = l;
      bestScore = s;
    }
  }
  return best;
}

function cutChars(s: string, max: number): string {
  const points = Array.from(s);
  return points.length <= max ? s : points.slice(0, max - 1).join('') + '…';
}

/**
 * The requests a line is about, by time: those in flight when it arrived; when none was, the one that
 * had just ended (within AFTER_MS). Empty when the line came while hookgate sent nothing.
 */
function ownersByTime(at: number, sent: readonly SentLike[]): SentLike[] {
  const inFlight = sent.filter((r) => at >= r.a.startedAt && at <= r.a.startedAt + r.a.latencyMs);
  if (inFlight.length) return inFlight;
  let latestEnd = -Infinity;
  let latest: SentLike[] = [];
  for (const r of sent) {
    const end = r.a.startedAt + r.a.latencyMs;
    if (at <= end || at > end + AFTER_MS) continue;
    if (end > latestEnd) { latestEnd = end; latest = [r]; } else if (end === latestEnd) latest.push(r);
  }
  return latest;
}

/**
 * What the receiver said about each failing check (status fail, warn or error), by check id.
 * A check that sent nothing itself (status.rejection-is-4xx judges others' requests) is matched
 * through the message ids of its evidence.
 */
export function receiverSaidByCheck(checks: readonly CheckResult[], sent: readonly SentLike[], lines: readonly TimedLine[]): Map<string, ReceiverSaid> {
  const out = new Map<string, ReceiverSaid>();
  const failing = checks.filter((c) => FAILING.has(c.status));
  if (!failing.length || !lines.length) return out;

  const cleaned = lines.map((l) => ({ at: l.at, text: cleanLine(l.text) })).filter((l) => l.text.trim() !== '');
  const allIds = new Set(sent.map((r) => r.d.msg.messageId).filter(Boolean));
  for (const c of checks) for (const e of c.evidence) if (e.recipe?.messageId) allIds.add(e.recipe.messageId);
  // Which known ids each line names (a line naming none is matched by time). Ids are word tokens
  // (msg_<base62>, evt_<hex>, UUIDs), so a lookup per token beats searching every line for every id.
  const named = cleaned.map((l) => idsIn(l.text, allIds));
  const owners = cleaned.map((l) => ownersByTime(l.at, sent));

  for (const c of failing) {
    const evidenceIds = new Set(c.evidence.map((e) => e.recipe?.messageId).filter((id): id is string => Boolean(id)));
    let own = sent.filter((r) => r.checkId === c.id);
    if (!own.length) own = sent.filter((r) => evidenceIds.has(r.d.msg.messageId));
    const ids = new Set([...evidenceIds, ...own.map((r) => r.d.msg.messageId)]);
    const ownSet = new Set<SentLike>(own);

    // Both kinds, in arrival order: a line naming the id may be a plain "received evt_…" while the
    // traceback that explains the failure names none.
    const picked = cleaned.filter((_, i) =>
      named[i]!.length ? named[i]!.some((id) => ids.has(id)) : owners[i]!.length > 0 && owners[i]!.every((r) => ownSet.has(r)));
    const texts = [...new Set(picked.map((l) => cutChars(l.text, LINE_CHARS_MAX)))];
    const telling = tellingLine(texts);
    if (telling === undefined) continue;
    let kept = texts.slice(0, LINES_MAX);
    if (!kept.includes(telling)) kept = [...kept.slice(0, LINES_MAX - 1), telling];
    out.set(c.id, { lines: kept, telling });
  }
  return out;
}

function idsIn(text: string, ids: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const token of text.match(/[\w-]+/g) ?? []) {
    if (ids.has(token)) found.add(token);
    else if (token.includes('-')) for (const part of token.split('-')) if (ids.has(part)) found.add(part);
  }
  return [...found];
}

/** The checks, each failing one carrying `receiverSaid` when the receiver said something about it. */
export function withReceiverSaid(checks: CheckResult[], sent: readonly SentLike[], lines: readonly TimedLine[]): CheckResult[] {
  const said = receiverSaidByCheck(checks, sent, lines);
  return checks.map((c) => {
    const s = said.get(c.id);
    return s ? { ...c, receiverSaid: s } : c;
  });
}
