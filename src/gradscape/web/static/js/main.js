// The explorer page: state in the URL hash, requests to the JSON API, pictures and panels.
import { ApiError, get, isAbort, latest, post } from './api.js';
import { decode, encode } from './state.js';
import * as plots from './plots.js';
import { Player } from './player.js';
import { cliCommand, pythonCode } from './code.js';

const $ = (id) => document.getElementById(id);
const el = { formula: $('formula'), error: $('formula-error'), notes: $('formula-notes'), plot: $('plot'),
  plot3d: $('plot3d'), overlay: $('overlay'), math: $('math-body'), critical: $('critical'),
  pointBody: $('point-body'), pointInputs: $('point-inputs'), status: $('status'), slices: $('slices'),
  methods: $('methods'), results: document.querySelector('#results tbody'), loss: $('loss') };

let st = decode(location.hash);
let info = { parse: null, analyze: null, field: null, curve: null, critical: null, point: null,
  secant: null, runs: null, basins: null };
let optimizers = [];
let library = [];
let startMode = false;
let revision = 0; // Plotly keeps the user's zoom until the formula changes
const player = new Player(onFrame);
window.__gs = { ready: false, renders: 0, lastRender: 0, fps: null, errors: [], state: () => st, info: () => info };

const dims = () => (info.parse ? info.parse.variables.length : 0);
function fmt(v, d = 6) {
  if (v === null || v === undefined) return 'undefined';
  const [mant, exp] = Number(v).toPrecision(d).split('e');
  const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
  return exp ? `${m}e${exp}` : m;
}
const tex = (s, node, display = false) => {
  try { katex.render(s, node, { throwOnError: false, displayMode: display }); } catch { node.textContent = s; }
};
function eq(parent, latexText, display = false) {
  const div = document.createElement('div');
  div.className = 'eq';
  tex(latexText, div, display);
  parent.appendChild(div);
  return div;
}
function status(text) { el.status.textContent = text || ''; }
function toast(text) {
  const t = $('toast'); t.textContent = text; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 2200);
}
function saveHash() { history.replaceState(null, '', encode(st)); }
function report(err) {
  if (isAbort(err)) return;
  const msg = err instanceof ApiError ? err.info.message : String(err.message || err);
  status(msg);
  window.__gs.errors.push(msg);
}

// ---- the formula: live validation -----------------------------------------------------------
function showError(info0) {
  el.formula.setAttribute('aria-invalid', 'true');
  el.error.replaceChildren();
  const head = document.createElement('div');
  head.textContent = info0.message;
  el.error.appendChild(head);
  const m = /did you mean '([^']+)'/.exec(info0.hint || '');
  if (m && info0.column) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'small'; b.textContent = `use ${m[1]}`;
    b.addEventListener('click', () => {
      const text = el.formula.value, c = info0.column - 1;
      el.formula.value = text.slice(0, c) + m[1] + text.slice(c + (info0.width || 1));
      onFormula();
    });
    head.appendChild(b);
  }
  if (info0.column && info0.formula !== undefined) {
    const pre = document.createElement('pre');
    const caret = document.createElement('span');
    caret.className = 'caret';
    caret.textContent = ' '.repeat(info0.column - 1) + '^'.repeat(Math.max(1, Math.min(info0.width || 1, 60)));
    pre.append(info0.formula + '\n', caret);
    el.error.appendChild(pre);
  }
  el.error.hidden = false;
}
function clearError() {
  el.formula.removeAttribute('aria-invalid');
  el.error.hidden = true;
  el.error.replaceChildren();
}

// An edit after a quiet spell is checked at once; edits that follow one another closely wait
// for a 60 ms pause, so fast typing sends one request per pause, not one per key.
let typing = null, lastSent = -Infinity;
function onFormula() {
  clearTimeout(typing);
  const send = () => { lastSent = performance.now(); loadFormula(el.formula.value, { fresh: true }); };
  if (performance.now() - lastSent > 250) send();
  else typing = setTimeout(send, 60);
}

