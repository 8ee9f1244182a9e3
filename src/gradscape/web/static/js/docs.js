// /docs: the OpenAPI schema as a readable page, with a form to try each POST endpoint
// (no third-party viewer: the page must work offline under the CSP).

const main = document.getElementById('docs');

function resolve(schema, spec) {
  if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split('/').pop()];
  return schema;
}

function describe(schema, spec, depth = 0) {
  schema = resolve(schema, spec) || {};
  const ul = document.createElement('ul');
  for (const [name, prop0] of Object.entries(schema.properties || {})) {
    const prop = resolve(prop0, spec) || {};
    const li = document.createElement('li');
    const req = (schema.required || []).includes(name) ? ' (required)' : '';
    const type = prop.type || (prop.anyOf ? prop.anyOf.map((t) => t.type || (t.$ref || '').split('/').pop()).join(' | ') : (prop0.$ref || '').split('/').pop());
    const bounds = ['minimum', 'maximum', 'exclusiveMinimum', 'maxLength', 'minItems', 'maxItems', 'maxLength']
      .filter((k) => prop[k] !== undefined).map((k) => `${k} ${prop[k]}`).join(', ');
    li.innerHTML = '<code></code> <span class="muted"></span>';
    li.querySelector('code').textContent = name;
    li.querySelector('span').textContent = `${type || ''}${req}${bounds ? ` [${bounds}]` : ''} ${prop.description || ''}`;
    if (depth < 2 && prop.$ref === undefined && prop0.$ref) li.appendChild(describe(prop0, spec, depth + 1));
    ul.appendChild(li);
  }
  return ul;
}

async function start() {
  const spec = await (await fetch('/openapi.json')).json();
  main.replaceChildren();
  const intro = document.createElement('p');
  intro.textContent = spec.info.description;
  main.appendChild(intro);
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const sec = document.createElement('section');
      sec.className = 'panel';
      const h = document.createElement('h2');
      h.textContent = `${method.toUpperCase()} ${path}`;
      const p = document.createElement('p');
      p.textContent = op.summary || op.description || '';
      sec.append(h, p);
      const body = op.requestBody && op.requestBody.content['application/json'].schema;
      if (body) {
        const h3 = document.createElement('h3'); h3.textContent = 'request';
        sec.append(h3, describe(body, spec));
      }
      const ok = op.responses['200'] && op.responses['200'].content && op.responses['200'].content['application/json'].schema;
      if (ok) {
        const h3 = document.createElement('h3'); h3.textContent = 'response';
        sec.append(h3, describe(ok, spec));
      }
      if (method === 'post') {
        const ta = document.createElement('textarea');
        ta.rows = 3; ta.style.width = '100%';
        ta.value = JSON.stringify(example(path));
        const b = document.createElement('button'); b.textContent = 'try it'; b.type = 'button';
        const out = document.createElement('pre'); out.style.whiteSpace = 'pre-wrap'; out.style.maxHeight = '16rem'; out.style.overflow = 'auto';
        b.addEventListener('click', async () => {
          const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ta.value });
          out.textContent = `${r.status}\n${(await r.text()).slice(0, 4000)}`;
        });
        sec.append(ta, b, out);
      }
      main.appendChild(sec);
    }
  }
}

function example(path) {
  const f = 'x^2 + 3y^2';
  return {
    '/api/parse': { formula: f }, '/api/analyze': { formula: f }, '/api/point': { formula: f, at: [1, 2] },
    '/api/field': { formula: f, x: [-1, 1], y: [-1, 1], n: 3 }, '/api/curve': { formula: 'sin(x)', x: [0, 3], n: 4 },
    '/api/descend': { formula: f, starts: [[1, 1]], methods: [{ name: 'adam', lr: 0.1 }], steps: 5 },
    '/api/critical': { formula: 'x^3 - 3x + y^2' }, '/api/steps': { formula: 'sin(x^2)' },
    '/api/basins': { formula: 'himmelblau', x: [-5, 5], y: [-5, 5], n: 10 },
    '/api/tune': { formula: f, start: [1, 1], method: 'gd' },
  }[path] || {};
}

start();
