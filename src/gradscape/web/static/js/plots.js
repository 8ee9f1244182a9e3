// Pictures: the 2-D view (contours, arrows or streamlines, marks), the 3-D view and the
// one-variable view. Every number drawn comes from the server; here it is only placed.
import { contourCanvas, VIRIDIS } from './contours.js';

export const COLORS = ['#E69F00', '#56B4E9', '#009E73', '#D55E00', '#CC79A7', '#0072B2', '#F0E442', '#000000'];
const KIND_SYMBOL = { minimum: 'circle', maximum: 'triangle-up', saddle: 'x', degenerate: 'diamond' };
const CONFIG = { responsive: true, displaylogo: false, scrollZoom: true,
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d'] };

// Values spanning decades above their minimum (Rosenbrock's valley) are coloured by a log
// scale, else half the picture is one colour.
function colourScale(field) {
  const vals = field.z.flat().filter((v) => v !== null).sort((a, b) => a - b);
  if (!vals.length) return { z: field.z, log: false };
  const lo = vals[0], hi = vals[vals.length - 1], mid = vals[Math.floor(vals.length / 2)];
  if (hi - lo > 0 && (mid - lo) < 0.07 * (hi - lo)) {
    const eps = (hi - lo) * 1e-6;
    return { z: field.z.map((row) => row.map((v) => (v === null ? null : Math.log10(v - lo + eps)))), log: true, lo, eps };
  }
  return { z: field.z, log: false };
}

function arrowsTrace(field) {
  // About 20 arrows per axis, each ∇f scaled to the cell: direction and relative size.
  const n = field.x.length, every = Math.max(1, Math.round(n / 20));
  const x = [], y = [], u = [], v = [], c = [];
  let big = 0;
  for (let j = 0; j < n; j += every) for (let i = 0; i < n; i += every) {
    const gx = field.gx[j][i], gy = field.gy[j][i];
    if (gx === null || gy === null) continue;
    big = Math.max(big, Math.hypot(gx, gy));
  }
  const cellx = (field.x[n - 1] - field.x[0]) / (n - 1) * every;
  const celly = (field.y[n - 1] - field.y[0]) / (n - 1) * every;
  for (let j = 0; j < n; j += every) for (let i = 0; i < n; i += every) {
    const gx = field.gx[j][i], gy = field.gy[j][i];
    if (gx === null || gy === null) continue;
    const m = Math.hypot(gx, gy);
    const s = big > 0 ? (0.25 + 0.75 * Math.sqrt(m / big)) * 0.85 / (m || 1) : 0;
    x.push(field.x[i]); y.push(field.y[j]);
    u.push(gx * s * cellx); v.push(gy * s * celly); c.push(m);
  }
  const ax = [], ay = [];
  for (let k = 0; k < x.length; k++) arrow(ax, ay, x[k] - u[k] / 2, y[k] - v[k] / 2, u[k], v[k], cellx, celly);
  // Drawn into the contour picture (see draw2d): as Plotly shapes or traces, ~1,200 segments
  // cost more than the rest of a redraw, and the arrows need no hover.
  return { xs: ax, ys: ay, arrows: ax.length / 9 };
}

// One arrow as line segments (shaft and two barbs), separated from the next by a gap.
function arrow(xs, ys, x0, y0, u, v, sx, sy) {
  const x1 = x0 + u, y1 = y0 + v;
  const a = u / sx, b = v / sy, len = Math.hypot(a, b);
  if (!(len > 0)) return;
  const head = Math.min(0.35, 0.3 * len + 0.08) / len;
  for (const turn of [0.45, -0.45]) {
    const c = Math.cos(turn), s = Math.sin(turn);
    xs.push(x1, x1 - head * (c * a - s * b) * sx, null);
    ys.push(y1, y1 - head * (s * a + c * b) * sy, null);
  }
  xs.push(x0, x1, null); ys.push(y0, y1, null);
}

// The arrows (data coordinates, null between them) stroked on a canvas that covers the
// field's grid; px is the canvas's pixels per CSS pixel.
function strokeArrows(canvas, field, quiver, px) {
  const n = field.x.length, x0 = field.x[0], y0 = field.y[0];
  const sx = canvas.width / (field.x[n - 1] - x0), sy = canvas.height / (field.y[n - 1] - y0);
  const ctx = canvas.getContext('2d');
  ctx.beginPath();
  let pen = false;
  for (let k = 0; k < quiver.xs.length; k++) {
    const x = quiver.xs[k];
    if (x === null) { pen = false; continue; }
    const X = (x - x0) * sx, Y = canvas.height - (quiver.ys[k] - y0) * sy;
    if (pen) ctx.lineTo(X, Y); else { ctx.moveTo(X, Y); pen = true; }
  }
  ctx.strokeStyle = 'rgba(15,20,35,0.85)';
  ctx.lineWidth = 1.2 * px;
  ctx.lineCap = 'round';
  ctx.stroke();
}

// The pixel size of the picture for the plot area, bounded: "WxH".
function pictureSize(el) {
  const full = el._fullLayout, dpr = window.devicePixelRatio || 1;
  const w = Math.round((full && full.xaxis ? full.xaxis._length : 640) * dpr);
  const h = Math.round((full && full.yaxis ? full.yaxis._length : 480) * dpr);
  const scale = Math.min(1, Math.sqrt(2.5e6 / (w * h)));
  return { w: Math.max(2, Math.round(w * scale)), h: Math.max(2, Math.round(h * scale)), px: dpr * scale };
}

function bilinear(field, px, py) {
  const n = field.x.length;
  const fx = (px - field.x[0]) / (field.x[n - 1] - field.x[0]) * (n - 1);
  const fy = (py - field.y[0]) / (field.y[n - 1] - field.y[0]) * (n - 1);
  if (!(fx >= 0 && fy >= 0 && fx <= n - 1 && fy <= n - 1)) return null;
  const i = Math.min(n - 2, Math.floor(fx)), j = Math.min(n - 2, Math.floor(fy));
  const a = fx - i, b = fy - j;
  const at = (g) => {
    const q = [g[j][i], g[j][i + 1], g[j + 1][i], g[j + 1][i + 1]];
    if (q.some((t) => t === null)) return null;
    return (1 - b) * ((1 - a) * q[0] + a * q[1]) + b * ((1 - a) * q[2] + a * q[3]);
  };
  const u = at(field.gx), v = at(field.gy);
  return u === null || v === null ? null : [u, v];
}

function streamTrace(field) {
  // Streamlines of −∇f (the way descent goes) from a grid of seeds; a coarse occupancy grid
  // keeps them apart, as matplotlib's streamplot does.
  const n = field.x.length, W = field.x[n - 1] - field.x[0], H = field.y[n - 1] - field.y[0];
  const G = 30, used = new Uint8Array(G * G), xs = [], ys = [];
  const cell = (px, py) => Math.min(G - 1, Math.floor((px - field.x[0]) / W * G)) +
    G * Math.min(G - 1, Math.floor((py - field.y[0]) / H * G));
  const h = Math.min(W, H) / 120;
  for (let sj = 0; sj < 14; sj++) for (let si = 0; si < 14; si++) {
    const x0 = field.x[0] + (si + 0.5) / 14 * W, y0 = field.y[0] + (sj + 0.5) / 14 * H;
    if (used[cell(x0, y0)]) continue;
    for (const dir of [-1, 1]) {
      let px = x0, py = y0, last = cell(px, py);
      const line = [[px, py]];
      for (let k = 0; k < 400; k++) {
        const g = bilinear(field, px, py);
        if (!g) break;
        const m = Math.hypot(g[0], g[1]);
        if (m < 1e-12) break;
        const mx = px + dir * -g[0] / m * h / 2, my = py + dir * -g[1] / m * h / 2;
        const g2 = bilinear(field, mx, my);
        if (!g2) break;
        const m2 = Math.hypot(g2[0], g2[1]) || 1;
        px += dir * -g2[0] / m2 * h; py += dir * -g2[1] / m2 * h;
        if (!(px >= field.x[0] && px <= field.x[n - 1] && py >= field.y[0] && py <= field.y[n - 1])) break;
        const c = cell(px, py);
        if (c !== last) { if (used[c]) break; used[last] = 1; last = c; }
        line.push([px, py]);
      }
      used[last] = 1;
      if (dir === 1) line.reverse();
      if (line.length > 2) {
        for (const [a, b] of line) { xs.push(a); ys.push(b); }
        xs.push(null); ys.push(null);
      }
    }
  }
  return { type: 'scatter', mode: 'lines', x: xs, y: ys, line: { color: 'rgba(20,30,50,0.75)', width: 1 },
    hoverinfo: 'skip', showlegend: false, meta: 'stream' };
}

function pointMarks(st, info, axes) {
  const traces = [];
  const [i, j] = axes;
  if (info.critical) {
    for (const kind of ['minimum', 'maximum', 'saddle', 'degenerate']) {
      const pts = info.critical.points.filter((p) => p.kind === kind && p.point.length > j);
      if (!pts.length) continue;
      traces.push({ type: 'scatter', mode: 'markers', name: kind, x: pts.map((p) => p.point[i]),
        y: pts.map((p) => p.point[j]), marker: { symbol: KIND_SYMBOL[kind], size: 9, color: '#fff',
          line: { color: '#1d2433', width: 2 } }, hovertemplate: `${kind} (%{x:.4g}, %{y:.4g})<extra></extra>` });
    }
  }
  if (st.starts.length) {
    traces.push({ type: 'scatter', mode: 'markers', name: 'starts', x: st.starts.map((s) => s[i]),
      y: st.starts.map((s) => s[j]), marker: { symbol: 'x-thin', size: 12, line: { width: 3, color: '#D55E00' } },
      hovertemplate: 'start (%{x:.4g}, %{y:.4g})<extra></extra>' });
  }
  if (st.point && info.point) {
    const p = st.point, g = info.point.gradient;
    traces.push({ type: 'scatter', mode: 'markers', name: 'selected', x: [p[i]], y: [p[j]],
      marker: { size: 11, color: '#fff', line: { color: '#A50026', width: 3 } }, hoverinfo: 'skip' });
    if (g[i] !== null && g[j] !== null && (g[i] || g[j])) {
      const span = Math.min(st.x[1] - st.x[0], st.y[1] - st.y[0]) * 0.18;
      const m = Math.hypot(g[i], g[j]);
      const u = g[i] / m * span, v = g[j] / m * span;
      const sx = (st.x[1] - st.x[0]) / 4, sy = (st.y[1] - st.y[0]) / 4;
      // crimson, a colour no optimizer uses (they take the Okabe-Ito palette); −∇f dashed
      for (const [sgn, name, dash] of [[1, '∇f', 'solid'], [-1, '−∇f', 'dot']]) {
        const xs = [], ys = [];
        arrow(xs, ys, p[i], p[j], sgn * u, sgn * v, sx, sy);
        traces.push({ type: 'scatter', mode: 'lines', x: xs, y: ys, name, hoverinfo: 'skip',
          line: { color: '#A50026', width: 3.5, dash } });
      }
    }
  }
  return traces;
}

export function pathTraces(runs, upto, axes) {
  // The paths drawn as Plotly traces (for pictures and when not animating).
  const [i, j] = axes;
  return runs.map((r, k) => {
    const last = Math.min(upto, r.path.length - 1);
    const pts = r.path.slice(0, last + 1);
    return { type: 'scatter', mode: 'lines+markers', name: `${r.method} from (${r.start.map((v) => +v.toPrecision(3)).join(', ')})`,
      x: pts.map((p) => p[i]), y: pts.map((p) => p[j]), line: { color: r.color, width: 2.5 },
      marker: { size: pts.map((_, t) => (t === last ? 9 : 0)), color: r.color },
      hovertemplate: `${r.method} step %{pointNumber}: (%{x:.4g}, %{y:.4g})<extra></extra>`, meta: 'path' };
  });
}

// The colour key under the plot (exports get Plotly's colour bar instead: exportFigure).
export function drawKey(info) {
  const f = info.field, key = document.getElementById('key');
  key.hidden = !f || !f.range || !!info.basins || document.getElementById('plot').hidden;
  if (key.hidden) return;
  const short = (v) => String(+v.toPrecision(4));
  document.getElementById('key-lo').textContent = `f = ${short(f.range[0])}`;
  document.getElementById('key-hi').textContent = short(f.range[1]);
  const cs = f._traces && f._traces.cs;
  document.getElementById('key-note').textContent = cs && cs.log ? '(colours on a log scale of f − min f)' : '';
}

// The 2-D view as a figure for PNG/SVG of `width` × `height` pixels: the contour picture
// painted again at twice the export's plot area (the one on screen has the screen's size, and
// would blur when scaled up), and the colour bar drawn by Plotly (the invisible hover heatmap
// carries the colour scale: a bar needs no visible trace).
export function exportFigure(el, info, st, width, height) {
  const data = el.data.map((t) => (t.meta === 'f' && t.type === 'heatmap' ? { ...t, showscale: true } : t));
  const layout = { ...el.layout };
  const field = info.field, memo = field && field._traces;
  if (memo && memo.cs && layout.images && !info.basins) {
    const m = layout.margin || {}, bar = 100; // the colour bar's room on the right
    const w = 2 * (width - (m.l || 0) - (m.r || 0) - bar), h = 2 * (height - (m.t || 0) - (m.b || 0) - 60);
    const s = Math.min(1, Math.sqrt(2.5e6 / (w * h)));
    const pic = contourCanvas(memo.cs.z, Math.max(2, Math.round(w * s)), Math.max(2, Math.round(h * s)),
      { lineWidth: 0.6 * 2 * s });
    if (st.arrows === 'quiver' && memo.quiver) strokeArrows(pic.canvas, field, memo.quiver, 2 * s);
    layout.images = [{ ...layout.images[0], source: pic.canvas.toDataURL('image/png') }];
  }
  return { data, layout };
}

export function draw2d(el, st, info, opts = {}) {
  const field = info.field;
  const traces = [];
  const layout = {
    margin: { l: 50, r: 10, t: 10, b: 40 }, dragmode: 'pan', hovermode: 'closest',
    xaxis: { title: { text: field ? field.axes[0] : '' }, range: st.x.slice(), zeroline: false },
    yaxis: { title: { text: field ? field.axes[1] : '' }, range: st.y.slice(), zeroline: false },
    showlegend: true, legend: { orientation: 'h', y: -0.12, font: { size: 11 } },
    uirevision: opts.revision, plot_bgcolor: '#e6e8ec',
  };
  if (field) {
    // The field's traces are built once per field and reused: Plotly.react compares data
    // arrays by identity, so a redraw for a new marker or path does not recompute contours.
    const memo = field._traces || (field._traces = {});
    const cs = memo.cs || (memo.cs = colourScale(field));
    const basins = !!info.basins;
    const quiver = st.arrows === 'quiver' ? (memo.quiver || (memo.quiver = arrowsTrace(field))) : null;
    const size = pictureSize(el), want = `${size.w}x${size.h} ${basins ? 'lines' : 'filled'} ${quiver ? 'arrows' : ''}`;
    if (!memo.image || memo.image.want !== want) {
      // The filled contours and arrows: a picture the page paints (contours.js), one per
      // field, view size and mode; with basins shown only the arrows (the contour lines are
      // a trace then, see below)
      const pic = basins ? { canvas: Object.assign(document.createElement('canvas'), { width: size.w, height: size.h }) }
        : contourCanvas(cs.z, size.w, size.h, { lineWidth: 0.6 * size.px });
      if (quiver) strokeArrows(pic.canvas, field, quiver, size.px);
      memo.image = { want, source: basins && !quiver ? null : pic.canvas.toDataURL('image/png'), lo: pic.lo, hi: pic.hi };
    }
    const n = field.x.length, pic = memo.image;
    if (!basins) { // the picture covers the plot area: grid lines on it would only add noise
      layout.xaxis.showgrid = false; layout.yaxis.showgrid = false;
    }
    if (pic.source) {
      layout.images = [{ source: pic.source, xref: 'x', yref: 'y', x: field.x[0], y: field.y[n - 1],
        sizex: field.x[n - 1] - field.x[0], sizey: field.y[n - 1] - field.y[0], xanchor: 'left', yanchor: 'top',
        sizing: 'stretch', layer: basins ? 'above' : 'below' }];
    }
    if (basins) {
      // Plotly draws every heatmap below every contour, so with basins shown f is drawn as
      // contour lines only: the basin colours show through, f's level sets stay on top.
      traces.push({ type: 'contour', x: field.x, y: field.y, z: cs.z, colorscale: 'Viridis', ncontours: 24,
        contours: { coloring: 'none', showlines: true },
        line: { width: 0.8, color: 'rgba(20,30,50,0.6)', smoothing: 0 },
        connectgaps: false, showscale: false, name: 'f', showlegend: false,
        customdata: field.z, hovertemplate: '(%{x:.4g}, %{y:.4g})  f = %{customdata:.5g}<extra></extra>' });
    } else {
      // an invisible heatmap of the grid over the picture: it answers the hover, and carries
      // the colour scale for exports' colour bar
      traces.push({ type: 'heatmap', x: field.x, y: field.y, z: cs.z, opacity: 0, zsmooth: false,
        colorscale: VIRIDIS, zmin: pic.lo, zmax: pic.hi, showscale: false, name: 'f', meta: 'f', showlegend: false,
        colorbar: { thickness: 12, len: 0.9, title: { text: cs.log ? 'log f' : 'f', side: 'right' } },
        customdata: field.z, hovertemplate: '(%{x:.4g}, %{y:.4g})  f = %{customdata:.5g}<extra></extra>' });
    }
    if (quiver) {
      // an empty trace that names the arrows (the page and its tests find them by meta)
      traces.push({ type: 'scatter', mode: 'lines', x: [null], y: [null], name: '∇f', hoverinfo: 'skip',
        showlegend: false, meta: 'arrows', customdata: [quiver.arrows] });
    }
    if (st.arrows === 'stream') traces.push({ ...(memo.stream || (memo.stream = streamTrace(field))) });
  }
  if (info.basins) {
    const b = info.basins;
    const z = b.labels.map((row) => row.map((v) => (v < 0 ? null : v)));
    const k = Math.max(1, b.minima.length);
    const scale = b.minima.length <= 7
      ? Array.from({ length: k }, (_, t) => [[t / k, COLORS[t]], [(t + 1) / k, COLORS[t]]]).flat()
      : 'Viridis';
    traces.push({ type: 'heatmap', x: b.x, y: b.y, z, zmin: -0.5, zmax: k - 0.5, colorscale: scale, opacity: 0.7,
      showscale: false, hovertemplate: 'basin %{z}<extra></extra>', name: 'basins', showlegend: false });
    traces.push({ type: 'scatter', mode: 'markers', name: 'minima reached', x: b.minima.map((p) => p[0]),
      y: b.minima.map((p) => p[1]), marker: { symbol: 'x', size: 10, color: '#000' } });
  }
  traces.push(...pointMarks(st, info, st.axes));
  if (info.runs && !opts.animating) traces.push(...pathTraces(info.runs, opts.upto ?? Infinity, st.axes));
  drawKey(info);
  return Plotly.react(el, traces, layout, CONFIG);
}

export function draw1d(el, st, info) {
  const c = info.curve, traces = [];
  document.getElementById('key').hidden = true;
  const layout = { margin: { l: 50, r: 10, t: 10, b: 40 }, dragmode: 'pan', hovermode: 'x unified',
    xaxis: { title: { text: c ? c.variable : '' }, range: st.x.slice() }, yaxis: { autorange: true },
    legend: { orientation: 'h', y: -0.15 }, uirevision: 'curve' };
  if (c) {
    traces.push({ type: 'scatter', mode: 'lines', x: c.x, y: c.f, name: 'f', line: { color: '#0072B2', width: 2.5 } });
    traces.push({ type: 'scatter', mode: 'lines', x: c.x, y: c.df, name: "f′", line: { color: '#E69F00', width: 2, dash: 'dash' } });
  }
  const p = info.point, q = info.secant;
  if (st.point && p && p.value !== null && p.gradient[0] !== null) {
    const x0 = st.point[0], y0 = p.value, m = p.gradient[0], w = (st.x[1] - st.x[0]) / 2;
    traces.push({ type: 'scatter', mode: 'lines', x: [x0 - w, x0 + w], y: [y0 - m * w, y0 + m * w], name: 'tangent',
      line: { color: '#D55E00', width: 2 } });
    traces.push({ type: 'scatter', mode: 'markers', x: [x0], y: [y0], name: 'selected', marker: { size: 10, color: '#D55E00' } });
    if (q && q.value !== null) {
      const x1 = q.at[0], s = (q.value - y0) / (x1 - x0);
      traces.push({ type: 'scatter', mode: 'lines+markers', x: [x0 - w, x1 + w].map((t) => t), y: [y0 - s * w, q.value + s * w],
        name: 'secant', line: { color: '#009E73', width: 2, dash: 'dot' }, marker: { size: [0, 0] } });
      traces.push({ type: 'scatter', mode: 'markers', x: [x1], y: [q.value], name: 'x₀ + h', marker: { size: 9, color: '#009E73' } });
    }
  }
  return Plotly.react(el, traces, layout, CONFIG);
}

export function draw3d(el, st, info) {
  const f = info.field;
  if (!f) return Promise.resolve();
  const traces = [{ type: 'surface', x: f.x, y: f.y, z: f.z, colorscale: 'Viridis', opacity: 0.92,
    showscale: false, name: 'f', contours: { z: { show: true, usecolormap: true, project: { z: true } } } }];
  const [i, j] = st.axes;
  if (st.point && info.point && info.point.value !== null) {
    const p = st.point, g = info.point.gradient, v0 = info.point.value;
    if (g[i] !== null && g[j] !== null) {
      const wx = (st.x[1] - st.x[0]) * 0.2, wy = (st.y[1] - st.y[0]) * 0.2;
      const xs = [p[i] - wx, p[i] + wx], ys = [p[j] - wy, p[j] + wy];
      const zs = ys.map((yy) => xs.map((xx) => v0 + g[i] * (xx - p[i]) + g[j] * (yy - p[j])));
      traces.push({ type: 'surface', x: xs, y: ys, z: zs, opacity: 0.6, showscale: false, name: 'tangent plane',
        colorscale: [[0, '#D55E00'], [1, '#D55E00']], hoverinfo: 'skip' });
      traces.push({ type: 'scatter3d', mode: 'markers', x: [p[i]], y: [p[j]], z: [v0], name: 'selected',
        marker: { size: 5, color: '#D55E00' } });
    }
  }
  for (const r of info.runs || []) {
    traces.push({ type: 'scatter3d', mode: 'lines', name: r.method, x: r.path.map((q) => q[i]),
      y: r.path.map((q) => q[j]), z: r.values, line: { color: r.color, width: 6 } });
  }
  const layout = { margin: { l: 0, r: 0, t: 0, b: 0 }, uirevision: 'surface', showlegend: false,
    scene: { xaxis: { title: { text: f.axes[0] } }, yaxis: { title: { text: f.axes[1] } }, zaxis: { title: { text: 'f' } },
      aspectmode: 'manual', aspectratio: { x: 1, y: 1, z: 0.7 } } };
  return Plotly.react(el, traces, layout, CONFIG);
}

// The animated paths are drawn on a canvas over the plot: redrawing Plotly's contours 30
// times a second would not keep up with 4 methods × 2,000 steps.
export function drawOverlay(canvas, el, runs, upto, axes) {
  const full = el._fullLayout;
  if (!full || !full.xaxis) return;
  const dpr = window.devicePixelRatio || 1;
  const w = el.clientWidth, h = el.clientHeight;
  if (canvas.width !== w * dpr || canvas.height !== h * dpr) {
    canvas.width = w * dpr; canvas.height = h * dpr;
    canvas.style.width = `${w}px`; canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const xa = full.xaxis, ya = full.yaxis, [i, j] = axes;
  ctx.save();
  ctx.beginPath();
  ctx.rect(xa._offset, ya._offset, xa._length, ya._length);
  ctx.clip();
  ctx.lineWidth = 2.5;
  // Pixel positions are worked out once per path and view, not once per frame: at frame
  // 2,000 a frame would otherwise convert every point of every path again.
  const view = [xa.range, ya.range, xa._length, ya._length, xa._offset, ya._offset, i, j].join();
  for (const r of runs) {
    if (!r._px || r._px.view !== view) {
      const n = r.path.length, xs = new Float64Array(n), ys = new Float64Array(n);
      r.path.forEach((p, t) => {
        const ok = p[i] !== null && p[j] !== null;
        xs[t] = ok ? xa._offset + xa.l2p(p[i]) : NaN;
        ys[t] = ok ? ya._offset + ya.l2p(p[j]) : NaN;
      });
      r._px = { view, xs, ys };
    }
    const { xs, ys } = r._px;
    const last = Math.min(upto, r.path.length - 1);
    ctx.strokeStyle = r.color;
    ctx.beginPath();
    let on = false, hx = 0, hy = 0;
    for (let t = 0; t <= last; t++) {
      if (Number.isNaN(xs[t])) { on = false; continue; }
      hx = xs[t]; hy = ys[t];
      if (on) ctx.lineTo(hx, hy); else { ctx.moveTo(hx, hy); on = true; }
    }
    ctx.stroke();
    ctx.fillStyle = r.color;
    ctx.beginPath();
    ctx.arc(hx, hy, 5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

export function clearOverlay(canvas) {
  canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
}

export function drawLoss(el, runs, upto) {
  const traces = runs.map((r) => ({ type: 'scatter', mode: 'lines', name: r.method, x: r.values.map((_, t) => t),
    y: r.values, line: { color: r.color, width: 2 } }));
  const positive = runs.every((r) => r.values.every((v) => v === null || v > 0));
  const layout = { margin: { l: 48, r: 8, t: 6, b: 32 }, showlegend: false,
    xaxis: { title: { text: 'step' } }, yaxis: { title: { text: 'f' }, type: positive ? 'log' : 'linear', exponentformat: 'power' },
    shapes: Number.isFinite(upto) ? [{ type: 'line', x0: upto, x1: upto, yref: 'paper', y0: 0, y1: 1,
      line: { color: '#888', width: 1, dash: 'dot' } }] : [] };
  return Plotly.react(el, traces, layout, { displaylogo: false, responsive: true, displayModeBar: false });
}

// Where on the plot a mouse event landed, in data coordinates (null outside the axes).
export function eventToData(el, ev) {
  const full = el._fullLayout;
  if (!full || !full.xaxis) return null;
  const box = el.getBoundingClientRect();
  const xa = full.xaxis, ya = full.yaxis;
  const px = ev.clientX - box.left - xa._offset, py = ev.clientY - box.top - ya._offset;
  if (px < 0 || py < 0 || px > xa._length || py > ya._length) return null;
  return [xa.p2l(px), ya.p2l(py)];
}