async function loadFormula(text, { fresh }) {
  const formula = text.trim();
  if (!formula) { clearError(); return; }
  const t0 = performance.now();
  // A new formula's check brings its picture (numbers only, no symbolic work) in the same
  // round trip; the maths (symbolic, slower) is asked for as soon as the formula is known to
  // be valid (asking at once would log a 400 for every typo), and the plot is drawn while
  // the other worker derives it.
  let parsed;
  try {
    parsed = await latest('parse', 'parse', fresh ? { formula, view: { n: 80 } } : { formula });
    if (!parsed.valid) { showError(parsed.error); status(''); return; }
  } catch (err) {
    if (isAbort(err)) return;
    if (err instanceof ApiError && err.info.type !== 'Busy') { showError(err.info); status(''); return; }
    report(err); return;
  }
  clearError();
  const changed = !info.parse || info.parse.formula !== parsed.formula || fresh;
  st.f = formula;
  if (changed && fresh) { // a new formula: a new window, fresh starts, fresh results
    revision += 1;
    st.x = st.y = null; st.point = null; st.starts = []; st.fixed = null; st.axes = [0, 1];
    info = { ...info, runs: null, basins: null, point: null, secant: null, critical: null };
    player.load([]); el.results.replaceChildren(); Plotly.purge(el.loss);
  }
  const analyzing = latest('analyze', 'analyze', { formula });
  info.parse = parsed; info.analyze = null;
  el.notes.hidden = !parsed.notes.length;
  el.notes.textContent = parsed.notes.map((n) => `note: ${n}`).join(' · ');
  defaultWindow();
  buildSlices();
  buildPointInputs();
  // the picture came with the check when the window is the formula's default one
  const viewing = refreshView(fresh ? (parsed.field || parsed.curve) : null);
  try {
    info.analyze = await analyzing;
  } catch (err) {
    if (isAbort(err)) return;
    if (err instanceof ApiError && err.info.type !== 'Busy') showError(err.info); else report(err);
    return;
  }
  renderMath();
  await viewing;
  fetchCritical();
  if (st.point) selectPoint(st.point);
  window.__gs.lastEdit = performance.now() - t0;
  window.__gs.editedAt = performance.now();
  saveHash();
}

function defaultWindow() {
  // a library function opens on its own domain (the library table came with the page)
  const lib = info.parse.library ? library.find((t) => t.name === info.parse.library) : null;
  const n = dims();
  if (!st.x) st.x = lib ? lib.domain[st.axes[0]].slice() : [-3, 3];
  if (!st.y && n >= 2) st.y = lib ? lib.domain[st.axes[1]].slice() : [-3, 3];
  if (n >= 3 && (!st.fixed || st.fixed.length !== n)) st.fixed = Array(n).fill(0);
}

// ---- the maths panel -------------------------------------------------------------------------
function renderMath() {
  const a = info.analyze, body = el.math;
  body.replaceChildren();
  const sig = a.latex.signature.replace(/^f/, 'f');
  eq(body, `${sig} = ${a.latex.function}`, true);
  if (a.library) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = `${a.library.title}: ${a.library.summary}`;
    body.appendChild(p);
  }
  const vars = a.variables;
  if (vars.length === 1) {
    eq(body, `f'(${vars[0]}) = ${a.latex.gradient[0]}`);
  } else if (vars.length) {
    vars.forEach((v, k) => eq(body, `\\frac{\\partial f}{\\partial ${texName(v)}} = ${a.latex.gradient[k]}`));
    if (a.latex.gradient.join('').length < 70) eq(body, `\\nabla f = \\left(${a.latex.gradient.join(',\\; ')}\\right)`);
  }
  if (vars.length) eq(body, `H = ${a.latex.hessian}`);
}
const texName = (v) => v.replace(/_(\w+)/, '_{$1}');

