// Everything a view needs lives in the URL hash, so a link restores it exactly.

export const DEFAULT = {
  f: 'x^2 + 3y^2', view: '2d', x: null, y: null, arrows: 'quiver', methods: null,
  starts: [], point: null, steps: 500, axes: [0, 1], fixed: null, angle: 0, h: 0.6,
};

const NUM_PAIR = (s) => {
  const v = s.split(',').map(Number);
  return v.length === 2 && v.every(Number.isFinite) && v[0] < v[1] ? v : null;
};

function json(s, ok) {
  try { const v = JSON.parse(s); return ok(v) ? v : null; } catch { return null; }
}
const numbers = (a) => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));

export function decode(hash) {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const s = structuredClone(DEFAULT);
  if (q.has('f')) s.f = q.get('f').slice(0, 2000);
  if (q.get('view') === '3d') s.view = '3d';
  if (q.has('x')) s.x = NUM_PAIR(q.get('x'));
  if (q.has('y')) s.y = NUM_PAIR(q.get('y'));
  if (['quiver', 'stream', 'none'].includes(q.get('a'))) s.arrows = q.get('a');
  if (q.has('m')) s.methods = json(q.get('m'), (v) => Array.isArray(v) && v.every((m) => m && typeof m.name === 'string'));
  if (q.has('s')) s.starts = json(q.get('s'), (v) => Array.isArray(v) && v.length <= 10 && v.every(numbers)) || [];
  if (q.has('p')) s.point = json(q.get('p'), numbers);
  if (q.has('n')) s.steps = Math.min(5000, Math.max(1, parseInt(q.get('n'), 10) || 500));
  if (q.has('ax')) s.axes = json(`[${q.get('ax')}]`, (v) => numbers(v) && v.length === 2) || [0, 1];
  if (q.has('fx')) s.fixed = json(q.get('fx'), numbers);
  if (q.has('th')) s.angle = Number(q.get('th')) || 0;
  if (q.has('h')) s.h = Math.min(1, Math.max(0.001, Number(q.get('h')) || 0.6));
  return s;
}

const short = (v) => Number(v.toPrecision(8));

export function encode(s) {
  const q = new URLSearchParams();
  q.set('f', s.f);
  if (s.view !== '2d') q.set('view', s.view);
  if (s.x) q.set('x', s.x.map(short).join(','));
  if (s.y) q.set('y', s.y.map(short).join(','));
  if (s.arrows !== 'quiver') q.set('a', s.arrows);
  if (s.methods) q.set('m', JSON.stringify(s.methods));
  if (s.starts.length) q.set('s', JSON.stringify(s.starts));
  if (s.point) q.set('p', JSON.stringify(s.point));
  if (s.steps !== 500) q.set('n', String(s.steps));
  if (s.axes[0] !== 0 || s.axes[1] !== 1) q.set('ax', s.axes.join(','));
  if (s.fixed) q.set('fx', JSON.stringify(s.fixed));
  if (s.angle) q.set('th', String(s.angle));
  if (s.h !== 0.6) q.set('h', String(s.h));
  return '#' + q.toString();
}
