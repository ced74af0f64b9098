/*
 * `--safe`: only what the provider itself would send, for checks against real integrators'
 * production endpoints. Forgeries and stale timestamps stay (well-formed requests a provider-
 * shaped attacker sends, and the point of the gate); what no provider sends does not: requests
 * abandoned mid-way, malformed or missing signature headers, content types the provider never
 * uses. Property-based checks run fewer cases, and payloads keep the provider's real sizes.
 */

export const UNSAFE_CHECKS: Readonly<Record<string, string>> = {
  'timeout.abandoned-request': 'abandons requests half-sent',
  'signature.missing-headers': 'sends requests without signature headers and with a non-numeric timestamp',
  'status.malformed-signature': 'sends malformed signature headers',
  'status.content-type-variants': 'sends content types the provider never uses',
};

/** Property-based runs per check under --safe (at most). */
export const SAFE_RUNS = 10;