async function fetchCritical() {
  el.critical.innerHTML = '<p class="muted">looking…</p>';
  const box = [];
  for (let k = 0; k < dims(); k++) box.push(k === st.axes[0] ? st.x : k === st.axes[1] ? st.y : [-3, 3]);
  let c;
  try {
    c = await latest('critical', 'critical', { formula: st.f, box: dims() ? box : null });
  } catch (err) {
    if (isAbort(err)) return; // a newer request took over
    const had = info.critical && info.critical.points.length;
    info.critical = null;
    el.critical.innerHTML = '';
    const p = document.createElement('p'); p.className = 'muted';
    p.textContent = isAbort(err) ? '' : (err.info ? err.info.message : String(err));
    el.critical.appendChild(p);
    if (had && dims() >= 2) draw();
    return;
  }
  const shown = info.critical && info.critical.points.length;
  info.critical = c;
  el.critical.replaceChildren();
  if (!c.points.length) {
    el.critical.innerHTML = '<p class="muted">none in the window</p>';
  } else {
    const t = document.createElement('table');
    t.innerHTML = '<thead><tr><th>kind</th><th>point</th><th>f</th></tr></thead>';
    const tb = document.createElement('tbody');
    for (const p of c.points.slice(0, 40)) {
      const tr = document.createElement('tr');
      const point = p.exact && p.exact.join('').length < 40 ? `(${p.exact.join(', ')})` : `(${p.point.map((v) => fmt(v, 5)).join(', ')})`;
      for (const [text, cls] of [[p.kind, `kind-${p.kind}`], [point, 'num'], [fmt(p.value, 6), 'num']]) {
        const td = document.createElement('td'); td.textContent = text; td.className = cls; tr.appendChild(td);
      }
      tr.tabIndex = 0;
      tr.title = 'select this point';
      const pick = () => selectPoint(p.point.slice());
      tr.addEventListener('click', pick);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(); });
      tb.appendChild(tr);
    }
    t.appendChild(tb);
    el.critical.appendChild(t);
  }
  for (const n of c.notes) {
    const p = document.createElement('p'); p.className = 'muted'; p.textContent = n; el.critical.appendChild(p);
  }
  // a redraw costs as much as the first picture: only when there are marks to add or remove
  if (dims() >= 2 && (c.points.length || shown)) draw();
}

// ---- the views -------------------------------------------------------------------------------
async function refreshView(given = null) {
  const n = dims();
  $('secant').hidden = n !== 1;
  $('arrows-box').hidden = n < 2;
  $('tab-3d').disabled = n < 2;
  for (const id of ['start-mode', 'basins', 'run']) $(id).disabled = n < 1 || (id === 'basins' && n !== 2);
  if (n === 0) { Plotly.purge(el.plot); $('key').hidden = true; status('a constant: nothing to draw'); return; }
  try {
    if (n === 1) {
      info.curve = given || await latest('view', 'curve', { formula: st.f, x: st.x, n: 400 });
    } else {
      const body = { formula: st.f, x: st.x, y: st.y, n: 80 };
      if (n >= 3 || st.axes[0] !== 0 || st.axes[1] !== 1) { body.axes = st.axes; body.fixed = st.fixed || Array(n).fill(0); }
      info.field = given || await latest('view', 'field', body);
      status(info.field.invalid ? `${info.field.invalid} grid points undefined (masked)` : '');
    }
  } catch (err) { report(err); return; }
  await draw();
}

async function draw() {
  const n = dims();
  if (n === 1) await plots.draw1d(el.plot, st, info);
  else if (n >= 2) {
    await plots.draw2d(el.plot, st, info, { revision, animating: player.active, upto: player.frame });
    if (st.view === '3d') await plots.draw3d(el.plot3d, st, info);
    if (player.active) plots.drawOverlay(el.overlay, el.plot, info.runs, player.frame, st.axes);
  }
  if (!el.plot.wired && el.plot.on) { el.plot.on('plotly_relayout', onRelayout); el.plot.wired = true; }
  window.__gs.renders += 1;
  window.__gs.lastRender = performance.now();
  window.__gs.ready = true;
  document.body.dataset.renders = String(window.__gs.renders);
}

function setView(view) {
  st.view = view;
  $('tab-2d').setAttribute('aria-selected', String(view === '2d'));
  $('tab-3d').setAttribute('aria-selected', String(view === '3d'));
  el.plot.hidden = view !== '2d'; el.overlay.hidden = view !== '2d';
  if (view === '2d' && dims() >= 2) plots.drawKey(info); else $('key').hidden = true;
  el.plot3d.hidden = view !== '3d';
  saveHash();
  if (view === '3d') plots.draw3d(el.plot3d, st, info);
  else Plotly.Plots.resize(el.plot);
}

