import type { HeaderStyle } from '../../mock-provider/signing/index.js';

/*
 * Why a receiver refused correctly signed deliveries (signature.valid), told apart
 * so the message names the real cause instead of always blaming the signature:
 *  - `wrong-path`: every answer was 404 or 405 — there is no POST route at the URL;
 *  - `header-style`: Svix providers only — everything sent with the configured header
 *    names (`svix-*` or `webhook-*`) was refused, and one probe with the other names
 *    was accepted;
 *  - `signature`: anything else (the secret, the raw body, the verifier).
 * Pure: signature.valid gathers the facts and sends the one probe.
 */

export interface RefusalFacts {
  /** Correctly signed deliveries sent with the configured header style. */
  sent: number;
  /** How many of them got a 2xx. */
  accepted: number;
  /** The status of every refused delivery that got an HTTP answer (transport errors are left out). */
  refusedStatuses: number[];
  /** Svix providers: the header style the run used. Absent where header names cannot be the cause (OmniSales). */
  headerStyle?: HeaderStyle;
  /** The one extra probe, correctly signed with the other header style, when it was sent. */
  probe?: { accepted: boolean };
}

export type RefusalKind =
  | { kind: 'none' }
  | { kind: 'wrong-path'; statuses: number[] }
  | { kind: 'header-style'; expects: HeaderStyle }
  | { kind: 'signature'; otherStyleRefused?: HeaderStyle };

const WRONG_PATH_STATUSES: ReadonlySet<number> = new Set([404, 405]);

export function otherHeaderStyle(s: HeaderStyle): HeaderStyle {
  return s === 'svix' ? 'standard' : 'svix';
}

/** `svix-*` or `webhook-*`: the header names a style stands for. */
export function headerPrefix(s: HeaderStyle): string {
  return s === 'standard' ? 'webhook-*' : 'svix-*';
}

function wrongPath(f: RefusalFacts): boolean {
  return f.accepted === 0 && f.refusedStatuses.length > 0 && f.refusedStatuses.every((s) => WRONG_PATH_STATUSES.has(s));
}

/**
 * Whether one probe with the other header style is worth sending: a Svix provider,
 * nothing accepted, answers that came back over HTTP, and not a missing route.
 */
export function shouldProbeHeaderStyle(f: Omit<RefusalFacts, 'probe'>): boolean {
  return f.headerStyle !== undefined && f.sent > 0 && f.accepted === 0 && f.refusedStatuses.length > 0 && !wrongPath(f);
}

export function refusalKind(f: RefusalFacts): RefusalKind {
  if (f.accepted === f.sent) return { kind: 'none' };
  if (wrongPath(f)) return { kind: 'wrong-path', statuses: [...new Set(f.refusedStatuses)].sort((a, b) => a - b) };
  if (f.headerStyle && f.probe && f.accepted === 0) {
    const other = otherHeaderStyle(f.headerStyle);
    return f.probe.accepted ? { kind: 'header-style', expects: other } : { kind: 'signature', otherStyleRefused: other };
  }
  return { kind: 'signature' };
}

export interface RefusalWords {
  /** The path of the URL the deliveries went to. */
  path: string;
  /** "refused correctly signed deliveries of 3 of 3 types (a, b, c), e.g. HTTP 401" — what happened, already worded. */
  what: string;
  /** The style the run used (Svix providers). */
  headerStyle?: HeaderStyle;
}

/** The check message for a refusal of this kind. */
export function refusalMessage(kind: RefusalKind, w: RefusalWords): string {
  switch (kind.kind) {
    case 'none':
      return w.what;
    case 'wrong-path':
      return (
        `wrong path or method: the receiver has no POST route at ${w.path} — every delivery got HTTP ${kind.statuses.join(' or ')}. ` +
        `Check the path in --url against the receiver's webhook route, and that the route accepts POST.`
      );
    case 'header-style': {
      const used = w.headerStyle ?? otherHeaderStyle(kind.expects);
      return (
        `${w.what}, all sent with ${headerPrefix(used)} headers; a probe with ${headerPrefix(kind.expects)} headers was accepted: ` +
        `the receiver expects ${headerPrefix(kind.expects)} headers: run with --header-style ${kind.expects}.`
      );
    }
    case 'signature':
      return (
        `${w.what}. Check the secret the receiver uses and that it verifies the raw body.` +
        (kind.otherStyleRefused ? ` A probe with ${headerPrefix(kind.otherStyleRefused)} headers was refused too, so the header names are not the cause.` : '')
      );
  }
}
