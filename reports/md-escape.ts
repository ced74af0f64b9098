/*
 * Escaping for GitHub-flavoured Markdown, for text the receiver controls (bodies,
 * error messages, messages that quote them) and anything else we did not write.
 *
 * - Inline text: `& < >` become entities (no raw HTML, no `<img src=…>` fetched
 *   by a PR comment), ASCII punctuation that starts inline syntax is
 *   backslash-escaped (no links, images, emphasis or code spans), `|` is escaped so
 *   a table row stays one row, and line breaks become a visible ↵ so a value never
 *   starts a block (heading, list, fence) or ends a table row. `@` gets a
 *   zero-width space so a receiver cannot ping people from a PR comment.
 * - Code spans and fences: delimited by a backtick run longer than any in the
 *   content, so the content cannot close them; GFM shows their content literally.
 * - Everywhere: control and bidi-override characters are written as `\uXXXX`, so a
 *   terminal escape or a "Trojan Source" reordering shows as what it is.
 */

import { showInvisible } from './report-text.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Inline Markdown text: safe in a paragraph, a list item and a table cell. */
export function mdText(s: string): string {
  return showInvisible(s)
    .replace(/\r\n|\r|\n/g, ' ↵ ')
    .replace(/\t/g, ' ')
    .replace(/[&<>]/g, (ch) => ENTITIES[ch] ?? ch)
    .replace(/[\\`*_[\]()!~|#{}]/g, (ch) => '\\' + ch)
    .replace(/@/g, '@\u200b');
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of s) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** An inline code span (one line). Not for table cells: GFM splits cells on `|` even inside code. */
export function mdCode(s: string): string {
  const text = showInvisible(s).replace(/\r\n|\r|\n/g, ' ↵ ');
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  // A span that starts or ends with a backtick (or is all spaces) needs one space of padding, which GFM strips.
  const pad = text.startsWith('`') || text.endsWith('`') || /^ *$/.test(text) ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A fenced code block whose fence is longer than any backtick run in `content`. */
export function mdFence(content: string, lang = ''): string {
  const text = showInvisible(content).replace(/\r\n|\r/g, '\n').replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}
