/**
 * node:http writes header strings as latin1, one byte per char. To put real UTF-8
 * bytes on the wire (what a misbehaving proxy or attacker would send), encode the
 * text as UTF-8 and re-read those bytes as latin1 chars.
 */
export function nonAsciiHeaderValue(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}