let panning = null;
function onRelayout(ev) {
  if (dims() < 1) return;
  const xr = ev['xaxis.range[0]'] !== undefined ? [ev['xaxis.range[0]'], ev['xaxis.range[1]']] : ev['xaxis.range'];
  const yr = ev['yaxis.range[0]'] !== undefined ? [ev['yaxis.range[0]'], ev['yaxis.range[1]']] : ev['yaxis.range'];
  if (!xr && !yr) return;
  if (xr) st.x = xr.map(Number);
  if (yr && dims() >= 2) st.y = yr.map(Number);
  if (player.active) plots.drawOverlay(el.overlay, el.plot, info.runs, player.frame, st.axes);
  clearTimeout(panning);
  panning = setTimeout(() => { saveHash(); refreshView(); }, 250);
}

function buildSlices() {
  const n = dims(), vars = info.parse.variables;
  el.slices.replaceChildren();
  el.slices.hidden = n < 3;
  if (n < 3) return;
  for (const which of [0, 1]) {
    const lab = document.createElement('label');
    lab.textContent = which ? 'vertical axis' : 'horizontal axis';
    const sel = document.createElement('select');
    vars.forEach((v, k) => sel.add(new Option(v, String(k), false, k === st.axes[which])));
    sel.addEventListener('change', () => {
      const k = Number(sel.value);
      if (k === st.axes[1 - which]) st.axes[1 - which] = st.axes[which];
      st.axes[which] = k;
      buildSlices(); buildPointInputs(); refreshView(); saveHash();
    });
    lab.appendChild(sel);
    el.slices.appendChild(lab);
  }
  vars.forEach((v, k) => {
    if (st.axes.includes(k)) return;
    const lab = document.createElement('label');
    const out = document.createElement('output');
    const r = document.createElement('input');
    r.type = 'range'; r.min = '-3'; r.max = '3'; r.step = '0.05'; r.value = String(st.fixed[k]);
    r.setAttribute('aria-label', `${v} held at`);
    out.textContent = `${v} = ${st.fixed[k]}`;
    r.addEventListener('input', () => {
      st.fixed[k] = Number(r.value); out.textContent = `${v} = ${r.value}`;
      clearTimeout(panning); panning = setTimeout(() => { saveHash(); refreshView(); if (st.point) { st.point[k] = st.fixed[k]; selectPoint(st.point); } }, 60);
    });
    lab.append(out, r);
    el.slices.appendChild(lab);
  });
}

// ---- the selected point ----------------------------------------------------------------------
function buildPointInputs() {
  el.pointInputs.replaceChildren();
  const vars = info.parse ? info.parse.variables : [];
  vars.forEach((v, k) => {
    const lab = document.createElement('label');
    lab.textContent = v;
    const inp = document.createElement('input');
    inp.type = 'number'; inp.step = 'any'; inp.id = `at-${k}`;
    inp.value = st.point ? String(+st.point[k].toPrecision(6)) : '';
    inp.addEventListener('change', () => {
      const p = vars.map((_, q) => Number($(`at-${q}`).value) || 0);
      selectPoint(p);
    });
    lab.appendChild(inp);
    el.pointInputs.appendChild(lab);
  });
}

async function selectPoint(p) {
  st.point = p;
  vars().forEach((_, k) => { const inp = $(`at-${k}`); if (inp) inp.value = String(+p[k].toPrecision(6)); });
  try {
    info.point = await latest('point', 'point', { formula: st.f, at: p });
    if (dims() === 1) {
      const h = secantH();
      info.secant = { ...(await latest('secant', 'point', { formula: st.f, at: [p[0] + h] })), at: [p[0] + h] };
    }
  } catch (err) { report(err); return; }
  if (st.point !== p) return; // a newer point, or a new formula, took over while we waited
  renderPoint();
  saveHash();
  await draw();
}
const vars = () => (info.parse ? info.parse.variables : []);
const secantH = () => Math.max(1e-6, st.h * (st.x[1] - st.x[0]) / 2);

