import { cspHash } from '../../fixtures/csp-hash.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';

/**
 * The dashboard's HTML: the page and the login form. Nothing is loaded from elsewhere: the style and the
 * script are inline and the Content-Security-Policy names exactly those blocks by hash (as the reports
 * do), allows requests only to this server (`connect-src 'self'`: the JSON routes and the live feed),
 * and forbids framing. The only value from outside is the provider's name, escaped.
 */

const REFS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => REFS[c] ?? c);

export interface HtmlPage {
  html: string;
  /** The Content-Security-Policy header to send with it. */
  csp: string;
}

export function dashboardPage(providerName: string, omnisales: boolean): HtmlPage {
  const endpoints = omnisales ? 'Webhooks' : 'Endpoints';
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(DASHBOARD_STYLE)}`,
    `script-src ${cspHash(DASHBOARD_SCRIPT)}`,
    "connect-src 'self'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>hookgate serve · ${esc(providerName)}</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<a class="skip" href="#messages">Skip to messages</a>
<header>
<h1>hookgate serve · ${esc(providerName)}</h1>
<span class="meta">virtual now <span id="now" class="mono">…</span></span>
<span id="live" class="off" role="status">connecting…</span>
<span id="say" role="status" aria-live="polite"></span>
</header>
<main>
<section id="endpoints" aria-labelledby="endpoints-title">
<h2 id="endpoints-title">${endpoints}</h2>
<div class="scroll"><table>
<thead><tr><th>${omnisales ? 'Webhook' : 'Endpoint'}</th><th>URL</th><th>Events</th><th>State</th><th>Dead letters</th><th>Actions</th></tr></thead>
<tbody id="endpoints-body"></tbody>
</table></div>
</section>
<section id="messages" aria-labelledby="messages-title" tabindex="-1">
<h2 id="messages-title">Messages <span class="muted">(newest first)</span></h2>
<div class="scroll"><table>
<thead><tr><th>Message</th><th>Type</th><th>Created (virtual)</th><th>Status</th></tr></thead>
<tbody id="messages-body"></tbody>
</table></div>
<div class="pager"><button type="button" id="newest">Newest</button><button type="button" id="older">Older</button></div>
</section>
<section id="detail" aria-labelledby="detail-title">
<h2 id="detail-title">Message and attempts</h2>
<div id="detail-body"><p class="muted">Choose a message to see its attempts.</p></div>
</section>
<section id="dead" aria-labelledby="dead-title">
<h2 id="dead-title">Dead-letter queue</h2>
<div class="scroll"><table>
<thead><tr><th>Failure</th><th>Message</th><th>Type</th><th>${omnisales ? 'Webhook' : 'Endpoint'}</th><th>Reason</th><th>Attempts</th><th>Last error</th><th>Given up (virtual)</th><th>Action</th></tr></thead>
<tbody id="dead-body"></tbody>
</table></div>
</section>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
  return { html, csp };
}

const LOGIN_STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430; background: #f6f7f9; display: grid; place-items: center; min-height: 100vh; margin: 0; }
form { background: #fff; border: 1px solid #d9dee7; border-radius: 6px; padding: 1.25rem 1.5rem; width: min(28rem, 92vw); }
h1 { font-size: 1.15rem; margin: 0 0 .75rem; }
label { display: block; margin-bottom: .25rem; }
input { font: inherit; width: 100%; padding: .35rem .5rem; border: 1px solid #9aa4b5; border-radius: 4px; }
button { font: inherit; margin-top: .75rem; padding: .3rem .9rem; border: 1px solid #9aa4b5; border-radius: 4px; background: #fff; }
:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
.bad { color: #a11a1a; }
p { color: #5b6576; }
`;

/** The token form: `serve` listens beyond loopback, so the dashboard needs the token once, for a cookie. */
export function loginPage(providerName: string, error?: string): HtmlPage {
  const csp = [`default-src 'none'`, `style-src ${cspHash(LOGIN_STYLE)}`, "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>hookgate serve · ${esc(providerName)} · log in</title>
<style>${LOGIN_STYLE}</style>
</head>
<body>
<form method="post" action="/login">
<h1>hookgate serve · ${esc(providerName)}</h1>
<p>serve listens beyond loopback: give the API token it printed at start (or HOOKGATE_TOKEN).</p>
${error ? `<p class="bad" role="alert">${esc(error)}</p>` : ''}
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Open the dashboard</button>
</form>
</body>
</html>
`;
  return { html, csp };
}
