import type { Agent as HttpsAgent } from 'node:https';
import type { JsonObject, ProviderProfile } from '../fixtures/profile.js';
import type { SignatureScheme, HeaderStyle, SignedRequest } from '../mock-provider/signing/index.js';
import type { Attempt } from '../mock-provider/sender.js';
import type { Message } from '../mock-provider/delivery.js';
import type { ReplayRecipe, RecipeChange } from '../mock-provider/recipe.js';
import type { Observer } from './observe/observer.js';
import type { FetchCounts } from './observe/fetch-back.js';
import type { Liveness } from './liveness.js';

export type Severity = 'must' | 'should';
/** What a check found. The runner turns a SHOULD `fail` into `warn`; a MUST check with a SHOULD part may return `warn` itself. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';

/** One request/response pair kept as evidence, plus how to reproduce it. */
export interface Evidence {
  /** What this request was, e.g. "wrong-secret" or "run 7 (shrunk)". */
  label: string;
  /** What the receiver should have done, e.g. "2xx" or "a refusal (non-2xx)". */
  expected: string;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    /** The body as UTF-8 text, cut to the first KB. */
    body: string;
    bodyBytes: number;
    bodyTruncated: boolean;
  };
  /** `note`: e.g. the body was cut short (the connection closed before its Content-Length); the status still counts. */
  response?: { status: number; headers: Record<string, string>; body: string; bodyBytes: number; latencyMs: number; note?: string };
  error?: { kind: string; message: string; latencyMs: number };
  curl: string;
  /** How `hookgate replay` rebuilds and re-signs this request. */
  recipe: ReplayRecipe;
}

export type { ReplayRecipe, RecipeChange } from '../mock-provider/recipe.js';

export interface Counterexample {
  /** The smallest failing input fast-check shrank to, described for humans. */
  value: unknown;
  seed: number;
  /** fast-check's replay path: with the seed it re-runs exactly the failing case. */
  path: string;
  numRuns: number;
  /** How many shrinks fast-check performed. */
  shrinks: number;
}

/**
 * Why a check was skipped (results.json `skipKind`). The first two say the check does not
 * concern this receiver; the next three that it did, but the run gave nothing to judge.
 */
export type SkipKind = 'not-applicable' | 'not-subscribed' | 'baseline-refused' | 'not-observable' | 'no-evidence' | 'interrupted';

interface OutcomeBase {
  message: string;
  evidence?: Evidence[];
  counterexample?: Counterexample;
  /**
   * Accepted deliveries whose processing the runner judges after the main phase, once
   * signature.valid's processing had time to show (SPEC: positive checks see processing).
   */
  processingProbes?: ProcessingProbe[];
}

/** A skip must say which kind it is, so the gate can tell "not for this receiver" from "could not judge". */
export type CheckOutcome = (OutcomeBase & { status: 'pass' | 'fail' | 'warn' | 'error' }) | (OutcomeBase & { status: 'skip'; skipKind: SkipKind });

/** A varied delivery the receiver answered 2xx: it must also have been processed (when processing of its type is observable). */
export interface ProcessingProbe {
  label: string;
  d: Delivery;
  a: Attempt;
}

export interface CheckResult {
  id: string;
  title: string;
  severity: Severity;
  status: CheckStatus;
  message: string;
  durationMs: number;
  /** Set when `status` is `skip`. */
  skipKind?: SkipKind;
  /** Decided once by `decideVerdict`; writers render it. */
  countsAgainstVerdict?: boolean;
  evidence: Evidence[];
  counterexample?: Counterexample;
  /** What the receiver logged about this check (`--start` only; failing checks only): suites/receiver-lines.ts. */
  receiverSaid?: ReceiverSaid;
}

/** The receiver's own output lines that belong to a check, and the most telling of them. */
export interface ReceiverSaid {
  /** Distinct lines, in arrival order, control sequences removed, each cut to 500 characters. */
  lines: string[];
  /** The line most likely to explain the failure (an exception, an error word), one of `lines`. */
  telling: string;
}

/** A delivery a check sends: the message and the request built from it, plus how to replay it. */
export interface Delivery {
  msg: Message;
  request: SignedRequest;
  recipe: ReplayRecipe;
}

/** One delivery as sent: which check sent it (the runner's async context), the delivery and its attempt. */
export interface SentRecord {
  checkId: string;
  d: Delivery;
  a: Attempt;
}

/** A request a check expected the receiver to refuse, and what it got (read by status.rejection-is-4xx). */
export interface Refusal {
  checkId: string;
  label: string;
  d: Delivery;
  a: Attempt;
}

