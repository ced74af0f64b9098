/*
 * The stylesheet and script inlined into report.html. Both are constants so the
 * Content-Security-Policy can name them by hash: no other style or script can
 * run, even if something slipped past escaping. No fonts, images or anything
 * else by URL: the report opens offline and makes no request at all.
 */

export const CSS = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --fg: #1d2127; --muted: #5b6470; --card: #ffffff; --line: #dde1e6; --code: #eef1f4;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --skip: #57606a; --skip-bg: #eaeef2; --error: #8250df; --error-bg: #fbefff;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #161b22; --line: #30363d; --code: #1f2630;
    --pass: #3fb950; --pass-bg: #12261e; --fail: #f85149; --fail-bg: #2d1214; --warn: #d29922; --warn-bg: #2b2111;
    --skip: #9198a1; --skip-bg: #21262d; --error: #bc8cff; --error-bg: #231a34;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1, h2, h3, h4 { line-height: 1.25; }
h2 { font-size: 1.15rem; margin: 28px 0 10px; }
h4 { font-size: .95rem; margin: 14px 0 6px; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: 8px 10px; border-radius: 6px; margin: 4px 0 8px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 28em; overflow: auto; }
pre code { background: none; padding: 0; }
.banner { border-radius: 10px; padding: 16px 20px; border: 1px solid var(--line); border-left: 8px solid; background: var(--card); }
.banner.pass { border-left-color: var(--pass); }
.banner.fail { border-left-color: var(--fail); }
.banner h1 { margin: 0 0 6px; font-size: 1.6rem; }
.banner.pass h1 { color: var(--pass); }
.banner.fail h1 { color: var(--fail); }
.meta { display: flex; flex-wrap: wrap; gap: 4px 18px; color: var(--muted); font-size: .9rem; }
.meta b { color: var(--fg); font-weight: 600; }
.notice { margin: 10px 0 0; padding: 8px 12px; border-radius: 6px; background: var(--warn-bg); color: var(--warn); font-weight: 600; }
.counts { display: grid; grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: 10px; margin: 16px 0; }
.count { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.count b { display: block; font-size: 1.5rem; }
.count.pass b { color: var(--pass); } .count.fail b { color: var(--fail); } .count.warn b { color: var(--warn); }
.count.skip b { color: var(--skip); } .count.error b { color: var(--error); }
.toolbar { display: flex; gap: 8px; justify-content: flex-end; margin: -4px 0 8px; }
button { font: inherit; font-size: .85rem; padding: 3px 10px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; }
button:hover { border-color: var(--muted); }
.js-only { display: none; }
.js .js-only { display: inline-block; }
.js .toolbar.js-only { display: flex; }
table.checks { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; table-layout: fixed; }
.checks th, .checks td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--line); }
.checks th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.checks col.c-status { width: 104px; } .checks col.c-id { width: 30%; } .checks col.c-sev { width: 92px; } .checks col.c-dur { width: 96px; }
.checks tr:last-child td, .checks tr.has-detail td { border-bottom: 0; }
.checks tr.detail-row td { padding-top: 0; }
.checks .message { white-space: pre-line; }
.checks .title { color: var(--muted); font-size: .85rem; }
.checks .msg { overflow-wrap: anywhere; }
.badge { display: inline-block; white-space: nowrap; padding: 1px 8px; border-radius: 999px; font-size: .8rem; font-weight: 700; text-transform: uppercase; }
.badge.pass { color: var(--pass); background: var(--pass-bg); } .badge.fail { color: var(--fail); background: var(--fail-bg); }
.badge.warn { color: var(--warn); background: var(--warn-bg); } .badge.skip { color: var(--skip); background: var(--skip-bg); }
.badge.error { color: var(--error); background: var(--error-bg); }
tr.st-fail td:first-child { box-shadow: inset 4px 0 var(--fail); } tr.st-error td:first-child { box-shadow: inset 4px 0 var(--error); }
tr.st-warn td:first-child { box-shadow: inset 4px 0 var(--warn); }
.detail-row details { margin: 0 0 4px 94px; }
.io { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 16px; }
details { margin-top: 6px; }
summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
details[open] > summary { margin-bottom: 6px; }
.advice p { margin: 4px 0; }
.ev { border: 1px solid var(--line); border-radius: 8px; padding: 4px 12px 8px; margin: 10px 0; }
.ev h4 { margin-top: 8px; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0; font-size: .9rem; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; overflow-wrap: anywhere; }
.status-ok { color: var(--pass); font-weight: 700; } .status-bad { color: var(--fail); font-weight: 700; }
.cmd { position: relative; }
.cmd button { position: absolute; top: 6px; right: 6px; }
.cmd pre { padding-right: 70px; }
.log h3 { font-size: 1rem; }
footer { color: var(--muted); font-size: .85rem; margin: 24px 0; }
@media (max-width: 720px) {
  main { padding: 10px; }
  .io { grid-template-columns: minmax(0, 1fr); }
  .detail-row details { margin: 0; }
  .checks, .checks tbody, .checks tr, .checks td { display: block; width: 100%; }
  .checks thead, .checks colgroup { display: none; }
  .checks tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  .checks tr.check { display: flex; flex-wrap: wrap; align-items: baseline; }
  .checks tr.has-detail { border-bottom: 0; padding-bottom: 0; }
  .checks tr.check td { order: 4; }
  .checks tr.check td.status { order: 1; } .checks tr.check td.sev { order: 2; } .checks tr.check td.dur { order: 3; }
  .checks td { border: 0; padding: 3px 12px; }
  .checks td.status, .checks td.sev, .checks td.dur { display: inline-block; width: auto; padding-right: 0; color: var(--muted); font-size: .85rem; }
  tr.st-fail td:first-child, tr.st-error td:first-child, tr.st-warn td:first-child { box-shadow: none; }
  tr.st-fail, tr.st-error, tr.st-warn { border-left: 4px solid var(--fail); }
  tr.st-warn { border-left-color: var(--warn); } tr.st-error { border-left-color: var(--error); }
}
`;

/*
 * Copy buttons and expand/collapse all. Reads and writes only textContent and
 * the `open` property: never innerHTML, so no receiver text becomes markup.
 */
export const SCRIPT = `
document.documentElement.classList.add('js');
document.addEventListener('click', function (ev) {
  var t = ev.target;
  if (!(t instanceof HTMLButtonElement)) return;
  if (t.dataset.action === 'expand' || t.dataset.action === 'collapse') {
    var open = t.dataset.action === 'expand';
    document.querySelectorAll('details').forEach(function (d) { d.open = open; });
    return;
  }
  if (t.dataset.action !== 'copy') return;
  var pre = t.parentElement && t.parentElement.querySelector('pre');
  if (!pre) return;
  var text = pre.textContent || '';
  var done = function (label) { t.textContent = label; setTimeout(function () { t.textContent = 'Copy'; }, 1500); };
  var select = function () {
    var range = document.createRange();
    range.selectNodeContents(pre);
    var sel = window.getSelection();
    if (sel) { sel.removeAllRanges(); sel.addRange(range); }
    done('Selected');
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(function () { done('Copied'); }, select);
  } else {
    select();
  }
});
`;
