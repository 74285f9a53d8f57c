// Ferry's charts: plain SVG built in the page, no library. Each function returns an element to place.
window.FerryCharts = (() => {
  'use strict';
  const NS = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs = {}, ...children) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
    return e;
  };
  const SERIES = ['#2457c5', '#12805c', '#b54708', '#7a5af8', '#c11574', '#0e9384'];
  // Outcomes of runs, tables and phases share colours with the pills.
  const OUTCOME = {
    succeeded: '#12805c', synced: '#12805c', ok: '#12805c', unchanged: '#98a2b3', skipped: '#98a2b3',
    failed: '#c0362c', cancelled: '#c0362c', interrupted: '#c0362c', refused: '#b54708', partial: '#b54708',
    running: '#2457c5', cancelling: '#2457c5', waiting: '#d0d5dd',
  };
  const colour = (outcome) => OUTCOME[outcome] || OUTCOME.running;
  const short = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k`
    : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n)));
  const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;

  function legend(items) {
    const div = document.createElement('div');
    div.className = 'legend';
    items.forEach(([name, c]) => {
      const span = document.createElement('span');
      const dot = document.createElement('i');
      dot.style.background = c;
      span.append(dot, name);
      div.append(span);
    });
    return div;
  }

  /**
   * Rows per second over the run's time: all tables as a thick line, the five busiest as thin ones.
   * samples: [{t: seconds since the run started, total: rows/s, tables: {name: rows/s}}]
   */
  function throughput(samples, width = 1000, height = 170) {
    const pad = { l: 52, r: 10, t: 10, b: 22 };
    const w = width - pad.l - pad.r;
    const h = height - pad.t - pad.b;
    const tMax = Math.max(1, ...samples.map((x) => x.t));
    const yMax = Math.max(1, ...samples.map((x) => x.total));
    const X = (t) => (pad.l + (t / tMax) * w).toFixed(1);
    const Y = (v) => (pad.t + h - (v / yMax) * h).toFixed(1);
    const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart throughput', role: 'img',
      'data-points': String(samples.length), 'aria-label': `rows per second over ${samples.length} samples` });
    [0, 0.5, 1].forEach((f) => svg.append(
      svgEl('line', { x1: pad.l, x2: width - pad.r, y1: Y(yMax * f), y2: Y(yMax * f), class: 'grid' }),
      svgEl('text', { x: pad.l - 6, y: Number(Y(yMax * f)) + 4, 'text-anchor': 'end', class: 'axis' }, short(yMax * f))));
    svg.append(svgEl('text', { x: pad.l, y: height - 6, class: 'axis' }, '0 s'),
      svgEl('text', { x: width - pad.r, y: height - 6, 'text-anchor': 'end', class: 'axis' }, seconds(tMax * 1000)),
      svgEl('text', { x: pad.l + 6, y: pad.t + 10, class: 'axis' }, 'rows/s'));
    const peak = (n) => Math.max(...samples.map((x) => x.tables[n] || 0));
    const names = [...new Set(samples.flatMap((x) => Object.keys(x.tables)))]
      .sort((a, b) => peak(b) - peak(a)).slice(0, SERIES.length - 1);
    const line = (values, c, cls, title, table) => svgEl('polyline', {
      points: samples.map((x, i) => `${X(x.t)},${Y(values[i])}`).join(' '), stroke: c, class: cls,
      ...(table ? { 'data-table': table } : {}) }, svgEl('title', {}, title));
    names.forEach((n, i) => svg.append(line(samples.map((x) => x.tables[n] || 0), SERIES[i + 1], 'series', n, n)));
    svg.append(line(samples.map((x) => x.total), SERIES[0], 'series total', 'all tables'));
    const box = document.createElement('div');
    box.className = 'chart-box';
    box.append(svg, legend([['all tables', SERIES[0]], ...names.map((n, i) => [n, SERIES[i + 1]])]));
    return box;
  }

  /**
   * Which table ran when, under the run's phases: a bar per table from its start to its end, coloured by how it
   * ended. Tables side by side in time ran in parallel; a table starting late waited for its parents.
   * phases: [{phase, outcome, start, end}], tables: [{table, state, start, end}] in ms; end null while running.
   */
  function timeline(phases, tables, t0, tEnd, width = 1000) {
    const rowH = 14;
    const gap = 4;
    const labelW = 190;
    const top = 26;
    const height = top + tables.length * (rowH + gap) + 18;
    const span = Math.max(1, tEnd - t0);
    const X = (t) => labelW + ((Math.min(t, tEnd) - t0) / span) * (width - labelW - 10);
    const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart timeline-chart', role: 'img',
      'aria-label': 'tables over the run\'s time' });
    phases.forEach((p) => {
      const x1 = X(p.start);
      const x2 = Math.max(x1 + 2, X(p.end ?? tEnd));
      svg.append(svgEl('rect', { x: x1, y: 2, width: x2 - x1, height: 18, fill: colour(p.outcome), class: 'phase',
        'data-phase': p.phase }, svgEl('title', {}, `${p.phase}: ${p.outcome}${p.end ? `, ${seconds(p.end - p.start)}` : ''}`)));
      if (x2 - x1 > 8 * p.phase.length) svg.append(svgEl('text', { x: x1 + 3, y: 15, class: 'phase-label' }, p.phase));
    });
    tables.forEach((t, i) => {
      const y = top + i * (rowH + gap);
      const x1 = X(t.start);
      const x2 = Math.max(x1 + 2, X(t.end ?? tEnd));
      svg.append(svgEl('text', { x: labelW - 6, y: y + 11, 'text-anchor': 'end', class: 'axis' }, t.table),
        svgEl('rect', { x: x1, y, width: x2 - x1, height: rowH, rx: 3, fill: colour(t.state), 'data-table': t.table,
          'data-state': t.state }, svgEl('title', {}, `${t.table}: ${t.state}, ${seconds((t.end ?? tEnd) - t.start)}`)));
    });
    svg.append(svgEl('text', { x: labelW, y: height - 4, class: 'axis' }, '0 s'),
      svgEl('text', { x: width - 10, y: height - 4, 'text-anchor': 'end', class: 'axis' }, seconds(tEnd - t0)));
    return svg;
  }

  /**
   * The last runs, oldest on the left: the upper bars are durations, the lower ones rows written, each coloured by
   * how the run ended. A bar opens its run.
   */
  function history(runs, onPick, width = 1000, height = 150) {
    const pad = { l: 52, r: 10 };
    const upper = { top: 8, h: 78 };
    const lower = { top: 100, h: 36 };
    const n = Math.max(runs.length, 10);
    const slot = (width - pad.l - pad.r) / n;
    const duration = (r) => (r.finishedAt ? Math.max(0, Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : 0);
    const dMax = Math.max(1, ...runs.map(duration));
    const rMax = Math.max(1, ...runs.map((r) => r.rowsWritten || 0));
    const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart history-chart', role: 'img',
      'aria-label': `the last ${runs.length} runs` });
    svg.append(svgEl('text', { x: pad.l - 6, y: upper.top + 10, 'text-anchor': 'end', class: 'axis' }, seconds(dMax)),
      svgEl('text', { x: pad.l - 6, y: upper.top + upper.h, 'text-anchor': 'end', class: 'axis' }, 'time'),
      svgEl('text', { x: pad.l - 6, y: lower.top + 10, 'text-anchor': 'end', class: 'axis' }, short(rMax)),
      svgEl('text', { x: pad.l - 6, y: lower.top + lower.h, 'text-anchor': 'end', class: 'axis' }, 'rows'));
    runs.forEach((r, i) => {
      const x = pad.l + i * slot + 1;
      const bw = Math.max(2, slot - 3);
      const dh = Math.max(2, (duration(r) / dMax) * upper.h);
      const rh = r.rowsWritten ? Math.max(2, (r.rowsWritten / rMax) * lower.h) : 1;
      const label = `${r.mode}${r.dryRun ? ' (dry run)' : ''} ${r.status}, ${seconds(duration(r))}, `
        + `${(r.rowsWritten || 0).toLocaleString()} rows, ${new Date(r.startedAt).toLocaleString()}`;
      const g = svgEl('g', { class: 'run', 'data-run': r.id, 'data-status': r.status },
        svgEl('rect', { x, y: upper.top + upper.h - dh, width: bw, height: dh, fill: colour(r.status) }),
        svgEl('rect', { x, y: lower.top + lower.h - rh, width: bw, height: rh, fill: colour(r.status), opacity: 0.6 }),
        svgEl('rect', { x, y: 0, width: bw, height, fill: 'transparent' }),
        svgEl('title', {}, label));
      g.addEventListener('click', () => onPick(r.id));
      svg.append(g);
    });
    return svg;
  }

  return { throughput, timeline, history, colour };
})();
