// The page talks to the server through these two functions only (see /docs).

export class ApiError extends Error {
  constructor(status, info) {
    super(info.message || `HTTP ${status}`);
    this.status = status;
    this.info = info;
  }
}

async function reply(r) {
  let data = null;
  try { data = await r.json(); } catch (err) {
    // A newer request aborted this one while its body was still arriving: say so, rather
    // than hand back an empty answer as if it had succeeded.
    if (err && err.name === 'AbortError') throw err;
    data = null;
  }
  if (r.ok && data === null) throw new ApiError(r.status, { type: 'HTTPError', message: 'the server sent an empty answer' });
  if (!r.ok) {
    const info = (data && data.error) || { type: 'HTTPError', message: `HTTP ${r.status}` };
    throw new ApiError(r.status, info);
  }
  return data;
}

export async function post(path, body, signal) {
  const r = await fetch(`/api/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body), signal,
  });
  return reply(r);
}

export async function get(path) {
  return reply(await fetch(`/api/${path}`));
}

// One request per channel at a time: a newer one aborts the older (typing, panning).
const channels = new Map();
export async function latest(channel, path, body) {
  channels.get(channel)?.abort();
  const ctl = new AbortController();
  channels.set(channel, ctl);
  try {
    return await post(path, body, ctl.signal);
  } finally {
    if (channels.get(channel) === ctl) channels.delete(channel);
  }
}

export const isAbort = (err) => err && err.name === 'AbortError';
