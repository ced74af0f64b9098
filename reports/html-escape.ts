import { showInvisible } from './report-text.js';

/*
 * HTML escaping for report.html. Everything the receiver controls goes through
 * `esc` (text and attribute values alike: `& < > " '` all become references), so
 * nothing it sent can open a tag, close an attribute or start a script. Control
 * and bidi-override characters are shown as `\uXXXX` (see `showInvisible`).
 */

const REFS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: string): string {
  return showInvisible(s).replace(/[&<>"']/g, (ch) => REFS[ch] ?? ch);
}

/** Our own prose (fixes.ts): escaped, then its `backtick spans` shown as <code>. */
export function richText(s: string): string {
  return esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** ANSI colour and cursor sequences in a receiver's log are noise in a browser. */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '');
}

/** The last `max` characters of a long log, marked, so a chatty receiver cannot bloat the report. */
export function tail(s: string, max: number): { text: string; dropped: number } {
  if (s.length <= max) return { text: s, dropped: 0 };
  return { text: s.slice(s.length - max), dropped: s.length - max };
}

/** A value safe in an `id` attribute and a URL fragment. */
export function anchor(id: string): string {
  return 'check-' + id.replace(/[^A-Za-z0-9_.-]/g, '_');
}
