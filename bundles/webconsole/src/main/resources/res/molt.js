// The Molt page of the Felix Web Console: fills the frame of Page.java from the plugin's JSON API.
// Views are chosen by the address's fragment (#processes, #process/12, #behaviours, #upgrades,
// #held), so that each view has an address. Data goes into the page as text (textContent), never
// as markup. While "live" is ticked, the view on show is read again every 2 s.
(function () {
  'use strict';
  var box = document.getElementById('molt');
  var root = box.getAttribute('data-root');
  var query = { name: '', behaviour: '', version: '', status: '', size: '50', sort: 'pid', dir: 'asc', page: 0 };
  var shownUpgrade = 0;
  var renders = 0;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'onclick') { e.onclick = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function api(path, params) {
    var q = params ? '?' + new URLSearchParams(params).toString() : '';
    return fetch(root + '/api/' + path + q, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(body.error || ('HTTP ' + r.status)); }
        return body;
      });
    });
  }

  function post(action, pid) {
    var body = new URLSearchParams({ pid: String(pid) });
    return fetch(root + '/api/' + action, { method: 'POST', credentials: 'same-origin', body: body }).then(function (r) {
      return r.json().then(function (b) {
        if (!r.ok) { throw new Error(b.error || ('HTTP ' + r.status)); }
        return b;
      });
    });
  }

  function say(text, bad) {
    var m = document.getElementById('molt-message');
    m.textContent = text;
    m.className = 'molt-message' + (bad ? ' molt-bad' : '');
    m.hidden = !text;
  }

  function rendered() {
    renders++;
    box.setAttribute('data-renders', String(renders));
  }

  function micros(nanos) {
    if (nanos >= 1e6) { return (nanos / 1e6).toFixed(2) + ' ms'; }
    return (nanos / 1e3).toFixed(1) + ' µs';
  }

  function latency(l) {
    return l && l.samples > 0 ? 'p50 ' + micros(l.p50) + ' · p99 ' + micros(l.p99) + ' · max ' + micros(l.max) + ' (' + l.samples + ')' : '–';
  }

  function cell(text, cls) { return el('td', cls ? { text: String(text), 'class': cls } : { text: String(text) }); }

  function pidLink(pid) { return el('a', { href: '#process/' + pid, text: String(pid) }); }

  // A button that asks once more before it acts: no dialog, so a headless browser can press it too.
  // Which button is armed is kept here, by key, not in the button: the live refresh rebuilds the
  // view every 2 s, and a second press on the rebuilt button must still act.
  var armed = null;

  function confirmButton(label, key, action) {
    var b = el('button', { text: label, 'class': 'molt-act' });
    if (armed === key) {
      b.setAttribute('data-armed', 'yes');
      b.textContent = label + '? press again';
    }
    b.onclick = function () {
      if (armed !== key) {
        armed = key;
        b.setAttribute('data-armed', 'yes');
        b.textContent = label + '? press again';
        return;
      }
      armed = null;
      b.disabled = true;
      action().then(function (r) { say(r.message, false); refresh(); }, function (e) { say(e.message, true); b.disabled = false; });
    };
    return b;
  }

  // ---- views ------------------------------------------------------------------------

  function showProcesses() {
    return api('processes', query).then(function (page) {
      var body = document.querySelector('#molt-process-table tbody');
      body.textContent = '';
      page.rows.forEach(function (p) {
        var tr = el('tr', { 'data-pid': String(p.pid) }, [
          el('td', {}, [pidLink(p.pid)]), cell(p.name || '-'), cell(p.behaviour), cell(p.version),
          cell(p.status, 'molt-status-' + p.status), cell(p.mailbox, 'molt-num'), cell(p.handled, 'molt-num')]);
        body.appendChild(tr);
      });
      query.page = page.page;
      document.getElementById('molt-page').textContent = 'page ' + (page.page + 1) + ' of ' + page.pages + ' · ' + page.total + ' processes';
      document.getElementById('molt-prev').disabled = page.page === 0;
      document.getElementById('molt-next').disabled = page.page + 1 >= page.pages;
      document.querySelectorAll('#molt-process-table th').forEach(function (th) {
        th.className = th.getAttribute('data-sort') === query.sort ? 'molt-sorted-' + query.dir : '';
      });
    });
  }

  function list(label, items) {
    return el('tr', {}, [el('th', { text: label }), el('td', {}, items.length ? items : ['–'])]);
  }

  function showProcess(pid) {
    return api('process', { pid: pid }).then(function (p) {
      var s = document.getElementById('molt-process');
      s.textContent = '';
      s.appendChild(el('h2', { text: 'Process ' + p.pid + (p.name ? ' (' + p.name + ')' : '') }));
      var links = p.links.map(function (l) { return el('span', {}, [pidLink(l), ' ']); });
      var monitors = p.monitoredBy.map(function (l) { return el('span', {}, [pidLink(l), ' ']); });
      var t = el('table', { 'class': 'nicetable molt-detail' }, [
        list('behaviour', [p.behaviour]), list('version', [p.version]), list('status', [p.status + (p.held ? ': ' + p.held : '')]),
        list('mailbox', [String(p.mailbox)]), list('handled', [String(p.handled)]), list('upgrades', [String(p.upgrades)]),
        list('links', links), list('monitored by', monitors), list('watches', [String(p.watches)]),
        list('mailbox wait', [latency(p.waited)]), list('handler', [latency(p.handling)])]);
      s.appendChild(t);
      s.appendChild(el('h3', { text: 'State (as ' + p.version + ' exports it)' }));
      s.appendChild(el('pre', { 'class': 'molt-state', text: p.state }));
      s.appendChild(el('h3', { text: 'Its migrations' }));
      var mt = el('table', { 'class': 'nicetable' }, [el('tr', {}, ['When', 'From', 'To', 'Mode', 'Pause', 'Held'].map(function (h) { return el('th', { text: h }); }))]);
      p.migrations.forEach(function (m) {
        mt.appendChild(el('tr', {}, [cell(m.at), cell(m.from), cell(m.to || '?'), cell(m.mode), cell(m.pauseMicros.toFixed(1) + ' µs'), cell(m.held || '')]));
      });
      if (!p.migrations.length) { mt.appendChild(el('tr', {}, [el('td', { colspan: '6', text: 'none yet' })])); }
      s.appendChild(mt);
      var actions = el('p', {}, [confirmButton('Kill', 'kill ' + p.pid, function () { return post('kill', p.pid); })]);
      if (p.status === 'HELD') { actions.appendChild(el('button', { text: 'Retry', 'class': 'molt-act', onclick: function () { post('retry', p.pid).then(function (r) { say(r.message); refresh(); }, function (e) { say(e.message, true); }); } })); }
      s.appendChild(actions);
    }, function (e) {
      var s = document.getElementById('molt-process');
      s.textContent = '';
      s.appendChild(el('p', { 'class': 'molt-bad', text: e.message }));
    });
  }

  function showBehaviours() {
    return api('behaviours').then(function (bs) {
      var s = document.getElementById('molt-behaviours');
      s.textContent = '';
      var t = el('table', { 'class': 'nicetable' }, [el('tr', {}, ['Behaviour', 'Versions (processes)', 'Processes', 'Held', 'Mailboxes', 'Handled', 'Crashes', 'Restarts', 'Mailbox wait', 'Handler'].map(function (h) { return el('th', { text: h }); }))]);
      bs.forEach(function (b) {
        var versions = b.versions.map(function (v) {
          return el('div', { 'class': v.serving ? 'molt-serving' : '' }, [v.version + ' (' + v.processes + ')' + (v.serving ? ' ← new processes' : '') + (v.bundle ? ' · ' + v.bundle : '') + (v.duplicate ? ' · registered twice' : '')]);
        });
        t.appendChild(el('tr', { 'data-behaviour': b.name }, [cell(b.name), el('td', {}, versions), cell(b.processes, 'molt-num'), cell(b.held === undefined ? '' : b.held, 'molt-num'),
          cell((b.mailboxDepth || 0) + ' (max ' + (b.maxMailboxDepth || 0) + ')'), cell(b.handled || 0, 'molt-num'),
          cell((b.crashes || 0) + ' (' + (b.recentCrashes || 0) + ' last min)'), cell(b.restarts || 0, 'molt-num'), cell(latency(b.waited)), cell(latency(b.handling))]));
      });
      s.appendChild(t);
      var select = document.querySelector('#molt-filter select[name=behaviour]');
      var chosen = select.value;
      while (select.options.length > 1) { select.remove(1); }
      bs.forEach(function (b) { select.appendChild(el('option', { text: b.name })); });
      select.value = chosen;
    });
  }

  function chart(u) {
    var ns = 'http://www.w3.org/2000/svg';
    var w = 560, h = 160, pad = 28;
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', w);
    svg.setAttribute('height', h + pad);
    svg.setAttribute('class', 'molt-chart');
    var buckets = u.buckets.filter(function (b, i) { return b.count > 0 || (i > 0 && u.buckets[i - 1].count > 0); });
    var max = buckets.reduce(function (m, b) { return Math.max(m, b.count); }, 1);
    var bw = buckets.length ? (w - pad) / buckets.length : 0;
    buckets.forEach(function (b, i) {
      var bh = Math.round((h - 10) * b.count / max);
      var r = document.createElementNS(ns, 'rect');
      r.setAttribute('x', pad + i * bw + 2);
      r.setAttribute('y', h - bh);
      r.setAttribute('width', Math.max(1, bw - 4));
      r.setAttribute('height', bh);
      r.setAttribute('class', 'molt-bar-rect');
      var title = document.createElementNS(ns, 'title');
      title.textContent = b.count + ' pauses up to ' + micros(b.upToNanos);
      r.appendChild(title);
      svg.appendChild(r);
      var label = document.createElementNS(ns, 'text');
      label.setAttribute('x', pad + i * bw + bw / 2);
      label.setAttribute('y', h + 14);
      label.setAttribute('text-anchor', 'middle');
      label.setAttribute('class', 'molt-axis');
      label.textContent = '≤' + micros(b.upToNanos);
      svg.appendChild(label);
    });
    var y = document.createElementNS(ns, 'text');
    y.setAttribute('x', 2);
    y.setAttribute('y', 12);
    y.setAttribute('class', 'molt-axis');
    y.textContent = String(max);
    svg.appendChild(y);
    return svg;
  }

  function showUpgrades() {
    return api('upgrades').then(function (us) {
      var s = document.getElementById('molt-upgrades');
      s.textContent = '';
      var t = el('table', { 'class': 'nicetable' }, [el('tr', {}, ['Started', 'Behaviour', 'From', 'To', 'Mode', 'Outcome', 'Migrated', 'Held', 'Failed', 'Total', 'Longest pause', 'Pause p50 / p99'].map(function (h) { return el('th', { text: h }); }))]);
      us.forEach(function (u, i) {
        var tr = el('tr', { 'class': i === shownUpgrade ? 'molt-chosen' : '', 'data-upgrade': u.behaviour + ' ' + u.from + ' -> ' + u.to }, [
          cell(u.started.replace('T', ' ').replace(/\.\d+Z$/, 'Z')), cell(u.behaviour), cell(u.from), cell(u.to || '?'), cell(u.mode), cell(u.outcome),
          cell(u.migrated, 'molt-num'), cell(u.held, 'molt-num'), cell(u.failed, 'molt-num'), cell(u.totalMs.toFixed(3) + ' ms'),
          cell(u.longestPauseMs.toFixed(3) + ' ms'), cell(u.pauses.samples ? micros(u.pauses.p50) + ' / ' + micros(u.pauses.p99) : '–')]);
        tr.onclick = function () { shownUpgrade = i; showUpgrades(); };
        t.appendChild(tr);
      });
      if (!us.length) { t.appendChild(el('tr', {}, [el('td', { colspan: '12', text: 'no upgrade yet' })])); }
      s.appendChild(t);
      var u = us[Math.min(shownUpgrade, us.length - 1)];
      if (u) {
        s.appendChild(el('h3', { text: 'Pauses of ' + u.summary }));
        s.appendChild(u.buckets.length ? chart(u) : el('p', { text: 'no process moved in this upgrade' }));
      }
    });
  }

  function showHeld() {
    return api('held').then(function (hs) {
      var s = document.getElementById('molt-held');
      s.textContent = '';
      var t = el('table', { 'class': 'nicetable' }, [el('tr', {}, ['Pid', 'Name', 'Behaviour', 'From version', 'Mailbox', 'Why', ''].map(function (h) { return el('th', { text: h }); }))]);
      hs.forEach(function (p) {
        var retry = el('button', { text: 'Retry', 'class': 'molt-act molt-retry', onclick: function () { post('retry', p.pid).then(function (r) { say(r.message); refresh(); }, function (e) { say(e.message, true); }); } });
        var kill = confirmButton('Kill', 'kill ' + p.pid, function () { return post('kill', p.pid); });
        kill.className += ' molt-kill';
        t.appendChild(el('tr', { 'data-pid': String(p.pid) }, [el('td', {}, [pidLink(p.pid)]), cell(p.name || '-'), cell(p.behaviour), cell(p.version),
          cell(p.mailbox, 'molt-num'), cell(p.held), el('td', {}, [retry, ' ', kill])]));
      });
      if (!hs.length) { t.appendChild(el('tr', {}, [el('td', { colspan: '7', text: 'no process is held' })])); }
      s.appendChild(t);
    });
  }

  function showTotals() {
    return api('totals').then(function (t) {
      document.getElementById('molt-totals').textContent = t.processes + ' processes · ' + t.handled + ' messages handled · ' + t.crashes + ' crashes';
      document.getElementById('molt-held-count').textContent = t.held ? '(' + t.held + ')' : '';
    });
  }

  // ---- navigation ----------------------------------------------------------------------

  function route() {
    var h = (location.hash || '#processes').substring(1).split('/');
    return { tab: h[0] || 'processes', pid: h[1] };
  }

  function refresh() {
    var r = route();
    document.querySelectorAll('.molt-view').forEach(function (v) { v.hidden = v.id !== 'molt-' + r.tab; });
    document.querySelectorAll('.molt-tab').forEach(function (b) { b.className = 'molt-tab' + (b.getAttribute('data-tab') === r.tab || (r.tab === 'process' && b.getAttribute('data-tab') === 'processes') ? ' molt-on' : ''); });
    var view = { processes: showProcesses, behaviours: showBehaviours, upgrades: showUpgrades, held: showHeld }[r.tab];
    var shown = r.tab === 'process' ? showProcess(r.pid) : (view || showProcesses)();
    return Promise.all([shown, showTotals(), r.tab === 'processes' ? showBehaviours() : null]).then(rendered, function (e) { say(e.message, true); rendered(); });
  }

  document.querySelectorAll('.molt-tab').forEach(function (b) {
    b.onclick = function () { location.hash = b.getAttribute('data-tab'); };
  });
  document.querySelectorAll('#molt-process-table th').forEach(function (th) {
    th.onclick = function () {
      var c = th.getAttribute('data-sort');
      query.dir = query.sort === c && query.dir === 'asc' ? 'desc' : 'asc';
      query.sort = c;
      refresh();
    };
  });
  var filter = document.getElementById('molt-filter');
  filter.oninput = filter.onchange = function () {
    ['name', 'behaviour', 'version', 'status', 'size'].forEach(function (k) { query[k] = filter.elements[k].value; });
    query.page = 0;
    refresh();
  };
  filter.onsubmit = function (e) { e.preventDefault(); };
  document.getElementById('molt-prev').onclick = function () { query.page = Math.max(0, query.page - 1); refresh(); };
  document.getElementById('molt-next').onclick = function () { query.page++; refresh(); };
  window.addEventListener('hashchange', function () { say(''); armed = null; refresh(); });
  setInterval(function () {
    if (document.getElementById('molt-live').checked) { refresh(); }
  }, 2000);
  refresh();
}());
