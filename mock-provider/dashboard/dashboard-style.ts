/** The dashboard's stylesheet: inline, named by hash in the page's Content-Security-Policy. */
export const DASHBOARD_STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6576; --line: #d9dee7; --bg: #f6f7f9; --card: #fff; --accent: #1a56db;
  --ok: #116b3a; --ok-bg: #e3f5ea; --bad: #a11a1a; --bad-bg: #fde8e8; --warn: #7a4b00; --warn-bg: #fff1d6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; padding: .75rem 1.25rem; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.15rem; margin: 0; }
header .meta { color: var(--muted); }
main { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 1rem; padding: 1rem 1.25rem; max-width: 1600px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; min-width: 0; }
#endpoints, #dead { grid-column: 1 / -1; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); font-size: .85rem; }
.scroll { overflow-x: auto; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; max-height: 12rem; overflow: auto; background: var(--bg); padding: .35rem .5rem; border-radius: 4px; }
.url { word-break: break-all; }
.muted { color: var(--muted); }
button { font: inherit; padding: .2rem .6rem; border: 1px solid #9aa4b5; border-radius: 4px; background: #fff; color: var(--ink); cursor: pointer; }
button:hover { background: #eef2fb; }
button[disabled] { opacity: .5; cursor: default; }
button.link { border: 0; background: none; padding: 0; color: var(--accent); text-decoration: underline; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
tr.selected { background: #eef2fb; }
input { font: inherit; padding: .15rem .35rem; border: 1px solid #9aa4b5; border-radius: 4px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.s-delivered, .s-success, .s-active { color: var(--ok); background: var(--ok-bg); }
.s-failed, .s-fail, .s-dead, .s-disabled, .s-no-endpoint { color: var(--bad); background: var(--bad-bg); }
.s-interrupted, .s-retrying, .s-pending, .s-sending, .s-in-flight { color: var(--warn); background: var(--warn-bg); }
.actions { white-space: nowrap; }
.actions > * { margin-right: .35rem; }
#live.on { color: var(--ok); } #live.off { color: var(--bad); }
#say { min-height: 1.3em; } #say.bad { color: var(--bad); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .25rem .5rem; }
.pager { margin-top: .5rem; display: flex; gap: .5rem; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
`;