function renderPoint() {
  const p = info.point, body = el.pointBody, v = vars();
  body.replaceChildren();
  const at = `(${st.point.map((t) => fmt(t, 6)).join(', ')})`;
  const t = document.createElement('table');
  t.className = 'kv';
  const row = (name, value, testid) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th'); th.textContent = name;
    const td = document.createElement('td'); td.className = 'num'; td.textContent = value;
    if (testid) td.dataset.field = testid;
    tr.append(th, td); t.appendChild(tr);
    return td;
  };
  row('point', at, 'at');
  row('f', fmt(p.value, 10), 'value');
  if (v.length === 1) {
    row("f′", fmt(p.gradient[0], 10), 'gradient');
    row("f″", fmt(p.hessian[0][0], 10), 'hessian');
  } else {
    row('∇f', `(${p.gradient.map((g) => fmt(g, 8)).join(', ')})`, 'gradient');
    row('|∇f|', fmt(p.grad_norm, 8), 'grad_norm');
  }
  row('eigenvalues', p.eigenvalues.length ? p.eigenvalues.map((e) => fmt(e, 6)).join(', ') : 'undefined', 'eigenvalues');
  row('kind', p.kind === 'regular' ? `not critical (${p.curvature} here)` : p.kind, 'kind');
  body.appendChild(t);
  if (p.value === null) return;
  if (v.length >= 2) {
    const [i, j] = st.axes;
    const ang = document.createElement('div');
    ang.className = 'angle';
    const r = document.createElement('input');
    r.type = 'range'; r.min = '0'; r.max = '359'; r.value = String(st.angle); r.setAttribute('aria-label', 'direction angle');
    const out = document.createElement('span'); out.className = 'num';
    const show = () => {
      const th = st.angle * Math.PI / 180, u = [Math.cos(th), Math.sin(th)];
      const d = p.gradient[i] * u[0] + p.gradient[j] * u[1];
      out.textContent = `θ = ${st.angle}°  u = (${fmt(u[0], 3)}, ${fmt(u[1], 3)})  D_u f = ${fmt(d, 6)}`;
    };
    r.addEventListener('input', () => { st.angle = Number(r.value); show(); saveHash(); });
    show();
    ang.append('direction ', r, out);
    body.appendChild(ang);
    const H = p.hessian.map((rw) => rw.map((h) => fmt(h, 6)).join(' & ')).join(' \\\\ ');
    eq(body, `H = \\begin{pmatrix} ${H} \\end{pmatrix}`);
    const terms = v.map((name, k) => (p.gradient[k] ? `${sign(p.gradient[k])} ${fmt(Math.abs(p.gradient[k]), 5)}\\,(${texName(name)} ${sign(-st.point[k])} ${fmt(Math.abs(st.point[k]), 5)})` : '')).join(' ');
    eq(body, `\\text{tangent plane: } z = ${fmt(p.value, 6)} ${terms}`);
  } else {
    const m = p.gradient[0];
    eq(body, `\\text{tangent: } y = ${fmt(p.value, 6)} ${sign(m)} ${fmt(Math.abs(m), 6)}\\,(${texName(v[0])} ${sign(-st.point[0])} ${fmt(Math.abs(st.point[0]), 5)})`);
    renderSecant();
  }
}
const sign = (x) => (x < 0 ? '-' : '+');

function renderSecant() {
  const q = info.secant, p = info.point, text = $('secant-text');
  if (!q || !p || q.value === null || p.value === null) { text.textContent = ''; return; }
  const h = q.at[0] - st.point[0];
  text.textContent = `h = ${fmt(h, 4)}: secant slope ${fmt((q.value - p.value) / h, 6)} → tangent slope f′ = ${fmt(p.gradient[0], 6)}`;
}

function onPlotClick(ev) {
  if (dims() < 1 || ev.button !== 0) return;
  if (down && Math.hypot(ev.clientX - down[0], ev.clientY - down[1]) > 4) return; // a drag, not a click
  const xy = plots.eventToData(el.plot, ev);
  if (!xy) return;
  const n = dims();
  const p = n === 1 ? [xy[0]] : (st.fixed && n >= 3 ? st.fixed.slice() : Array(n).fill(0));
  if (n >= 2) { p[st.axes[0]] = xy[0]; p[st.axes[1]] = xy[1]; }
  if (startMode && n >= 1) {
    if (st.starts.length >= 10) { toast('at most 10 start points'); return; }
    st.starts.push(p); renderStarts(); saveHash(); draw();
    return;
  }
  selectPoint(p);
}
let down = null;

