// Filled contours and level lines, drawn by the page on a canvas and shown as one Plotly
// layout image under the traces.
//
// Why not Plotly's filled contour trace: it marches every level into SVG paths, closes each
// band's polygons along the window's edges, and the browser then rasterises them. On this
// machine that was 65–155 ms of every redraw, the largest part of the time from typing a
// formula to seeing it. Here each pixel's value is interpolated bilinearly between the four
// grid values around it (the surface Plotly's contour lines also trace) and coloured by its
// band; the level lines are marched cell by cell on the grid and stroked once: about 15 ms
// for an 800×600 view, encoded once as a PNG that Plotly pans and zooms like any image.
// Grid points where f is undefined (null) leave their cells transparent: the plot's grey
// background shows through, as with the trace's gaps.

// Plotly's Viridis stops, so the bands match the colour key, the 3-D surface and exports.
export const VIRIDIS = [[0, '#440154'], [0.0627, '#48186a'], [0.1255, '#472d7b'], [0.1882, '#424086'],
  [0.251, '#3b528b'], [0.3137, '#33638d'], [0.3765, '#2c728e'], [0.4392, '#26828e'], [0.502, '#21918c'],
  [0.5647, '#1fa088'], [0.6275, '#28ae80'], [0.6902, '#3fbc73'], [0.7529, '#5ec962'], [0.8157, '#84d44b'],
  [0.8784, '#addc30'], [0.9412, '#d8e219'], [1, '#fde725']];

const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));

// The colour at t in [0, 1], interpolated between the stops, as [r, g, b].
export function viridis(t) {
  const u = Math.min(1, Math.max(0, t));
  let k = 1;
  while (k < VIRIDIS.length - 1 && VIRIDIS[k][0] < u) k += 1;
  const [t0, c0] = VIRIDIS[k - 1], [t1, c1] = VIRIDIS[k];
  const a = (u - t0) / (t1 - t0), p = rgb(c0), q = rgb(c1);
  return p.map((v, i) => Math.round(v + a * (q[i] - v)));
}

// About `most` levels at round values (1, 2, 2.5 or 5 times a power of ten) from lo to hi,
// as Plotly chooses them: {start, step, count}; level k is start + k·step.
//   levels(0, 10) → {start: 0, step: 0.5, count: 21}
export function levels(lo, hi, most = 24) {
  if (!(hi > lo)) return { start: lo, step: 1, count: 0 };
  const raw = (hi - lo) / most, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-12));
  const start = Math.ceil(lo / step) * step;
  return { start, step, count: Math.max(0, Math.floor((hi - start) / step + 1e-9) + 1) };
}

// The colour of band k (0 below the first level, k between level k − 1 and level k), taken
// at the band's middle value on [lo, hi].
export function bandColour(lv, k, lo, hi) {
  const mid = lv.start + (k - 0.5) * lv.step;
  return viridis(hi > lo ? (Math.min(hi, Math.max(lo, mid)) - lo) / (hi - lo) : 0.5);
}

