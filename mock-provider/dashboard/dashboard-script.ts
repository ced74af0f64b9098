/**
 * The dashboard's script: inline, named by hash in the page's Content-Security-Policy. It reads the
 * dashboard's JSON routes, listens to the live feed (server-sent events) and re-reads what changed.
 * Everything from the store — response bodies above all — goes into the page as text (textContent),
 * never as markup. Plain ES2020, no template literals (this file is itself one).
 */
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var API = '/_hookgate/dashboard/api/';
  var $ = function (id) { return document.getElementById(id); };
  var state = { selected: null, page: null, pages: [], since: {}, endpoints: [] };

  function h(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'class') e.className = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    });
    var add = function (kid) {
      if (kid === null || kid === undefined || kid === false) return;
      if (Array.isArray(kid)) kid.forEach(add);
      else e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    };
    for (var i = 2; i < arguments.length; i++) add(arguments[i]);
    return e;
  }

  function call(path, body) {
    var init = body === undefined
      ? { credentials: 'same-origin', headers: { accept: 'application/json' } }
      : { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) };
    return fetch(API + path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.status === 401) { location.assign('/login'); throw new Error('log in first'); }
        if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
        return j;
      });
    });
  }

  function announce(text, bad) { var s = $('say'); s.textContent = text; s.className = bad ? 'bad' : ''; }

  // Re-rendering replaces buttons: focus returns to the one with the same key, so the keyboard keeps its place.
  function keepFocus(render) {
    var a = document.activeElement;
    var key = a && a.dataset ? a.dataset.key : undefined;
    render();
    if (key) {
      var again = document.querySelector('[data-key="' + CSS.escape(key) + '"]');
      if (again && again !== document.activeElement) again.focus();
    }
  }

  function badge(status) { return h('span', { class: 'badge s-' + String(status).replace(/ /g, '-'), text: status }); }
  function cell(text, cls) { return h('td', { class: cls, text: text }); }
  function label(id) {
    for (var i = 0; i < state.endpoints.length; i++) if (state.endpoints[i].id === id) return state.endpoints[i].label;
    return id;
  }

  function act(path, body, done) {
    announce('working…');
    return call(path, body).then(function (j) { announce(done(j)); refresh(true); }, function (e) { announce(e.message, true); });
  }

  function renderEndpoints(eps, now) {
    state.endpoints = eps;
    keepFocus(function () {
      $('endpoints-body').replaceChildren.apply($('endpoints-body'), eps.map(function (e) {
        if (state.since[e.id] === undefined) state.since[e.id] = new Date(Date.parse(now) - 3600000).toISOString();
        var input = h('input', { id: 'since-' + e.id, 'data-key': 'since:' + e.id, value: state.since[e.id], size: 24, spellcheck: 'false',
          oninput: function (ev) { state.since[e.id] = ev.target.value; } });
        return h('tr', { 'data-endpoint': e.id },
          h('td', null, h('code', { text: e.label }), e.name ? h('div', { class: 'muted', text: e.name }) : null),
          cell(e.url, 'url'),
          cell(e.events ? e.events.join(', ') : 'all event types'),
          h('td', null, badge(e.disabled ? 'disabled' : 'active')),
          cell(String(e.deadLetters)),
          h('td', { class: 'actions' },
            h('label', { class: 'sr', for: 'since-' + e.id, text: 'Recover failed messages of ' + e.label + ' since (ISO time, virtual clock)' }),
            input,
            h('button', { type: 'button', 'data-key': 'recover:' + e.id, disabled: e.disabled, text: 'Recover',
              onclick: function () { act('recover', { endpointId: e.id, since: state.since[e.id] }, function (j) { return 'Recover: ' + j.count + ' failed message(s) sent again to ' + e.label; }); } }),
            e.disabled ? h('button', { type: 'button', 'data-key': 'enable:' + e.id, text: 'Re-enable',
              onclick: function () { act('enable', { endpointId: e.id }, function () { return e.label + ' is enabled again'; }); } }) : null));
      }));
    });
  }

  function renderMessages(msgs) {
    keepFocus(function () {
      $('messages-body').replaceChildren.apply($('messages-body'), msgs.map(function (m) {
        return h('tr', { 'data-msg': m.id, class: m.id === state.selected ? 'selected' : null },
          h('td', null, h('button', { type: 'button', class: 'link', 'data-key': 'msg:' + m.id, 'aria-pressed': String(m.id === state.selected),
            text: m.id, onclick: function () { select(m.id); } })),
          h('td', null, m.type, m.test ? h('span', { class: 'muted', text: ' (test)' }) : null),
          cell(m.createdAt.replace('T', ' ').replace('Z', ''), 'mono'),
          h('td', null, badge(m.status)));
      }));
      if (!msgs.length) $('messages-body').replaceChildren(h('tr', null, h('td', { colspan: 4, class: 'muted', text: 'No messages yet: emit one (POST /_hookgate/events) and it appears here.' })));
      $('older').disabled = !state.next;
      $('newest').disabled = state.page === null;
    });
  }

  function renderDetail(d) {
    var box = $('detail-body');
    if (!d) { box.replaceChildren(h('p', { class: 'muted', text: 'Choose a message to see its attempts.' })); return; }
    var m = d.message;
    keepFocus(function () {
      box.replaceChildren(
        h('p', null, h('code', { text: m.id }), ' · ', m.type, ' · ', m.createdAt, ' ', badge(m.status)),
        h('h3', { text: 'Deliveries' }),
        h('ul', { id: 'deliveries' }, m.deliveries.map(function (dv) {
          return h('li', { 'data-delivery': dv.id }, h('code', { text: label(dv.endpointId) }), ' ', badge(dv.state), ' after ' + dv.attempts + ' attempt(s) ',
            h('button', { type: 'button', 'data-key': 'resend:' + m.id + ':' + dv.endpointId, text: 'Resend',
              onclick: function () { act('resend', { msgId: m.id, endpointId: dv.endpointId }, function () { return 'Resent ' + m.id + ' to ' + label(dv.endpointId); }); } }));
        })),
        h('h3', { text: 'Attempts' }),
        h('div', { class: 'scroll' }, h('table', { id: 'attempts' },
          h('thead', null, h('tr', null, h('th', { text: '#' }), h('th', { text: 'Endpoint' }), h('th', { text: 'Result' }), h('th', { text: 'Latency' }),
            h('th', { text: 'Offset' }), h('th', { text: 'Trigger' }), h('th', { text: 'Time (virtual)' }), h('th', { text: 'Response (first KB)' }))),
          h('tbody', null, d.attempts.length ? d.attempts.map(function (a) {
            return h('tr', { 'data-attempt': a.id, 'data-trigger': a.trigger, 'data-outcome': a.outcome },
              cell(String(a.n)), h('td', null, h('code', { text: label(a.endpointId) })),
              h('td', null, badge(a.outcome), ' ', a.status !== null ? 'HTTP ' + a.status : (a.error || '')),
              cell(a.latencyMs + ' ms'), cell(a.offset, 'mono'), cell(a.trigger), cell(a.timestamp.replace('T', ' ').replace('Z', ''), 'mono'),
              h('td', null, h('pre', { class: 'response', text: a.response })));
          }) : h('tr', null, h('td', { colspan: 8, class: 'muted', text: 'No attempt yet.' }))))),
        h('h3', { text: 'Payload (first KB)' }),
        h('pre', { id: 'payload', text: m.payload }));
    });
  }

  function renderDead(list) {
    keepFocus(function () {
      $('dead-body').replaceChildren.apply($('dead-body'), list.length ? list.map(function (l) {
        return h('tr', { 'data-dead': l.id },
          cell(l.id, 'mono'),
          h('td', null, h('button', { type: 'button', class: 'link', 'data-key': 'deadmsg:' + l.id, text: l.msgId, onclick: function () { select(l.msgId); } })),
          cell(l.type || ''), h('td', null, h('code', { text: label(l.endpointId) })), cell(l.reason), cell(String(l.attempts)), cell(l.lastError || ''),
          cell(l.at.replace('T', ' ').replace('Z', ''), 'mono'),
          h('td', null, h('button', { type: 'button', 'data-key': 'replay:' + l.id, text: 'Replay',
            onclick: function () { act('replay', { deadLetterId: l.id }, function () { return 'Replayed ' + l.msgId + ' to ' + label(l.endpointId); }); } })));
      }) : [h('tr', null, h('td', { colspan: 9, class: 'muted', text: 'The dead-letter queue is empty.' }))]);
    });
  }

  function loadOverview() {
    return call('overview' + (state.page ? '?before=' + encodeURIComponent(state.page) : '')).then(function (o) {
      $('now').textContent = o.now;
      state.next = o.next;
      renderEndpoints(o.endpoints, o.now);
      renderMessages(o.messages);
      renderDead(o.deadLetters);
    });
  }

  function loadDetail() {
    if (!state.selected) { renderDetail(null); return Promise.resolve(); }
    return call('messages/' + encodeURIComponent(state.selected)).then(renderDetail);
  }

  function select(id) {
    state.selected = id;
    history.replaceState(null, '', '#' + encodeURIComponent(id));
    refresh(true);
  }

  // One refresh at a time; changes that arrive meanwhile run one more, so a burst costs two reads, not hundreds.
  var running = false, again = false, detailToo = false;
  function refresh(withDetail) {
    detailToo = detailToo || withDetail;
    if (running) { again = true; return; }
    running = true;
    (function loop() {
      again = false;
      var d = detailToo; detailToo = false;
      loadOverview().then(function () { return d ? loadDetail() : undefined; }).then(function () {
        if (again) return loop();
        running = false;
      }, function (e) { running = false; announce(e.message, true); });
    })();
  }

  $('older').addEventListener('click', function () { if (state.next) { state.pages.push(state.page); state.page = state.next; refresh(false); } });
  $('newest').addEventListener('click', function () { state.page = null; state.pages = []; refresh(false); });

  function connect() {
    var es = new EventSource('/_hookgate/dashboard/events');
    var live = $('live');
    es.addEventListener('hello', function () {
      live.textContent = '● live'; live.className = 'on'; document.documentElement.dataset.live = 'on';
      refresh(true);
    });
    es.addEventListener('change', function (ev) {
      var c = JSON.parse(ev.data);
      refresh(state.selected !== null && (c.more || c.msgIds.indexOf(state.selected) >= 0 || c.kinds.indexOf('endpoint') >= 0));
    });
    es.onerror = function () {
      document.documentElement.dataset.live = 'off';
      live.className = 'off';
      live.textContent = es.readyState === EventSource.CLOSED ? 'disconnected: reload the page' : 'reconnecting…';
    };
  }

  if (location.hash.length > 1) state.selected = decodeURIComponent(location.hash.slice(1));
  refresh(true);
  connect();
})();
`;