// ---- descent ---------------------------------------------------------------------------------
function methodRows() {
  el.methods.replaceChildren();
  const chosen = new Map((st.methods || [{ name: 'gd' }, { name: 'adam' }]).map((m) => [m.name, m]));
  optimizers.forEach((o, k) => {
    const m = chosen.get(o.name);
    const div = document.createElement('div');
    div.className = 'method'; div.dataset.method = o.name;
    const lab = document.createElement('label'); lab.className = 'name'; lab.title = `${o.title}: ${o.summary}`;
    const box = document.createElement('input'); box.type = 'checkbox'; box.checked = !!m; box.id = `use-${o.name}`;
    const sw = document.createElement('span'); sw.className = 'swatch'; sw.style.background = plots.COLORS[k % 8];
    lab.append(box, sw, o.name);
    const lr = document.createElement('input');
    lr.type = 'number'; lr.step = 'any'; lr.min = '0'; lr.id = `lr-${o.name}`; lr.value = String(m && m.lr ? m.lr : o.lr);
    lr.setAttribute('aria-label', `${o.name} learning rate`);
    const lrl = document.createElement('label'); lrl.append('lr ', lr);
    div.append(lab, lrl);
    const free = o.hyper.filter((h) => !(h.name in o.fixed));
    if (free.length) {
      const det = document.createElement('details');
      const sum = document.createElement('summary'); sum.textContent = 'more'; sum.title = 'hyper-parameters';
      det.appendChild(sum);
      for (const h of free) {
        const l = document.createElement('label'); l.title = h.help;
        const inp = document.createElement('input'); inp.id = `hp-${o.name}-${h.name}`;
        const given = m && m[h.name] !== undefined ? m[h.name] : h.default;
        if (h.rule === 'flag') { inp.type = 'checkbox'; inp.checked = !!given; } else { inp.type = 'number'; inp.step = 'any'; inp.value = String(given); }
        l.append(h.name, inp); det.appendChild(l);
      }
      div.appendChild(det);
    }
    el.methods.appendChild(div);
  });
}

function readMethods() {
  const out = [];
  optimizers.forEach((o) => {
    if (!$(`use-${o.name}`).checked) return;
    const m = { name: o.name };
    const lr = Number($(`lr-${o.name}`).value);
    if (lr > 0) m.lr = lr;
    for (const h of o.hyper) {
      const inp = $(`hp-${o.name}-${h.name}`);
      if (!inp) continue;
      const v = h.rule === 'flag' ? inp.checked : Number(inp.value);
      if (v !== h.default) m[h.name] = v;
    }
    out.push(m);
  });
  return out;
}

function renderStarts() {
  $('starts-list').textContent = st.starts.length
    ? `starts: ${st.starts.map((s) => `(${s.map((v) => fmt(v, 3)).join(', ')})`).join(' ')}`
    : 'no starts yet: "Set starts", then click the plot';
}

async function runDescent() {
  if (!st.starts.length) { toast('add a start point first ("Set starts", then click the plot)'); return; }
  const methods = readMethods();
  if (!methods.length) { toast('tick at least one method'); return; }
  st.methods = methods;
  st.steps = Math.min(5000, Math.max(1, Number($('steps').value) || 500));
  saveHash();
  status('descending…');
  let res;
  try {
    res = await latest('descend', 'descend', { formula: st.f, starts: st.starts, methods, steps: st.steps });
  } catch (err) { report(err); return; }
  status('');
  const names = optimizers.map((o) => o.name);
  info.runs = res.runs.map((r, k) => ({ ...r, color: plots.COLORS[names.indexOf(r.method) % 8], key: k }));
  renderResults();
  player.load(info.runs);
  player.play();
}

