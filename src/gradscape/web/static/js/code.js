// "Make this picture yourself": the CLI command and the Python code for the current view.

const q = (s) => `'${s.replace(/'/g, `'"'"'`)}'`;
const num = (v) => String(+Number(v).toPrecision(6));
const range = (r) => `${num(r[0])}:${num(r[1])}`;

export function cliCommand(st, info, methods) {
  const n = info.parse ? info.parse.variables.length : 0;
  if (n === 1) {
    const at = st.point ? ` --at ${num(st.point[0])}` : '';
    return `gradscape plot ${st.point ? 'tangent' : 'derivative'} ${q(st.f)} --x=${range(st.x)}${at} -o picture.png`;
  }
  const win = `--x=${range(st.x)} --y=${range(st.y)}`;
  if (st.starts.length && methods.length) {
    const starts = st.starts.map((s) => s.map(num).join(',')).join(';');
    const lr = methods.length === 1 && methods[0].lr ? ` --lr ${num(methods[0].lr)}` : '';
    return `gradscape plot paths ${q(st.f)} ${win} --start=${q(starts)} --methods ${methods.map((m) => m.name).join(',')}${lr} --steps ${st.steps} -o paths.png`;
  }
  const kind = st.arrows === 'stream' ? 'stream' : st.arrows === 'quiver' ? 'quiver' : 'contour';
  return `gradscape plot ${kind} ${q(st.f)} ${win} -o ${kind}.png`;
}

export function pythonCode(st, info, methods) {
  const n = info.parse ? info.parse.variables.length : 0;
  const lines = ['import numpy as np', 'import gradscape as gs', '', `f = gs.Function(${JSON.stringify(st.f)})`,
    'print(f.gradient)', 'print(f.hessian)'];
  if (st.point) lines.push(`at = ${JSON.stringify(st.point.map(Number))}`, 'print(f(*at), f.grad(*at), f.hess(*at))');
  if (n >= 2 && n <= 3) {
    lines.push(`fld = gs.field(f, x=(${num(st.x[0])}, ${num(st.x[1])}), y=(${num(st.y[0])}, ${num(st.y[1])}), n=80)`);
  }
  if (st.starts.length && methods.length) {
    lines.push(`starts = np.array(${JSON.stringify(st.starts)})`);
    for (const m of methods) {
      const extra = Object.entries(m).filter(([k]) => k !== 'name' && k !== 'lr').map(([k, v]) => `, ${k}=${typeof v === 'boolean' ? (v ? 'True' : 'False') : num(v)}`).join('');
      const lr = m.lr ? `, lr=${num(m.lr)}` : '';
      lines.push(`r = gs.descend(f, starts, ${JSON.stringify(m.name)}${lr}, steps=${st.steps}, keep_paths=True${extra})`,
        `print(${JSON.stringify(m.name)}, r.counts(), r.final.tolist())`);
    }
  }
  return lines.join('\n');
}
