// Ferry's dashboard: plain JavaScript against the REST API and the events WebSocket. No build step.
(() => {
  'use strict';
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
    }
    children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
    return e;
  };
  const fmt = (n) => (n == null ? '—' : Number(n).toLocaleString());
  const DESTRUCTIVE = ['rebuild', 'force', 'mirror'];

  let token = localStorage.getItem('ferryToken');
  let targetName = '';
  let live = null; // the run shown in "Current run"
  let socket = null;
  let reconnect = null; // the pending reconnect timer

  async function api(path, options = {}) {
    const res = await fetch(path, {
      ...options,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(options.headers || {}) },
    });
    const body = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const err = new Error(body?.detail || `HTTP ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  // --- token -----------------------------------------------------------------------------------------------
  function showLogin(message) {
    $('#app').hidden = true;
    $('#forget-token').hidden = true;
    $('#login').hidden = false;
    $('#token-error').textContent = message || '';
  }

  $('#token-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    token = $('#token-input').value.trim();
    try {
      await api('/api/v1/status');
      localStorage.setItem('ferryToken', token);
      $('#token-input').value = '';
      start();
    } catch (err) {
      showLogin(err.status === 401 ? 'That token is not valid.' : err.message);
    }
  });

  $('#forget-token').addEventListener('click', () => {
    localStorage.removeItem('ferryToken');
    token = null;
    clearTimeout(reconnect);
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
    showLogin();
  });

  // Rows written since the last verified sync, told apart: the source's, production's own, both.
  const sinceSync = (c) => (c ? `${fmt(c.local)} local · ${fmt(c.production)} on production`
    + (c.both ? ` · ${fmt(c.both)} on both` : '') : '');

  // --- status and tables -----------------------------------------------------------------------------------
  function endpointCard(title, e) {
    return el('div', { class: 'card' },
      el('strong', {}, title), ' ',
      el('span', { class: `pill ${e.reachable ? 'ok' : 'bad'}` }, e.reachable ? 'reachable' : 'unreachable'),
      el('div', { class: 'muted' }, e.url),
      e.reachable
        ? el('div', {}, `PostgreSQL ${e.version} · ${e.roundTripMs.toFixed(1)} ms${e.tls ? ' · TLS' : ''}`)
        : el('div', { class: 'error' }, e.error));
  }

  async function loadStatus() {
    const s = await api('/api/v1/status');
    targetName = (s.target.url.split('/').pop() || '').split('?')[0];
    $('#endpoints').replaceChildren(endpointCard('Source', s.source), endpointCard('Target', s.target));
    // The server writes commands in backticks, as the CLI prints them: shown as code, never parsed as HTML.
    $('#recommendation').replaceChildren(...(s.recommendation || '').split('`')
      .map((part, i) => (i % 2 ? el('code', {}, part) : part)));
    const rows = (s.tables || []).map((t) => {
      const drift = t.source !== t.target;
      // Equal counts are not equal rows: rows written on either side since the last verified sync say so.
      const changed = !drift && t.changes && (t.changes.local > 0 || t.changes.production > 0);
      return el('tr', { class: drift ? 'drift' : changed ? 'changed' : 'match', 'data-table': t.table, 'data-source': t.source ?? '', 'data-target': t.target ?? '' },
        el('td', {}, t.table), el('td', { class: 'num' }, fmt(t.source)), el('td', { class: 'num' }, fmt(t.target)),
        el('td', {}, drift ? (t.target == null ? 'missing on target' : 'differs') : changed ? 'rows changed' : '✓'),
        el('td', { class: 'since' }, sinceSync(t.changes)));
    });
    $('#status-tables tbody').replaceChildren(...rows);
    $('#status-tables').classList.toggle('with-since', (s.tables || []).some((t) => t.changes));
    if (s.schema) {
      const v = (x) => (x ? `at V${x}` : 'no migration history');
      const sch = s.schema;
      $('#migrations').replaceChildren(
        el('div', {}, `Migrations: source ${v(sch.sourceMigration)}, target ${v(sch.targetMigration)}`
          + (sch.sourceMigration !== sch.targetMigration ? ' (run `ferry migrate`)' : '')),
        el('div', { class: sch.differences ? 'warning' : '' }, sch.differences
          ? `Schema drift: ${sch.differences} differences (${sch.destructive} destructive); \`ferry diff\` lists them`
          : 'Schema drift: none'),
        ...sch.sample.map((x) => el('div', { class: 'muted' }, x)),
        el('div', { class: 'muted' }, `Last backup: ${sch.lastBackup || 'none'}`));
    }
    if (!live && s.activeRuns && s.activeRuns.length) adopt(s.activeRuns[0]);
  }

  // --- history ---------------------------------------------------------------------------------------------
  async function loadHistory() {
    const page = await api('/api/v1/syncs?limit=50');
    const status = $('#history-status').value;
    const trigger = $('#history-trigger').value;
    const shown = page.items.filter((r) => (!status || r.status === status)
      && (!trigger || r.trigger === trigger || r.trigger.startsWith(`${trigger}:`)));
    $('#history tbody').replaceChildren(...shown.map((r) => {
      const tr = el('tr', { class: 'clickable', 'data-run': r.id },
        el('td', {}, new Date(r.startedAt).toLocaleString()),
        el('td', {}, r.mode + (r.dryRun ? ' (dry run)' : '')),
        el('td', {}, el('span', { class: `pill ${r.status}` }, r.status)),
        el('td', { class: 'num' }, fmt(r.rowsWritten)),
        el('td', {}, r.trigger));
      tr.addEventListener('click', () => { location.hash = `#/runs/${r.id}`; });
      return tr;
    }));
  }
  $('#history-status').addEventListener('change', () => loadHistory().catch(() => {}));
  $('#history-trigger').addEventListener('change', () => loadHistory().catch(() => {}));

  // A run's page, linkable as #/runs/{id}: how it ended and why, per table what it did and how, validation, events.
  async function showRun(id) {
    const run = await api(`/api/v1/syncs/${encodeURIComponent(id)}`);
    const s = run.summary || { tables: [], validation: [], warnings: [] };
    $('#run-detail-title').textContent = `${run.mode}${run.dryRun ? ' (dry run)' : ''} · started by ${run.trigger}`
      + ` · ${new Date(run.startedAt).toLocaleString()}`;
    const outcome = $('#run-detail-outcome');
    outcome.className = `outcome ${run.status}`;
    outcome.textContent = `${run.status}: ${run.message || ''}`;
    $('#run-detail-tables tbody').replaceChildren(...s.tables.map((t) => el('tr', { 'data-table': t.table },
      el('td', {}, t.table), el('td', {}, el('span', { class: `pill ${t.outcome.toLowerCase()}` }, t.outcome.toLowerCase())),
      el('td', { class: 'num' }, fmt(t.inserted)), el('td', { class: 'num' }, fmt(t.updated)),
      el('td', { class: 'num' }, fmt(t.deleted)), el('td', { class: 'num' }, fmt(t.durationMs)),
      el('td', { class: 'how' }, [t.strategy ? el('code', {}, t.strategy) : '', ' ', t.path || '',
        t.message ? el('div', { class: 'warning' }, t.message) : '']))));
    $('#run-detail-validation').replaceChildren(...(s.validation || []).map((v) => el('li',
      { class: v.matches ? 'ok' : 'bad' }, `${v.matches ? '✓' : '✗'} ${v.table}: ${v.detail}`)));
    $('#run-detail-warnings').replaceChildren(...(s.warnings || []).map((w) => el('li', {}, w)));
    $('#run-detail-events').replaceChildren(...(run.events || []).map((e) => el('li', {},
      `${e.type}${e.table ? ' ' + e.table : ''}${e.phase ? ' ' + e.phase : ''}${e.message ? ': ' + e.message : ''}`)));
    $('#run-detail').hidden = false;
    $('#run-detail').scrollIntoView();
  }

  function route() {
    const m = location.hash.match(/^#\/runs\/([0-9a-f-]{36})$/);
    if (m) {
      showRun(m[1]).catch((err) => { $('#run-detail').hidden = true; $('#recommendation').textContent = err.message; });
    } else {
      $('#run-detail').hidden = true;
    }
  }
  window.addEventListener('hashchange', () => { if (token) route(); });
  $('#run-detail-close').addEventListener('click', (e) => { e.preventDefault(); location.hash = ''; });

  // --- live run --------------------------------------------------------------------------------------------
  function adopt(snapshot) {
    live = { id: snapshot.id, status: snapshot.status, dryRun: snapshot.dryRun, phases: snapshot.phases, warnings: snapshot.warnings,
      log: snapshot.log, tables: Object.fromEntries(snapshot.tables.map((t) => [t.table, { ...t }])) };
    renderLive();
  }

  function newRun(id, dryRun) {
    live = { id, status: 'running', dryRun: !!dryRun, phases: [], warnings: [], log: [], tables: {} };
    $('#plan').replaceChildren();
    renderLive();
  }

  function onEvent(e) {
    if (e.type === 'snapshot') {
      if (e.runs.length && (!live || live.id === e.runs[0].id || live.status !== 'running')) adopt(e.runs[0]);
      return;
    }
    if (e.type === 'heartbeat' || !e.runId) return;
    if (!live || live.id !== e.runId) {
      if (e.type !== 'run-started') return;
      newRun(e.runId, e.dryRun);
    }
    const t = (name) => (live.tables[name] ||= { table: name, rowsDone: 0, rowsTotal: 0, rowsWritten: 0, rowsPerSecond: 0 });
    switch (e.type) {
      case 'run-started': live.dryRun = e.dryRun; live.log.push(`run started: ${e.mode}${e.dryRun ? ' (dry run)' : ''}`); break;
      case 'phase-started': live.phases.push({ phase: e.phase, outcome: 'running' }); break;
      case 'phase-finished': {
        const p = [...live.phases].reverse().find((x) => x.phase === e.phase);
        if (p) { p.outcome = e.outcome; p.durationMs = e.durationMs; }
        live.log.push(`phase ${e.phase}: ${e.outcome} (${e.durationMs} ms)`);
        break;
      }
      case 'table-started': Object.assign(t(e.table), { state: 'running', rowsTotal: e.sourceRows, path: e.path }); break;
      case 'table-progress': Object.assign(t(e.table), { state: 'running', rowsDone: e.rowsDone, rowsTotal: e.rowsTotal,
        rowsWritten: e.rowsWritten, rowsPerSecond: e.rowsPerSecond }); break;
      case 'table-finished': {
        const r = e.result;
        Object.assign(t(r.table), { state: r.outcome.toLowerCase(), rowsDone: r.sourceRows, rowsTotal: r.sourceRows,
          rowsWritten: r.inserted + r.updated + r.deleted + r.linked });
        live.log.push(`${r.table}: ${r.outcome.toLowerCase()}, +${r.inserted} ~${r.updated} -${r.deleted}`);
        break;
      }
      case 'warning': live.warnings.push((e.table ? `${e.table}: ` : '') + e.message); break;
      case 'run-finished':
        live.status = e.summary.status.toLowerCase();
        live.message = e.summary.message;
        live.log.push(`run ${live.status}: ${e.summary.message}`);
        if (e.summary.dryRun) showPlan(e.summary);
        loadStatus().catch(() => {});
        loadHistory().catch(() => {});
        break;
      default: break;
    }
    renderLive();
  }

  function progressBar(t) {
    const total = t.rowsTotal || 0;
    const finished = t.state && t.state !== 'running';
    const pct = finished ? 100 : total ? Math.min(100, Math.floor((100 * t.rowsDone) / total)) : 0;
    const rate = t.rowsPerSecond || 0;
    const eta = !finished && rate > 0 && total > t.rowsDone ? `ETA ${Math.ceil((total - t.rowsDone) / rate)} s` : '';
    // A dry run compares and writes nothing: its bar is the comparison, its outcome what a real run would write.
    const state = live.dryRun && t.state === 'synced' ? 'would sync' : t.state || 'waiting';
    const planned = live.dryRun && finished ? ` · would write ${fmt(t.rowsWritten)}` : '';
    const verb = live.dryRun ? 'compared' : '';
    return el('div', { class: `progress${finished ? ' done' : ''}`, 'data-table': t.table, 'data-percent': String(pct),
      'data-state': t.state || 'waiting' },
      el('div', { class: 'meta' },
        el('span', {}, el('strong', {}, t.table), ` ${state}`),
        el('span', {}, `${verb} ${fmt(t.rowsDone)} / ${fmt(total)} rows · ${pct}%${planned}${rate ? ` · ${fmt(Math.round(rate))} rows/s` : ''} ${eta}`)),
      el('div', { class: 'bar' }, el('div', { style: `width:${pct}%` })));
  }

  function renderLive() {
    if (!live) return;
    const pill = $('#run-status');
    pill.textContent = live.status;
    pill.className = `pill ${live.status}`;
    pill.dataset.run = live.id;
    $('#phases').replaceChildren(...live.phases.map((p) => el('li', { class: p.outcome }, p.phase)));
    $('#live-tables').replaceChildren(...Object.values(live.tables).map(progressBar));
    $('#warnings').replaceChildren(...live.warnings.map((w) => el('div', { class: 'warning' }, `⚠ ${w}`)));
    $('#log').textContent = live.log.slice(-100).join('\n');
    const running = live.status === 'running' || live.status === 'cancelling';
    $('#sync-btn').disabled = running;
    $('#dryrun-btn').disabled = running;
    $('#cancel-btn').hidden = live.status !== 'running';
    // How it ended, in a line everyone sees: a refusal's reason is the thing to act on.
    const outcome = $('#outcome');
    outcome.hidden = !live.message || running;
    outcome.className = `outcome ${live.status}`;
    outcome.textContent = live.message ? `${live.status}: ${live.message}` : '';
  }

  $('#cancel-btn').addEventListener('click', async () => {
    if (!live) return;
    try {
      await api(`/api/v1/syncs/${encodeURIComponent(live.id)}/cancel`, { method: 'POST' });
      live.status = 'cancelling';
    } catch (err) {
      live.warnings.push(err.status === 403 ? 'this token may only look: cancelling needs the full token' : err.message);
    }
    renderLive();
  });

  function showPlan(summary) {
    const rows = summary.tables.map((t) => el('tr', {},
      el('td', {}, t.table), el('td', {}, t.path || ''), el('td', { class: 'num' }, fmt(t.inserted)),
      el('td', { class: 'num' }, fmt(t.updated)), el('td', { class: 'num' }, fmt(t.deleted))));
    const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'table'), el('th', {}, 'how'),
      el('th', { class: 'num' }, 'insert'), el('th', { class: 'num' }, 'update'), el('th', { class: 'num' }, 'delete'))),
    el('tbody', {}, rows));
    const ddl = summary.ddl.length ? el('pre', {}, summary.ddl.join(';\n') + ';') : '';
    $('#plan').replaceChildren(el('h3', {}, `Plan: ${summary.message}`), table, ddl);
  }

  // --- triggering ------------------------------------------------------------------------------------------
  async function trigger(dryRun, confirmDestructive) {
    $('#sync-error').textContent = '';
    const mode = $('#mode').value;
    try {
      const res = await api('/api/v1/syncs', { method: 'POST', body: JSON.stringify({ mode, dryRun, confirmDestructive }) });
      if (!dryRun && (!live || live.id !== res.id)) newRun(res.id);
      if (dryRun) { adoptFinished(res); }
    } catch (err) {
      $('#sync-error').textContent = err.message;
    }
  }

  function adoptFinished(run) {
    if (run.summary) showPlan(run.summary);
    loadHistory().catch(() => {});
  }

  $('#dryrun-btn').addEventListener('click', () => trigger(true, false));
  $('#sync-btn').addEventListener('click', () => {
    const mode = $('#mode').value;
    if (!DESTRUCTIVE.includes(mode)) { trigger(false, false); return; }
    const dialog = $('#confirm');
    $('#confirm-mode').textContent = `Mode ${mode}`;
    $('#confirm-name').textContent = targetName;
    $('#confirm-input').value = '';
    $('#confirm-ok').disabled = true;
    dialog.showModal();
    dialog.onclose = () => { if (dialog.returnValue === 'ok') trigger(false, true); };
  });
  $('#confirm-input').addEventListener('input', (e) => { $('#confirm-ok').disabled = e.target.value !== targetName; });

  // --- events socket ---------------------------------------------------------------------------------------
  // One socket at a time: a new login replaces the old socket and its reconnect loop (two sockets showed every
  // event twice).
  function connect(delay = 500) {
    clearTimeout(reconnect);
    if (socket) { socket.onclose = null; socket.close(); }
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/api/v1/events?access_token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => { $('#connection').textContent = 'live'; $('#connection').className = 'pill ok'; delay = 500; };
    ws.onmessage = (m) => onEvent(JSON.parse(m.data));
    ws.onclose = () => {
      $('#connection').textContent = 'offline';
      $('#connection').className = 'pill bad';
      if (token && socket === ws) reconnect = setTimeout(() => connect(Math.min(delay * 2, 10000)), delay);
    };
  }

  // --- schedules -------------------------------------------------------------------------------------------
  async function loadSchedules() {
    const { schedules } = await api('/api/v1/schedules');
    $('#schedules-none').hidden = schedules.length > 0;
    $('#schedules').hidden = schedules.length === 0;
    const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
    $('#schedules tbody').replaceChildren(...schedules.map((s) => el('tr', { 'data-schedule': s.name },
      el('td', {}, s.name), el('td', {}, el('code', {}, s.cron), ` ${s.zone}`),
      el('td', {}, s.paused ? 'paused' : when(s.next)),
      el('td', {}, s.last ? `${s.last.outcome} ${when(s.last.at)}` : '—'),
      el('td', {}, el('button', { type: 'button', class: 'pause', onclick: () => pause(s.name, !s.paused) },
        s.paused ? 'Resume' : 'Pause')))));
  }

  async function pause(name, paused) {
    try {
      await api(`/api/v1/schedules/${encodeURIComponent(name)}/${paused ? 'pause' : 'resume'}`, { method: 'POST' });
      $('#schedules-error').hidden = true;
      await loadSchedules();
    } catch (err) {
      $('#schedules-error').hidden = false;
      $('#schedules-error').textContent = err.status === 403
        ? 'This token may only look: pausing a schedule needs the full token.' : err.message;
    }
  }

  async function start() {
    $('#login').hidden = true;
    $('#app').hidden = false;
    $('#forget-token').hidden = false;
    try {
      await Promise.all([loadStatus(), loadHistory(), loadSchedules()]);
      route();
    } catch (err) {
      if (err.status === 401) { localStorage.removeItem('ferryToken'); showLogin('That token is no longer valid.'); return; }
      $('#recommendation').textContent = err.message;
    }
    connect();
    // Counts change without a run of ours too (production, the developer): refreshed while the page is looked at.
    // The server shares one computation among all viewers, so this costs production nothing per viewer.
    setInterval(() => {
      if (token && document.visibilityState === 'visible') loadStatus().catch(() => {});
    }, 10000);
  }

  if (token) start(); else showLogin();
})();