function renderResults() {
  el.results.replaceChildren();
  for (const r of info.runs) {
    const tr = document.createElement('tr');
    const cells = [r.method, `(${r.start.map((v) => fmt(v, 3)).join(', ')})`, `(${r.final.map((v) => fmt(v, 5)).join(', ')})`,
      fmt(r.value, 5), String(r.steps), r.status];
    cells.forEach((c, k) => {
      const td = document.createElement('td'); td.textContent = c;
      if (k === 0) td.style.color = r.color;
      if (k >= 1 && k <= 4) td.className = 'num';
      if (k === 5) td.className = `status-${r.status}`;
      tr.appendChild(td);
    });
    el.results.appendChild(tr);
  }
}

function onFrame(frame, playing) {
  $('frame').textContent = `step ${Number.isFinite(frame) ? frame : player.maxFrame} of ${player.maxFrame}`;
  if (!info.runs) return;
  if (playing) {
    plots.drawOverlay(el.overlay, el.plot, info.runs, frame, st.axes);
  } else {
    plots.clearOverlay(el.overlay);
    draw();
    plots.drawLoss(el.loss, info.runs, frame);
  }
  if (playing && frame === 0) { plots.drawLoss(el.loss, info.runs, Infinity); draw(); }
}

async function tune() {
  if (!st.starts.length) { toast('add a start point first'); return; }
  const methods = readMethods();
  if (!methods.length) { toast('tick at least one method'); return; }
  status('tuning…');
  for (const m of methods) {
    try {
      const r = await post('tune', { formula: st.f, start: st.starts[0], method: m.name, steps: Math.min(st.steps, 2000) });
      $(`lr-${m.name}`).value = String(r.lr);
      status(`${m.name}: lr ${r.lr} (${r.status} in ${r.steps} steps)`);
    } catch (err) { report(err); return; }
  }
  toast('learning rates tuned from the first start');
}

async function basins() {
  const m = readMethods()[0] || { name: 'gd' };
  status('computing basins…');
  try {
    info.basins = await post('basins', { formula: st.f, x: st.x, y: st.y, n: 50, method: m.name, lr: m.lr ?? null, steps: 300 });
  } catch (err) { report(err); return; }
  const shares = info.basins.shares.map((s, k) => `(${info.basins.minima[k].map((v) => fmt(v, 3)).join(', ')}): ${(100 * s).toFixed(1)}%`);
  status(`basins by ${info.basins.method}, lr ${info.basins.lr}: ${shares.join('; ')}`);
  draw();
}

// ---- sharing ---------------------------------------------------------------------------------
function dialog(title, build) {
  $('dialog-title').textContent = title;
  const body = $('dialog-body');
  body.replaceChildren();
  build(body);
  $('dialog').showModal();
}
async function copy(text, what) {
  try { await navigator.clipboard.writeText(text); toast(`${what} copied`); return true; } catch { return false; }
}
async function copyLink() {
  saveHash();
  if (!(await copy(location.href, 'link'))) dialog('Link to this view', (b) => codeBox(b, location.href));
}
function codeBox(parent, text) {
  const ta = document.createElement('textarea'); ta.readOnly = true; ta.value = text; parent.appendChild(ta);
  setTimeout(() => ta.select(), 0);
}
function showCode() {
  dialog('Make this picture yourself', (b) => {
    const h = document.createElement('h3'); h.textContent = 'command line';
    b.appendChild(h); codeBox(b, cliCommand(st, info, readMethods()));
    const h2 = document.createElement('h3'); h2.textContent = 'Python';
    b.appendChild(h2); codeBox(b, pythonCode(st, info, readMethods()));
  });
}
async function showSteps() {
  if (!info.parse) return;
  status('working the derivative…');
  let r;
  try { r = await post('steps', { formula: st.f }); } catch (err) { report(err); return; }
  status('');
  dialog('Step by step', (b) => {
    for (const [v, html] of Object.entries(r.html)) {
      const sec = document.createElement('section');
      // the engine's HTML: everything taken from the formula is escaped there; its inline
      // <style> is dropped (the CSP refuses it; style.css has the same rules)
      sec.innerHTML = html.replace(/<style>[\s\S]*?<\/style>/, '');
      renderMathInElement(sec, { delimiters: [{ left: '\\(', right: '\\)', display: false }], throwOnError: false });
      sec.dataset.variable = v;
      b.appendChild(sec);
    }
  });
}

