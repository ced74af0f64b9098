import { cspHash } from '../fixtures/csp-hash.js';
import type { IndexEntry } from '../suites/targets/target-entry.js';
import { esc } from './html-escape.js';
import { CSS } from './html-style.js';

/*
 * index.html of `check --targets`: one sortable row per integrator, linking to its report.
 * Self-contained like report.html: the style and the sorting script are constants named by hash
 * in the Content-Security-Policy, nothing is fetched, and every value that came from the targets
 * file or a receiver (names, URLs, reasons) is escaped. Sorting works without a mouse: the column
 * headers are buttons. Without script the table reads in the run's order (failures first).
 */

const INDEX_CSS = `
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th button { font: inherit; font-weight: 600; background: none; border: 0; color: inherit; cursor: pointer; padding: 0; }
th button:focus-visible { outline: 2px solid var(--fg); }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.v { font-weight: 600; padding: 1px 6px; border-radius: 4px; white-space: nowrap; }
.v-pass { color: var(--pass); background: var(--pass-bg); }
.v-fail { color: var(--fail); background: var(--fail-bg); }
.v-unreachable, .v-timed-out { color: var(--warn); background: var(--warn-bg); }
.ids { font-size: 13px; }
.reason { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.counts span { margin-right: 14px; }
`;

/** Click or Enter on a header sorts by that column; again reverses. Numbers sort as numbers, blanks last. */
const INDEX_SCRIPT = `(() => {
  const table = document.getElementById('targets');
  const body = table.tBodies[0];
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => {
    const b = th.querySelector('button');
    if (!b) return;
    b.addEventListener('click', () => {
      const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      heads.forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      const key = (r) => r.cells[col].dataset.sort ?? r.cells[col].textContent;
      const num = th.dataset.type === 'number';
      const rows = [...body.rows].sort((a, b) => {
        const x = key(a), y = key(b);
        if (num) {
          const p = x === '' ? Infinity : Number(x), q = y === '' ? Infinity : Number(y);
          return p === q ? 0 : p === Infinity ? 1 : q === Infinity ? -1 : (p - q) * dir;
        }
        return x.localeCompare(y) * dir;
      });
      for (const r of rows) body.appendChild(r);
    });
  });
})();`;

const VERDICT_ORDER: Record<IndexEntry['verdict'], number> = { fail: 0, 'timed-out': 1, unreachable: 2, pass: 3 };

/** A relative link to a target's report; the folder part is already sanitised, encoded anyway. */
function href(report: string): string {
  return report.split('/').map(encodeURIComponent).join('/');
}

export function targetsIndexHtml(entries: readonly IndexEntry[], meta: { startedAt: string; durationMs: number; version: string }): string {
  const style = CSS + INDEX_CSS;
  const policy = ["default-src 'none'", `style-src ${cspHash(style)}`, `script-src ${cspHash(INDEX_SCRIPT)}`, "base-uri 'none'", "form-action 'none'"].join('; ');
  const count = (v: IndexEntry['verdict']) => entries.filter((e) => e.verdict === v).length;
  const rows = [...entries]
    .sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || a.name.localeCompare(b.name))
    .map((e) => {
      const ids = (xs: string[]) => (xs.length ? xs.map((x) => `<code>${esc(x)}</code>`).join(' ') : '—');
      return [
        '<tr>',
        `<td>${esc(e.name)}<div class="reason">${esc(e.url)}</div></td>`,
        `<td>${esc(e.provider)}</td>`,
        `<td data-sort="${VERDICT_ORDER[e.verdict]}"><span class="v v-${e.verdict}">${esc(e.verdict)}</span><div class="reason">${esc(e.reason)}</div></td>`,
        `<td class="ids" data-sort="${e.failed.length ? String(e.failed.length).padStart(3, '0') : ''}">${ids(e.failed)}</td>`,
        `<td class="ids" data-sort="${e.warned.length ? String(e.warned.length).padStart(3, '0') : ''}">${ids(e.warned)}</td>`,
        `<td class="num" data-sort="${e.p99Ms ?? ''}">${e.p99Ms === null ? '—' : `${esc(String(e.p99Ms))} ms`}</td>`,
        `<td><a href="${esc(href(e.report))}">report</a></td>`,
        '</tr>',
      ].join('');
    });
  const th = (label: string, type = 'text') => `<th scope="col" data-type="${type}"><button type="button">${label}</button></th>`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(policy)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>hookgate targets · ${count('pass')}/${entries.length} passed</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>hookgate check --targets: ${count('pass')} of ${entries.length} passed</h1>`,
    `<p class="counts"><span>pass ${count('pass')}</span><span>fail ${count('fail')}</span><span>unreachable ${count('unreachable')}</span><span>timed out ${count('timed-out')}</span><span>started ${esc(meta.startedAt)}, ${(meta.durationMs / 1000).toFixed(1)} s</span></p>`,
    '<table id="targets">',
    `<thead><tr>${th('Integrator')}${th('Provider')}${th('Verdict', 'number')}${th('Failed MUST checks', 'number')}${th('Warnings', 'number')}${th('p99 latency', 'number')}<th scope="col">Report</th></tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    `<footer>hookgate ${esc(meta.version)} · index.json has the same rows for scripts.</footer>`,
    '</main>',
    `<script>${INDEX_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