export interface CheckContext {
  /** The check being run (the runner gives each check its own view of the shared context). */
  checkId: string;
  profile: ProviderProfile;
  scheme: SignatureScheme;
  url: string;
  headerStyle: HeaderStyle;
  /** Concrete event types the receiver is subscribed to (`--events`, default the whole catalog). */
  events: string[];
  seed: number;
  /** Property-based runs per check. */
  runs: number;
  /** `--large-size` override, bytes. */
  largeSize?: number;
  signal: AbortSignal;
  /** A fresh message of `type` (default: the first subscribed type) with a run-unique id; compact JSON.stringify body. */
  newMessage(type?: string, data?: JsonObject): Message;
  /** A message whose body is exactly `body` (already serialized). */
  messageWithBody(type: string, body: Buffer, messageId: string): Message;
  /**
   * A delivery of `msg`: correctly signed now, or the variant `change` describes
   * (a recipe without type/messageId/signedBody/headerStyle, which come from `msg`).
   */
  delivery(msg: Message, change?: RecipeChange): Delivery;
  /** The per-request timeout: the provider's unless `--timeout` says otherwise. */
  timeoutMs: number;
  /** The agent for a request a check sends itself (not through `send`): the run's TLS trust for https://, else undefined. */
  agent?: HttpsAgent;
  /**
   * Sends a delivery with `timeoutMs`; never throws for transport errors. Throws `ReceiverSilent`
   * (suites/liveness.ts) once the receiver is taken for silent, instead of waiting out the timeout again.
   */
  send(d: Delivery): Promise<Attempt>;
  /** Turns an attempt into evidence. */
  evidence(d: Delivery, a: Attempt, label: string, expected: string): Evidence;
  /**
   * Sends a fresh, compact, correctly signed message of `type` (the baseline of the
   * negative checks). Returns the attempt; callers skip when it was refused.
   */
  baseline(type?: string): Promise<{ accepted: boolean; attempt: Attempt; delivery: Delivery }>;
  /** Every request some check expected to be refused, with its answer, in the order sent. */
  refusals: Refusal[];
  /** Bodies too large to inline in evidence, by the relative path evidence refers to them with. */
  attachments: Map<string, Buffer>;
  /** Every correctly signed ('valid') delivery's attempt, for timeout.latency-budget. */
  validAttempts: Attempt[];
  /** Every delivery sent through `send`, in order, with the check that sent it (receiver-log attribution, processing baselines). */
  sent: SentRecord[];
  observation: Observation;
  /** Whether the receiver still answers at all (shared by the whole run): suites/liveness.ts. */
  liveness: Liveness;
}

/** What can show that the receiver processed a message (SPEC "Observation"), shared by the whole run. */
export interface Observation {
  effects?: Observer;
  fetchBack?: { observer: Observer; counts: FetchCounts };
  /** How long to wait for asynchronous processing before judging. */
  settleMs: number;
  /** Set once the receiver answered any redelivery with OmniSales's `{"duplicate": true}`. */
  sawDuplicateFlag: boolean;
}

export interface Check {
  id: string;
  title: string;
  /** Severity can depend on the provider (e.g. status.large-payload). */
  severity(profile: ProviderProfile): Severity;
  /** `true`, or the reason it does not apply (reported as skip). */
  appliesTo(profile: ProviderProfile): true | string;
  /**
   * `last`: runs after the main checks, one at a time, for checks that may take the
   * receiver down (malformed headers, abandoned requests). `final`: after those, for
   * checks that judge what all the others recorded (status.rejection-is-4xx).
   */
  phase?: 'main' | 'last' | 'final';
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

export interface RunSummary {
  passed: number;
  failed: number;
  warned: number;
  skipped: number;
  errored: number;
  verdict: 'pass' | 'fail';
  /** One sentence: why the verdict is what it is. */
  verdictReason: string;
  /** Whether `--strict` was in force (it changes which checks count against the gate). */
  strict: boolean;
}

/** The whole run, exactly the shape of results.json (SPEC "Outputs"). */
export interface RunResults {
  schemaVersion: 1;
  tool: { name: 'hookgate'; version: string };
  provider: string;
  target: string;
  startedAt: string;
  durationMs: number;
  seed: number;
  interrupted: boolean;
  /** `--insecure`: certificates were not verified (present only then, so no report can hide it). */
  insecure?: true;
  /**
   * How fast the receiver answered the valid deliveries that got an HTTP answer (ms): the figure the
   * `--targets` index shows. Absent when none was answered.
   */
  latency?: { answered: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** `--safe`: the checks it left out and the property runs per check it allowed. */
  safe?: { left: string[]; runs: number };
  /** `--max-rate`: requests per second the run was held to. */
  maxRate?: number;
  summary: RunSummary;
  checks: CheckResult[];
  /**
   * `check`'s options as typed, for reproduction lines: `--url` before port 0 became the receiver's
   * port (`--start`), and `--out` (relative to the directory check ran in, where replay refs start).
   */
  invocation?: { url: string; out: string };
  /** The receiver's own output when hookgate started it (`--start`). */
  receiverLog?: { command: string; stdout: string; stderr: string; exitCode: number | null };
}
