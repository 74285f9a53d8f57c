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
  let localName = ''; // the source's database: what a pull writes
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

  // A write refused to the read-only token says so where the button is, not only in a status code.
  const explain = (err, what) => (err.status === 403 ? `This token may only look: ${what} needs the full token.` : err.message);
  const { throughput, timeline, history: historyChart } = window.FerryCharts;

  // --- token -----------------------------------------------------------------------------------------------
  function showLogin(message) {
    $('#app').hidden = true;
    $('#nav').hidden = true;
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
  // A side counted up to the server's limit shows "+": at least that many.
  const sinceSync = (c) => (c ? `${fmt(c.local)}${c.localCapped ? '+' : ''} local · ${fmt(c.production)}`
    + `${c.productionCapped ? '+' : ''} on production`
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

  // What the last dry run or validation found in each table's rows (counts alone cannot say): filled from history.
  let lastComparison = null; // { run, byTable: {table: text} }
  const contentOf = (table) => (lastComparison ? lastComparison.byTable[table] || '' : '');

  async function loadComparison(items) {
    const latest = items.find((r) => (r.dryRun || r.mode === 'validate') && r.status !== 'running' && r.status !== 'skipped');
    if (!latest) return;
    if (lastComparison && lastComparison.run === latest.id) return;
    const run = await api(`/api/v1/syncs/${latest.id}`);
    const byTable = {};
    const s = run.summary || { tables: [], validation: [] };
    (s.tables || []).forEach((t) => {
      const n = t.inserted + t.updated + t.deleted;
      byTable[t.table] = n ? `${fmt(t.inserted)} to insert · ${fmt(t.updated)} to update · ${fmt(t.deleted)} to delete`
        : t.outcome === 'REFUSED' ? `refused: ${t.message || ''}` : 'rows equal';
    });
    (s.validation || []).forEach((v) => { byTable[v.table] = v.matches ? 'rows equal' : v.detail; });
    lastComparison = { run: latest.id, byTable };
    $('#status-tables').classList.add('with-content');
    $('#content-head').textContent = `content (${latest.dryRun ? 'dry run' : 'validation'} ${new Date(latest.startedAt).toLocaleTimeString()})`;
    document.querySelectorAll('#status-tables tr[data-table]').forEach((tr) => {
      tr.querySelector('td.content').textContent = contentOf(tr.dataset.table);
    });
  }

  async function loadStatus() {
    const s = await api('/api/v1/status');
    targetName = (s.target.url.split('/').pop() || '').split('?')[0];
    localName = (s.source.url.split('/').pop() || '').split('?')[0];
    $('#pull-btn').hidden = !s.pulls;
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
        el('td', { class: 'since' }, sinceSync(t.changes)),
        el('td', { class: 'content' }, contentOf(t.table)));
    });
    $('#status-tables tbody').replaceChildren(...rows);
    $('#status-tables').classList.toggle('with-since', (s.tables || []).some((t) => t.changes));
    $('#status-tables').classList.toggle('with-content', !!lastComparison);
    if (s.schema) {
      const v = (x) => (x ? `at V${x}` : 'no migration history');
      const sch = s.schema;
      $('#migrations').replaceChildren(
        el('div', {}, `Migrations: source ${v(sch.sourceMigration)}, target ${v(sch.targetMigration)}`),
        el('div', { class: 'muted' }, `Last backup: ${sch.lastBackup || 'none'}`));
    }
    if (!live && s.activeRuns && s.activeRuns.length) adopt(s.activeRuns[0]);
  }

  // --- history ---------------------------------------------------------------------------------------------
  async function loadHistory() {
    const page = await api('/api/v1/syncs?limit=50');
    const status = $('#history-status').value;
    const trigger = $('#history-trigger').value;
    const kind = $('#history-mode').value;
    const ofKind = (r) => !kind || (kind === 'validate' ? r.mode === 'validate' : kind === 'dry' ? r.dryRun
      : r.mode !== 'validate' && !r.dryRun);
    const shown = page.items.filter((r) => (!status || r.status === status)
      && (!trigger || r.trigger === trigger || r.trigger.startsWith(`${trigger}:`)) && ofKind(r));
    $('#history-chart').replaceChildren(...(shown.length ? [historyChart([...shown].slice(0, 40).reverse(),
      (id) => { location.hash = `#/runs/${id}`; })] : []));
    loadComparison(page.items).catch(() => {});
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
  $('#history-mode').addEventListener('change', () => loadHistory().catch(() => {}));

  // A few keys of what a table's copy wrote (or would), where it compared rows by key.
  const sampleText = (k) => (!k ? '' : [['inserted', k.inserted], ['updated', k.updated], ['deleted', k.deleted]]
    .filter(([, keys]) => keys && keys.length).map(([what, keys]) => `${what} ${keys.join(', ')}`).join(' · '));

  // An event of a run as a sentence, for the run's page.
  function sentence(e) {
    const r = e.result;
    switch (e.type) {
      case 'run-started': return `run started: ${e.mode}${e.dryRun ? ' (dry run)' : ''}`;
      case 'phase-started': return `${e.phase} started`;
      case 'phase-finished': return `${e.phase}: ${e.outcome} in ${(e.durationMs / 1000).toFixed(1)} s`;
      case 'table-started': return `${e.table}: started, ${e.path || ''} (${e.estimated ? 'about ' : ''}${fmt(e.sourceRows)} rows on the source, ${fmt(e.targetRows)} on the target)`;
      case 'table-compared': return `${e.table}: ${fmt(e.rangesDiffering)} of ${fmt(e.ranges)} key ranges differ; ${fmt(e.rowsCompared)} rows compared, `
        + `${fmt(e.rowsToCopy)} to copy, ${fmt(e.rowsOnlyOnTarget)} only on the target`;
      case 'table-finished': return `${r.table}: ${r.outcome.toLowerCase()}, ${fmt(r.inserted)} inserted, ${fmt(r.updated)} updated, `
        + `${fmt(r.deleted)} deleted${r.message ? ` (${r.message})` : ''}`;
      case 'warning': return `⚠ ${e.table ? `${e.table}: ` : ''}${e.message}`;
      default: return `${e.type}${e.table ? ` ${e.table}` : ''}${e.message ? `: ${e.message}` : ''}`;
    }
  }

  // Phases and tables with their start and end, from a recorded run's events (each carries its time, "at").
  function spans(events) {
    const phases = [];
    const tables = {};
    events.forEach((e) => {
      if (e.type === 'phase-started') phases.push({ phase: e.phase, outcome: 'running', start: e.at, end: null });
      if (e.type === 'phase-finished') {
        const p = [...phases].reverse().find((x) => x.phase === e.phase);
        if (p) Object.assign(p, { outcome: e.outcome, end: e.at });
      }
      if (e.type === 'table-started') tables[e.table] = { table: e.table, state: 'running', start: e.at, end: null };
      if (e.type === 'table-finished' && tables[e.result.table]) {
        Object.assign(tables[e.result.table], { state: e.result.outcome.toLowerCase(), end: e.at });
      }
    });
    return { phases, tables: Object.values(tables) };
  }

  // A run's page, linkable as #/runs/{id}: how it ended and why, its timeline, per table what it did and how,
  // validation, its backup with a Rollback, and its events in words.
  async function showRun(id) {
    const [run, backups] = await Promise.all([api(`/api/v1/syncs/${encodeURIComponent(id)}`),
      api('/api/v1/backups').catch(() => ({ backups: [] }))]);
    const s = run.summary || { tables: [], validation: [], warnings: [] };
    $('#run-detail-title').textContent = `${run.mode}${run.dryRun ? ' (dry run)' : ''} · started by ${run.trigger}`
      + ` · ${new Date(run.startedAt).toLocaleString()}`;
    if ($('#run-detail').dataset.run !== id) $('#rollback-result').textContent = '';
    $('#run-detail').dataset.run = id;
    const outcome = $('#run-detail-outcome');
    outcome.className = `outcome ${run.status}`;
    outcome.textContent = `${run.status}: ${run.message || ''}`;
    const events = (run.events || []).filter((e) => e.at);
    const t0 = Date.parse(run.startedAt);
    const tEnd = run.finishedAt ? Date.parse(run.finishedAt) : Math.max(t0 + 1, ...events.map((e) => e.at));
    const { phases, tables } = spans(events);
    $('#run-detail-timeline').replaceChildren(...(tables.length || phases.length ? [timeline(phases, tables, t0, tEnd)] : []));
    $('#run-detail-tables tbody').replaceChildren(...s.tables.map((t) => el('tr', { 'data-table': t.table },
      el('td', {}, t.table), el('td', {}, el('span', { class: `pill ${t.outcome.toLowerCase()}` }, t.outcome.toLowerCase())),
      el('td', { class: 'num' }, fmt(t.inserted)), el('td', { class: 'num' }, fmt(t.updated)),
      el('td', { class: 'num' }, fmt(t.deleted)), el('td', { class: 'num' }, fmt(t.durationMs)),
      el('td', { class: 'how' }, [t.strategy && !(t.path || '').startsWith(t.strategy) ? el('code', {}, t.strategy) : '', ' ', t.path || '',
        sampleText(t.samples) ? el('div', { class: 'samples' }, `e.g. ${sampleText(t.samples)}`) : '',
        t.message ? el('div', { class: 'warning' }, t.message) : '']))));
    $('#run-detail-validation').replaceChildren(...(s.validation || []).map((v) => el('li',
      { class: v.matches ? 'ok' : 'bad' }, `${v.matches ? '✓' : '✗'} ${v.table}: ${v.detail}`)));
    $('#run-detail-warnings').replaceChildren(...(s.warnings || []).map((w) => el('li', {}, w)));
    $('#run-detail-warnings-head').hidden = !(s.warnings || []).length;
    $('#run-detail-validation-head').hidden = !(s.validation || []).length;
    $('#run-detail-events').replaceChildren(...events.map((e) => el('li', { 'data-type': e.type },
      el('span', { class: 'at' }, `+${((e.at - t0) / 1000).toFixed(1)} s`), ' ', sentence(e))));
    const backup = backups.backups.find((b) => b.runId === id && !b.reason.startsWith('rows deleted'))
      || backups.backups.find((b) => b.runId === id);
    $('#rollback-btn').hidden = !backup;
    $('#run-detail-backup').textContent = backup
      ? `Backup #${backup.id} (${backup.reason}, ${fmt(backup.rows)} rows in ${backup.tables.length} tables)`
        + `${backup.restoredAt ? `, restored ${new Date(backup.restoredAt).toLocaleString()}` : ''}`
      : 'No backup was taken for this run (rebuild and force runs take one; backup.beforeSync: always for every run).';
    $('#run-detail').hidden = false;
    $('#run-detail').scrollIntoView();
  }

  // Rolling back previews first: the dialog lists what the backup holds and what the tables hold now.
  $('#rollback-btn').addEventListener('click', async () => {
    const id = $('#run-detail').dataset.run;
    const path = `/api/v1/syncs/${encodeURIComponent(id)}/rollback`;
    $('#rollback-result').textContent = '';
    try {
      const preview = await api(path, { method: 'POST', body: JSON.stringify({ dryRun: true }) });
      if (!await confirmTyped('Rolling back', `puts back backup #${preview.backup.id}, replacing the current rows of these tables`
        + ' (they are backed up first):', restorePreview(preview), 'Roll back')) return;
      const done = await api(path, { method: 'POST', body: JSON.stringify({ confirmDestructive: true }) });
      $('#rollback-result').className = 'ok';
      $('#rollback-result').textContent = `✓ rolled back: ${done.detail}`;
      refreshAfterWrite();
    } catch (err) {
      $('#rollback-result').className = 'error';
      $('#rollback-result').textContent = explain(err, 'rolling back');
    }
  });

  function restorePreview(preview) {
    return el('table', { class: 'preview' }, el('thead', {}, el('tr', {}, el('th', {}, 'table'),
      el('th', { class: 'num' }, 'now'), el('th', { class: 'num' }, 'in the backup'))),
    el('tbody', {}, preview.backup.tables.map((t) => el('tr', {}, el('td', {}, t.table),
      el('td', { class: 'num' }, fmt(preview.current[t.table])),
      el('td', { class: 'num' }, t.deletedRowsOnly ? `+${fmt(t.rows)} deleted rows` : fmt(t.rows))))));
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
  // Times are this page's clock (ms); a snapshot's server times are shifted onto it.
  let sampler = null;

  function adopt(snapshot) {
    const shift = Date.now() - (snapshot.now || Date.now());
    const at = (t) => (t == null ? null : t + shift);
    live = { id: snapshot.id, status: snapshot.status, mode: snapshot.mode, dryRun: snapshot.dryRun && snapshot.mode !== 'validate',
      startedAt: Date.parse(snapshot.startedAt) + shift, warnings: snapshot.warnings, log: snapshot.log, samples: [],
      phases: snapshot.phases.map((p) => ({ ...p, start: at(p.startedAt), end: at(p.finishedAt) })),
      tables: Object.fromEntries(snapshot.tables.map((t) => [t.table, { ...t, start: at(t.startedAt), end: at(t.finishedAt) }])) };
    startSampling();
    renderLive();
  }

  function newRun(id, dryRun, mode) {
    // A validation runs as a dry run underneath, but it is drawn as what it is: tables checked.
    live = { id, status: 'running', mode, dryRun: !!dryRun && mode !== 'validate', startedAt: Date.now(), phases: [], warnings: [], log: [],
      tables: {}, samples: [] };
    $('#plan').replaceChildren();
    startSampling();
    renderLive();
  }

  // Throughput is measured here, from the rows each table reports done: four times a second, per table and in all.
  function startSampling() {
    clearInterval(sampler);
    const last = {};
    let lastAt = Date.now();
    const sample = () => {
      if (!live) return;
      const now = Date.now();
      const dt = Math.max(0.001, (now - lastAt) / 1000);
      const tables = {};
      let total = 0;
      Object.values(live.tables).forEach((t) => {
        const rate = Math.max(0, ((t.rowsDone || 0) - (last[t.table] ?? t.rowsDone ?? 0)) / dt);
        last[t.table] = t.rowsDone || 0;
        tables[t.table] = rate;
        total += rate;
        t.recentRate = rate;
      });
      lastAt = now;
      live.samples.push({ t: (now - live.startedAt) / 1000, total, tables });
      if (live.samples.length > 600) live.samples = live.samples.filter((x, i) => i % 2 === 0);
      renderCharts();
    };
    sampler = setInterval(() => {
      if (!live || (live.status !== 'running' && live.status !== 'cancelling')) { clearInterval(sampler); return; }
      sample();
    }, 250);
  }

  function onEvent(e) {
    if (e.type === 'snapshot') {
      if (e.runs.length && (!live || live.id === e.runs[0].id || live.status !== 'running')) adopt(e.runs[0]);
      return;
    }
    if (e.type === 'heartbeat' || !e.runId) return;
    if (!live || live.id !== e.runId) {
      if (e.type !== 'run-started') return;
      newRun(e.runId, e.dryRun, e.mode);
    }
    const now = Date.now();
    const t = (name) => (live.tables[name] ||= { table: name, rowsDone: 0, rowsTotal: 0, rowsWritten: 0, rowsPerSecond: 0 });
    switch (e.type) {
      case 'run-started': live.mode = e.mode; live.dryRun = e.dryRun && e.mode !== 'validate'; live.log.push(`run started: ${e.mode}${e.dryRun ? ' (dry run)' : ''}`); break;
      case 'phase-started': live.phases.push({ phase: e.phase, outcome: 'running', start: now, end: null }); break;
      case 'phase-finished': {
        const p = [...live.phases].reverse().find((x) => x.phase === e.phase);
        if (p) { p.outcome = e.outcome; p.durationMs = e.durationMs; p.end = now; }
        live.log.push(`phase ${e.phase}: ${e.outcome} (${e.durationMs} ms)`);
        break;
      }
      case 'table-started': Object.assign(t(e.table), { state: 'running', rowsTotal: e.sourceRows, path: e.path, start: now }); break;
      case 'table-progress': Object.assign(t(e.table), { state: 'running', rowsDone: e.rowsDone, rowsTotal: e.rowsTotal,
        rowsWritten: e.rowsWritten, rowsPerSecond: e.rowsPerSecond }); break;
      case 'table-compared': t(e.table).compared = e; live.log.push(sentence(e)); break;
      case 'table-finished': {
        const r = e.result;
        Object.assign(t(r.table), { state: r.outcome.toLowerCase(), rowsDone: r.sourceRows, rowsTotal: r.sourceRows,
          rowsWritten: r.inserted + r.updated + r.deleted + r.linked, inserted: r.inserted, updated: r.updated,
          deleted: r.deleted, samples: r.samples, path: r.path || t(r.table).path, end: now });
        live.log.push(sentence(e));
        break;
      }
      case 'warning': live.warnings.push((e.table ? `${e.table}: ` : '') + e.message); break;
      case 'run-finished':
        live.status = e.summary.status.toLowerCase();
        live.message = e.summary.message;
        live.log.push(`run ${live.status}: ${e.summary.message}`);
        if (live.mode === 'validate') showValidation(e.summary);
        else if (e.summary.dryRun) showPlan(e.summary);
        refreshAfterWrite();
        break;
      default: break;
    }
    renderLive();
  }

  // The ETA is only given once there is something honest to base it on: a known total, rows done, and two
  // seconds of this table's own recent rate. Until then the bar says what the table is doing.
  function eta(t) {
    if (t.state && t.state !== 'running') return '';
    if (!t.rowsTotal) return t.path && t.path.includes('differential') ? 'comparing key ranges…' : 'counting…';
    if (!t.rowsDone) return t.compared ? 'copying…' : t.path && t.path.includes('differential') ? 'comparing key ranges…' : 'starting…';
    const rate = t.recentRate || 0;
    if (!t.start || Date.now() - t.start < 2000 || rate <= 0) return 'estimating…';
    return `ETA ${Math.ceil((t.rowsTotal - t.rowsDone) / rate)} s`;
  }

  const comparedText = (c) => (c && c.ranges ? `${fmt(c.rangesDiffering)} of ${fmt(c.ranges)} ranges differ · ${fmt(c.rowsCompared)} compared`
    + ` · ${fmt(c.rowsToCopy)} to copy${c.rowsOnlyOnTarget ? ` · ${fmt(c.rowsOnlyOnTarget)} only on target` : ''}` : '');

  function progressBar(t) {
    const total = t.rowsTotal || 0;
    const finished = t.state && t.state !== 'running';
    const pct = finished ? 100 : total ? Math.min(100, Math.floor((100 * t.rowsDone) / total)) : 0;
    const rate = t.recentRate || 0;
    const verb = live.mode === 'validate' ? 'checked ' : '';
    return el('div', { class: `progress${finished ? ' done' : ''}`, 'data-table': t.table, 'data-percent': String(pct),
      'data-state': t.state || 'waiting' },
      el('div', { class: 'meta' },
        el('span', {}, el('strong', {}, t.table), ` ${t.state || 'waiting'}`),
        el('span', {}, `${verb}${fmt(t.rowsDone)} / ${fmt(total)} rows · ${pct}%`
          + `${!finished && rate ? ` · ${fmt(Math.round(rate))} rows/s` : ''} ${eta(t)}`)),
      el('div', { class: 'bar' }, el('div', { style: `width:${pct}%` })),
      t.compared ? el('div', { class: 'compared' }, comparedText(t.compared)) : '');
  }

  // A dry run writes nothing: it is drawn as the plan it is building, table by table, not as bars filling up.
  function planTable() {
    const rows = Object.values(live.tables).map((t) => {
      const finished = t.state && t.state !== 'running';
      const state = !finished ? 'comparing…' : t.state === 'synced' ? 'would sync' : t.state;
      return el('tr', { class: 'plan-row', 'data-table': t.table, 'data-state': t.state || 'waiting' },
        el('td', {}, t.table), el('td', {}, state), el('td', { class: 'how' }, t.path || ''),
        el('td', { class: 'num' }, finished ? fmt(t.inserted) : ''), el('td', { class: 'num' }, finished ? fmt(t.updated) : ''),
        el('td', { class: 'num' }, finished ? fmt(t.deleted) : ''),
        el('td', { class: 'compared' }, comparedText(t.compared),
          sampleText(t.samples) ? el('div', { class: 'samples' }, `e.g. ${sampleText(t.samples)}`) : ''));
    });
    return el('table', { class: 'plan' }, el('thead', {}, el('tr', {}, el('th', {}, 'table'), el('th', {}, 'would'),
      el('th', {}, 'how'), el('th', { class: 'num' }, 'insert'), el('th', { class: 'num' }, 'update'),
      el('th', { class: 'num' }, 'delete'), el('th', {}, 'comparison'))), el('tbody', {}, rows));
  }

  function renderCharts() {
    if (!live) return;
    const running = live.status === 'running' || live.status === 'cancelling';
    const end = running ? Date.now() : Math.max(live.startedAt + 1, ...Object.values(live.tables).map((t) => t.end || 0),
      ...live.phases.map((p) => p.end || 0));
    const tables = Object.values(live.tables).filter((t) => t.start)
      .map((t) => ({ table: t.table, state: t.state || 'running', start: t.start, end: t.end }));
    const charts = [];
    if (!live.dryRun && live.samples.length > 1) charts.push(throughput(live.samples));
    if (tables.length || live.phases.length) charts.push(timeline(live.phases, tables, live.startedAt, end));
    $('#live-charts').replaceChildren(...charts);
  }

  function renderLive() {
    if (!live) return;
    const pill = $('#run-status');
    pill.textContent = live.status;
    pill.className = `pill ${live.status}`;
    pill.dataset.run = live.id;
    // Which way and how: "pull incremental" says production is being read into the local database.
    $('#run-mode').textContent = `${live.mode || ''}${live.dryRun ? ' (dry run)' : ''}`;
    $('#phases').replaceChildren(...live.phases.map((p) => el('li', { class: p.outcome }, p.phase)));
    $('#live-tables').replaceChildren(live.dryRun ? planTable() : el('div', {}, Object.values(live.tables).map(progressBar)));
    renderCharts();
    $('#warnings').replaceChildren(...live.warnings.map((w) => el('div', { class: 'warning' }, `⚠ ${w}`)));
    $('#log').textContent = live.log.slice(-100).join('\n');
    const running = live.status === 'running' || live.status === 'cancelling';
    $('#sync-btn').disabled = running;
    $('#dryrun-btn').disabled = running;
    $('#validate-btn').disabled = running;
    $('#pull-btn').disabled = running;
    $('#cancel-btn').hidden = live.status !== 'running';
    // How it ended, in a line everyone sees: a refusal's reason is the thing to act on.
    const outcome = $('#outcome');
    outcome.hidden = !live.message || running;
    outcome.className = `outcome ${live.status}`;
    outcome.textContent = live.message ? `${live.status}: ${live.message}` : '';
  }

  $('#cancel-btn').addEventListener('click', async () => {
    if (!live) return;
    const run = live;
    try {
      await api(`/api/v1/syncs/${encodeURIComponent(run.id)}/cancel`, { method: 'POST' });
      // The run's end may come over the socket before this answer does: "cancelling" must not hide it.
      if (run.status === 'running') run.status = 'cancelling';
    } catch (err) {
      run.warnings.push(explain(err, 'cancelling'));
    }
    renderLive();
  });

  function showPlan(summary) {
    const ddl = summary.ddl.length ? el('pre', {}, summary.ddl.join(';\n') + ';') : '';
    $('#plan').replaceChildren(el('h3', {}, `Plan: ${summary.message}`), ddl);
  }

  function showValidation(summary) {
    $('#plan').replaceChildren(el('h3', {}, `Validation: ${summary.message}`), el('ul', { class: 'validation' },
      (summary.validation || []).map((v) => el('li', { class: v.matches ? 'ok' : 'bad', 'data-table': v.table },
        `${v.matches ? '✓' : '✗'} ${v.table}: ${fmt(v.sourceRows)} / ${fmt(v.targetRows)} rows, ${v.detail}`))));
  }

  // --- triggering ------------------------------------------------------------------------------------------
  async function trigger(dryRun, confirmDestructive) {
    $('#sync-error').textContent = '';
    const mode = $('#mode').value;
    try {
      const res = await api('/api/v1/syncs', { method: 'POST', body: JSON.stringify({ mode, dryRun, confirmDestructive }) });
      if (!dryRun && (!live || live.id !== res.id)) newRun(res.id, false, mode);
      if (dryRun) { adoptFinished(res); }
    } catch (err) {
      $('#sync-error').textContent = explain(err, 'starting a run');
    }
  }

  function adoptFinished(run) {
    if (run.summary) showPlan(run.summary);
    loadHistory().catch(() => {});
  }

  /**
   * The typed confirmation every destructive step asks for: the target database's name, typed. Resolves true when
   * confirmed. {@code preview} (an element) shows what the step would replace.
   */
  let expected = ''; // the name the open confirmation asks for
  function confirmTyped(title, what, preview, okLabel = 'Run it', name = targetName, which = 'target') {
    const dialog = $('#confirm');
    $('#confirm-ok').textContent = okLabel;
    $('#confirm-which').textContent = which;
    expected = name;
    $('#confirm-mode').textContent = title;
    $('#confirm-what').textContent = what;
    $('#confirm-preview').replaceChildren(...(preview ? [preview] : []));
    $('#confirm-name').textContent = name;
    $('#confirm-input').value = '';
    $('#confirm-ok').disabled = true;
    dialog.showModal();
    return new Promise((resolve) => { dialog.onclose = () => resolve(dialog.returnValue === 'ok'); });
  }
  $('#confirm-input').addEventListener('input', (e) => { $('#confirm-ok').disabled = e.target.value !== expected; });

  $('#dryrun-btn').addEventListener('click', () => trigger(true, false));
  $('#sync-btn').addEventListener('click', async () => {
    const mode = $('#mode').value;
    if (!DESTRUCTIVE.includes(mode)) { trigger(false, false); return; }
    if (await confirmTyped(`Mode ${mode}`, 'can overwrite or delete production data.')) trigger(false, true);
  });
  $('#validate-btn').addEventListener('click', async () => {
    $('#sync-error').textContent = '';
    try {
      const res = await api('/api/v1/validations', { method: 'POST', body: '{}' });
      if (!live || live.id !== res.id) newRun(res.id, false, 'validate');
    } catch (err) {
      $('#sync-error').textContent = explain(err, 'validating');
    }
  });

  // A pull writes the local database (production is only read): it asks for the local database's name.
  $('#pull-btn').addEventListener('click', async () => {
    $('#sync-error').textContent = '';
    if (!await confirmTyped('Pulling', 'brings production\'s rows, through the data rules, into the local database'
      + ' (rows it overwrites are backed up first).', null, 'Pull', localName, 'local')) return;
    try {
      const res = await api('/api/v1/pulls', { method: 'POST', body: '{}' });
      if (!live || live.id !== res.id) newRun(res.id, false, 'pull incremental');
    } catch (err) {
      $('#sync-error').textContent = explain(err, 'pulling');
    }
  });

  // After anything that wrote (a run finished, a restore, a migration): what the page shows of the target.
  function refreshAfterWrite() {
    loadStatus().catch(() => {});
    loadHistory().catch(() => {});
    loadBackups().catch(() => {});
    if (!$('#run-detail').hidden) showRun($('#run-detail').dataset.run).catch(() => {});
  }

  // --- schema drift and migrations --------------------------------------------------------------------------
  let drift = null;

  async function loadDrift() {
    drift = await api('/api/v1/drift');
    $('#drift-count').textContent = drift.changes.length ? `${drift.changes.length} difference${drift.changes.length === 1 ? '' : 's'}` : 'none';
    $('#drift-count').className = `pill ${drift.changes.length ? 'refused' : 'ok'}`;
    $('#drift').replaceChildren(...(drift.changes.length ? drift.changes.map((c) => el('li', { 'data-object': c.object },
      el('span', { class: c.destructive ? 'warning' : '' }, `${c.object}: ${c.description}${c.destructive ? ' [destructive]' : ''}`),
      c.sql ? el('pre', { class: 'sql' }, `${c.sql};`) : el('div', { class: 'muted' }, 'needs a person: no SQL can do it')))
      : [el('li', { class: 'muted' }, 'The schemas match.')]));
    $('#migration-form').hidden = drift.changes.length === 0;
    const m = drift.migrations;
    const items = m.error ? [el('li', { class: 'warning' }, m.error)] : m.pending.map((p) => el('li', { 'data-version': p.version },
      el('strong', {}, `V${p.version} ${p.description}`), el('span', { class: 'muted' }, ` ${p.script}`),
      ...p.findings.map((f) => el('div', { class: f.destructive ? 'error' : 'warning' },
        `${f.destructive ? '⛔ destructive: ' : '⚠ '}${f.statement}: ${f.problem}`)),
      el('details', {}, el('summary', {}, 'SQL'), el('pre', { class: 'sql' }, p.sql))));
    if (!m.error && !m.pending.length) items.push(el('li', { class: 'muted' }, 'None: the target is up to date.'));
    m.invalid.forEach((i) => items.push(el('li', { class: 'error' }, `applied migration changed: ${i}`)));
    $('#pending').replaceChildren(...items);
    $('#migrate-btn').disabled = !!m.error || m.pending.length === 0 || m.invalid.length > 0;
  }

  function schemaResult(text, ok) {
    $('#schema-result').className = ok ? 'ok' : 'error';
    $('#schema-result').textContent = text;
  }

  $('#drift-refresh').addEventListener('click', () => loadDrift().catch((err) => schemaResult(err.message)));
  $('#migration-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const res = await api('/api/v1/migrations', { method: 'POST',
        body: JSON.stringify({ name: $('#migration-name').value.trim() }) });
      schemaResult(`✓ ${res.detail}`, true);
      $('#migration-name').value = '';
      await loadDrift();
    } catch (err) {
      schemaResult(explain(err, 'writing a migration'));
    }
  });
  // Migrating previews first (the pending SQL and its lint); a destructive one asks for the typed confirmation.
  $('#migrate-btn').addEventListener('click', async () => {
    try {
      const preview = await api('/api/v1/migrate', { method: 'POST', body: JSON.stringify({ dryRun: true }) });
      const plan = preview.plan;
      const list = el('ul', {}, plan.pending.map((p) => el('li', {}, `V${p.version} ${p.description}`,
        ...p.findings.map((f) => el('div', { class: f.destructive ? 'error' : 'warning' }, `${f.statement}: ${f.problem}`)))));
      if (!await confirmTyped('Migrating', plan.destructive ? 'runs migrations that drop or delete data (the tables they'
        + ' name are backed up first):' : 'runs these migrations on production:', list, 'Migrate')) return;
      const done = await api('/api/v1/migrate', { method: 'POST', body: JSON.stringify({ confirmDestructive: plan.destructive }) });
      schemaResult(`✓ applied ${done.applied.join(', ') || 'nothing'}${done.backup ? `; backup #${done.backup} taken first` : ''}`, true);
      await loadDrift();
      refreshAfterWrite();
    } catch (err) {
      schemaResult(explain(err, 'migrating'));
    }
  });

  // --- backups ---------------------------------------------------------------------------------------------
  async function loadBackups() {
    const { backups, retention } = await api('/api/v1/backups');
    $('#backups tbody').replaceChildren(...(backups.length ? backups.map((b) => el('tr', { 'data-backup': String(b.id) },
      el('td', {}, `#${b.id}`), el('td', {}, new Date(b.createdAt).toLocaleString()),
      el('td', {}, b.runId ? el('a', { href: `#/runs/${b.runId}` }, b.reason) : b.reason,
        b.restoredAt ? el('div', { class: 'muted' }, `restored ${new Date(b.restoredAt).toLocaleString()}`) : ''),
      el('td', { class: 'num' }, fmt(b.rows)), el('td', {}, b.tables.map((t) => t.table).join(', ')),
      el('td', {}, el('button', { type: 'button', class: 'restore', onclick: () => restore(b.id) }, 'Restore…'))))
      : [el('tr', {}, el('td', { colSpan: 6, class: 'muted' }, 'No backups yet: rebuild and force runs, restores and'
        + ' destructive migrations take one first.'))]));
    $('#backups-retention').textContent = `Kept: the newest ${retention.keep}, none older than ${retention.maxAgeDays} days.`;
  }

  async function restore(id) {
    const path = `/api/v1/backups/${id}/restore`;
    $('#backups-result').textContent = '';
    try {
      const preview = await api(path, { method: 'POST', body: JSON.stringify({ dryRun: true }) });
      if (!await confirmTyped(`Restoring backup #${id}`, 'replaces the current rows of these tables (they are backed up'
        + ' first):', restorePreview(preview), 'Restore')) return;
      const done = await api(path, { method: 'POST', body: JSON.stringify({ confirmDestructive: true }) });
      $('#backups-result').className = 'ok';
      $('#backups-result').textContent = `✓ ${done.detail}`;
      refreshAfterWrite();
    } catch (err) {
      $('#backups-result').className = 'error';
      $('#backups-result').textContent = explain(err, 'restoring');
    }
  }

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
    const does = (s) => (s.action === 'validate' ? 'validate' : `${s.options.mode || 'incremental'} sync`
      + `${s.options.dryRun ? ' (dry run)' : ''}`) + (s.options.tables ? ` of ${s.options.tables.join(', ')}` : '');
    $('#schedules tbody').replaceChildren(...schedules.map((s) => el('tr', { 'data-schedule': s.name },
      el('td', {}, s.name), el('td', {}, does(s)), el('td', {}, el('code', {}, s.cron), ` ${s.zone}`),
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
      $('#schedules-error').textContent = explain(err, 'pausing a schedule');
    }
  }

  async function start() {
    $('#login').hidden = true;
    $('#app').hidden = false;
    $('#forget-token').hidden = false;
    $('#nav').hidden = false;
    try {
      await Promise.all([loadStatus(), loadHistory(), loadSchedules(), loadBackups()]);
      route();
      // The drift reads both catalogs: loaded once, and again on request or after a migration.
      loadDrift().catch((err) => schemaResult(err.message));
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