// ---- start-up --------------------------------------------------------------------------------
function wire() {
  el.formula.addEventListener('input', onFormula);
  el.formula.addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(typing); loadFormula(el.formula.value, { fresh: true }); } });
  $('library').addEventListener('change', (e) => {
    if (!e.target.value) return;
    el.formula.value = e.target.value; e.target.value = '';
    loadFormula(el.formula.value, { fresh: true });
  });
  el.plot.addEventListener('pointerdown', (e) => { down = [e.clientX, e.clientY]; }, true);
  el.plot.addEventListener('click', onPlotClick);
  $('tab-2d').addEventListener('click', () => setView('2d'));
  $('tab-3d').addEventListener('click', () => setView('3d'));
  $('arrows').addEventListener('change', (e) => { st.arrows = e.target.value; saveHash(); draw(); });
  $('start-mode').addEventListener('click', () => {
    startMode = !startMode;
    $('start-mode').setAttribute('aria-pressed', String(startMode));
    $('click-hint').textContent = startMode ? 'Click the plot to add start points (up to 10); click "Set starts" again to stop.'
      : 'Click the plot to select a point; drag to pan, scroll to zoom.';
  });
  $('add-start').addEventListener('click', () => { if (st.point && st.starts.length < 10) { st.starts.push(st.point.slice()); renderStarts(); saveHash(); draw(); } });
  $('clear-starts').addEventListener('click', () => { st.starts = []; info.runs = null; player.load([]); plots.clearOverlay(el.overlay); renderStarts(); saveHash(); draw(); });
  $('reset-view').addEventListener('click', () => { st.x = st.y = null; revision += 1; defaultWindow(); saveHash(); refreshView(); });
  $('run').addEventListener('click', runDescent);
  $('tune').addEventListener('click', tune);
  $('basins').addEventListener('click', basins);
  $('play').addEventListener('click', () => player.play());
  $('pause').addEventListener('click', () => player.pause());
  $('step').addEventListener('click', () => player.step());
  $('reset').addEventListener('click', () => player.reset());
  $('speed').addEventListener('change', (e) => { player.speed = Number(e.target.value); });
  $('steps').addEventListener('change', (e) => { st.steps = Number(e.target.value) || 500; saveHash(); });
  $('secant-h').addEventListener('input', (e) => {
    st.h = Math.max(0.001, Number(e.target.value) / 1000);
    clearTimeout(panning); panning = setTimeout(() => { if (st.point) selectPoint(st.point); }, 60);
  });
  $('copy-link').addEventListener('click', copyLink);
  for (const format of ['png', 'svg']) {
    $(`export-${format}`).addEventListener('click', () => Plotly.downloadImage(
      plots.exportFigure(el.plot, info, st, 1000, 800), { format, filename: 'gradscape', width: 1000, height: 800 }));
  }
  $('show-code').addEventListener('click', showCode);
  $('steps-button').addEventListener('click', showSteps);
  window.addEventListener('hashchange', () => {
    if (location.hash === encode(st)) return;
    st = decode(location.hash); boot();
  });
  window.addEventListener('resize', () => { if (player.active) plots.drawOverlay(el.overlay, el.plot, info.runs, player.frame, st.axes); });
}

async function boot() {
  el.formula.value = st.f;
  $('arrows').value = st.arrows;
  $('steps').value = String(st.steps);
  $('secant-h').value = String(Math.round(st.h * 1000));
  methodRows();
  renderStarts();
  info = { parse: null, analyze: null, field: null, curve: null, critical: null, point: null, secant: null, runs: null, basins: null };
  // not fresh: the point, starts, window and slices from the link are kept (only a missing
  // window is filled in). Nothing is restored afterwards: the page is drawn before the maths
  // arrive, and a point clicked or a zoom made meanwhile must not be undone.
  await loadFormula(st.f, { fresh: false });
  setView(st.view);
  if (st.methods && st.starts.length) await runDescent();
}

async function start() {
  try {
    const [opt, lib] = await Promise.all([get('optimizers'), get('library')]);
    optimizers = opt.optimizers; library = lib.functions;
  } catch (err) { report(err); }
  const sel = $('library');
  for (const f of library) sel.add(new Option(`${f.title}`, f.name));
  wire();
  await boot();
}

window.addEventListener('DOMContentLoaded', start);