function grid(z) {
  const n = z.length, m = z[0].length, g = new Float64Array(n * m);
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < n; j++) {
    const row = z[j];
    for (let i = 0; i < m; i++) {
      const v = row[i] === null ? NaN : row[i];
      g[j * m + i] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return { g, n, m, lo, hi };
}

// The picture of z (rows by y, as the API sends them) on a canvas of width × height pixels:
// {canvas, levels, lo, hi}. Row 0 of the canvas is the top of the window (the largest y).
// lineWidth is in canvas pixels (0.6 CSS pixels times the canvas's pixels per CSS pixel).
export function contourCanvas(z, width, height, { lines = 'rgba(255,255,255,0.5)', lineWidth = 0.6 } = {}) {
  const { g, n, m, lo, hi } = grid(z);
  const lv = levels(lo, hi);
  const canvas = document.createElement('canvas');
  canvas.width = width; canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!(hi >= lo)) return { canvas, levels: lv, lo, hi }; // nothing defined: all transparent
  const pal = new Uint32Array(lv.count + 1);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let k = 0; k <= lv.count; k++) {
    const [r, gr, b] = bandColour(lv, k, lo, hi);
    pal[k] = little ? (0xff000000 | (b << 16) | (gr << 8) | r) >>> 0 : ((r << 24) | (gr << 16) | (b << 8) | 0xff) >>> 0;
  }
  const img = ctx.createImageData(width, height), px = new Uint32Array(img.data.buffer);
  // per column: the grid cell and the weight of its right neighbour, worked out once
  const ci = new Int32Array(width), ca = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const f = (x + 0.5) / width * (m - 1), i = Math.min(m - 2, Math.floor(f));
    ci[x] = i; ca[x] = f - i;
  }
  const inv = 1 / lv.step, top = lv.count, row = new Float64Array(m);
  for (let y = 0; y < height; y++) {
    // the grid interpolated to this pixel row once; then one step along x per pixel
    const f = (height - 0.5 - y) / height * (n - 1), j = Math.min(n - 2, Math.floor(f)), b = f - j;
    const r0 = j * m, r1 = r0 + m, out = y * width;
    for (let i = 0; i < m; i++) row[i] = g[r0 + i] + b * (g[r1 + i] - g[r0 + i]);
    for (let x = 0; x < width; x++) {
      const i = ci[x], v = row[i] + ca[x] * (row[i + 1] - row[i]);
      if (v !== v) continue; // a corner undefined (NaN): transparent
      let k = Math.floor((v - lv.start) * inv) + 1;
      k = k < 0 ? 0 : k > top ? top : k;
      px[out + x] = pal[k];
    }
  }
  ctx.putImageData(img, 0, 0);
  if (lines && lv.count) strokeLevels(ctx, g, n, m, lv, width, height, lines, lineWidth);
  return { canvas, levels: lv, lo, hi };
}

// Marching squares: in each cell, each level between the cell's smallest and largest corner
// crosses two (or, at a saddle, four) of its edges; the crossings are joined by a segment.
function strokeLevels(ctx, g, n, m, lv, width, height, colour, lineWidth) {
  const sx = width / (m - 1), sy = height / (n - 1);
  ctx.beginPath();
  const cut = (p, q, L) => (L - p) / (q - p);
  for (let j = 0; j < n - 1; j++) {
    for (let i = 0; i < m - 1; i++) {
      const a = g[j * m + i], b = g[j * m + i + 1], c = g[(j + 1) * m + i + 1], d = g[(j + 1) * m + i];
      const lo = Math.min(a, b, c, d), hi = Math.max(a, b, c, d);
      if (!(lo < hi)) continue; // NaN corner, or flat
      const k0 = Math.max(0, Math.ceil((lo - lv.start) / lv.step)), k1 = Math.min(lv.count - 1, Math.floor((hi - lv.start) / lv.step));
      for (let k = k0; k <= k1; k++) {
        const L = lv.start + k * lv.step;
        // corners a (i, j), b (i+1, j), c (i+1, j+1), d (i, j+1); y grows upwards
        const code = (a > L ? 1 : 0) | (b > L ? 2 : 0) | (c > L ? 4 : 0) | (d > L ? 8 : 0);
        if (code === 0 || code === 15) continue;
        const e = [];
        if ((code & 1) !== ((code >> 1) & 1)) e.push([i + cut(a, b, L), j]);
        if (((code >> 1) & 1) !== ((code >> 2) & 1)) e.push([i + 1, j + cut(b, c, L)]);
        if (((code >> 2) & 1) !== ((code >> 3) & 1)) e.push([i + cut(d, c, L), j + 1]);
        if (((code >> 3) & 1) !== (code & 1)) e.push([i, j + cut(a, d, L)]);
        // e holds the crossings in edge order (bottom, right, top, left); at a saddle the
        // cell's mean decides which pairs belong together
        const pairs = e.length === 4 && ((a + b + c + d) / 4 > L) === ((code & 1) === 1)
          ? [[0, 1], [2, 3]] : e.length === 4 ? [[0, 3], [1, 2]] : [[0, 1]];
        for (const [p, q] of pairs) {
          ctx.moveTo(e[p][0] * sx, height - e[p][1] * sy);
          ctx.lineTo(e[q][0] * sx, height - e[q][1] * sy);
        }
      }
    }
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = lineWidth;
  ctx.stroke();
}
