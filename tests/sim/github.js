'use strict';
// The GitHub REST simulator: registration/remove tokens, runners (list with
// pagination, get, delete), generate-jitconfig, rate-limit headers and
// faults; plus the private endpoints the fake runner (runner/) talks to,
// standing in for the runner's own protocol.
const crypto = require('crypto');

function createGithub({ log, token, clock, faults }) {
  const runners = new Map(); // id -> { id, name, labels, scope, lastSeen, busy, ephemeral }
  const tokens = new Map();  // token -> { kind, scope, expires }
  const jobs = [];
  let nextRunner = 1, nextJob = 1;
  const limit = { remaining: 5000 };

  const online = (r) => clock() - r.lastSeen < 5000;
  const runnerJson = (r) => ({ id: r.id, name: r.name, os: 'Linux', status: online(r) ? 'online' : 'offline', busy: r.busy,
    labels: r.labels.map((l, i) => ({ id: i + 1, name: l, type: 'custom' })), runner_group_id: 1 });

  function send(res, status, body, extra) {
    limit.remaining = Math.max(0, limit.remaining - 1);
    const h = Object.assign({ 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(limit.remaining), 'x-ratelimit-reset': String(Math.floor(clock() / 1000) + 3600),
      'x-ratelimit-used': String(5000 - limit.remaining), 'x-ratelimit-resource': 'core', 'x-github-request-id': crypto.randomUUID() }, extra || {});
    res.writeHead(status, h);
    res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
  }
  const fail = (res, status, message, extra) => send(res, status, { message, documentation_url: 'https://docs.github.com/rest' }, extra);
  const text = (res, status, body) => { res.writeHead(status, { 'content-type': 'text/plain' }); res.end(body); };

  function issue(kind, scope) {
    const t = 'A' + crypto.randomBytes(14).toString('hex').toUpperCase();
    const expires = clock() + 3600 * 1000;
    tokens.set(t, { kind, scope, expires });
    return { token: t, expires_at: new Date(expires).toISOString().replace(/\.\d+Z$/, 'Z') };
  }
  function validToken(t, kind) {
    const v = tokens.get(t);
    return v && v.kind === kind && v.expires > clock() ? v : null;
  }
  function form(body) { return Object.fromEntries(new URLSearchParams(body.toString())); }

  // The fake runner's private protocol (plain text, so sh + curl can use it).
  function runnerProtocol(req, res, p, body) {
    const f = form(body);
    if (p === '/_sim/register') {
      const t = validToken(f.token, 'registration');
      if (!t) return text(res, 401, 'Invalid registration token');
      if (faults && faults.rejectRegistration(f.name)) return text(res, 403, 'Registration refused (fault)');
      const labels = (f.labels || '').split(',').filter(Boolean);
      const existing = [...runners.values()].find((r) => r.name === f.name && r.scope === t.scope);
      if (existing && f.replace !== '1') return text(res, 409, 'A runner exists with the same name');
      if (existing) runners.delete(existing.id);
      const r = { id: nextRunner++, name: f.name, labels, scope: t.scope, lastSeen: 0, busy: false, ephemeral: f.ephemeral === '1' };
      runners.set(r.id, r);
      log({ service: 'github', action: 'RunnerRegister', status: 200, detail: `${r.name} ${labels.join(',')}` });
      return text(res, 200, `${r.id}\n`);
    }
    if (p === '/_sim/remove') {
      if (!validToken(f.token, 'remove')) return text(res, 401, 'Invalid remove token');
      const r = runners.get(Number(f.id));
      if (r) runners.delete(r.id);
      log({ service: 'github', action: 'RunnerRemove', status: 200, detail: f.id });
      return text(res, 200, 'removed\n');
    }
    const r = runners.get(Number(f.id));
    if (!r) return text(res, 404, 'No such runner');
    if (p === '/_sim/poll') {
      r.lastSeen = clock();
      if (r.busy) return text(res, 200, 'busy\n');
      const job = jobs.find((j) => j.status === 'queued' && r.labels.includes(j.label));
      if (!job) return text(res, 200, 'idle\n');
      job.status = 'in_progress';
      job.runner = r.name;
      r.busy = true;
      return text(res, 200, `job ${job.id}\n${job.script}`);
    }
    if (p === '/_sim/done') {
      const job = jobs.find((j) => j.id === Number(f.job));
      if (job) { job.status = 'completed'; job.conclusion = f.conclusion; job.output = f.output || ''; }
      r.busy = false;
      r.lastSeen = clock();
      if (r.ephemeral) runners.delete(r.id);
      return text(res, 200, 'ok\n');
    }
    if (p === '/_sim/offline') { r.lastSeen = 0; return text(res, 200, 'ok\n'); }
    return text(res, 404, 'Not Found');
  }

  function handle(req, res, body) {
    const url = new URL(req.url, 'http://x');
    let p = url.pathname.replace(/^\/api\/v3/, '');
    if (p.startsWith('/_sim/')) return runnerProtocol(req, res, p, body);
    const auth = req.headers.authorization || '';
    const m = /^(?:Bearer|token) (.+)$/.exec(auth);
    if (!m || m[1] !== token) return fail(res, 401, 'Bad credentials');
    const lf = faults && faults.githubLimit();
    if (lf === 'primary') return fail(res, 403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(clock() / 1000) + 1) });
    if (lf === 'secondary') return fail(res, 429, 'You have exceeded a secondary rate limit.', { 'retry-after': '1' });
    if (lf === '5xx') return fail(res, 502, 'Server Error');
    const sm = /^\/(repos\/[^/]+\/[^/]+|orgs\/[^/]+)\/actions\/runners(\/.*)?$/.exec(p);
    if (!sm) return fail(res, 404, 'Not Found');
    const scope = sm[1].replace(/^repos\/|^orgs\//, '');
    const rest = sm[2] || '';
    log({ service: 'github', action: `${req.method} ${rest || '/'}`, status: 200 });
    if (req.method === 'POST' && rest === '/registration-token') return send(res, 201, issue('registration', scope));
    if (req.method === 'POST' && rest === '/remove-token') return send(res, 201, issue('remove', scope));
    if (req.method === 'POST' && rest === '/generate-jitconfig') {
      let b;
      try { b = JSON.parse(body.toString() || '{}'); } catch (e) { return fail(res, 400, 'Problems parsing JSON'); }
      if (!b.name || !Array.isArray(b.labels) || !b.labels.length) return fail(res, 422, 'Invalid request: name and labels are required');
      const r = { id: nextRunner++, name: b.name, labels: b.labels, scope, lastSeen: 0, busy: false, ephemeral: true };
      runners.set(r.id, r);
      return send(res, 201, { runner: runnerJson(r), encoded_jit_config: Buffer.from(JSON.stringify({ id: r.id, scope })).toString('base64') });
    }
    if (req.method === 'GET' && rest === '') {
      const per = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
      const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
      const all = [...runners.values()].filter((r) => r.scope === scope);
      const last = Math.max(1, Math.ceil(all.length / per));
      const links = [];
      const base = `${req.headers['x-forwarded-proto'] || 'https'}://${req.headers.host}${req.url.split('?')[0]}`;
      if (page < last) links.push(`<${base}?per_page=${per}&page=${page + 1}>; rel="next"`, `<${base}?per_page=${per}&page=${last}>; rel="last"`);
      return send(res, 200, { total_count: all.length, runners: all.slice((page - 1) * per, page * per).map(runnerJson) }, links.length ? { link: links.join(', ') } : {});
    }
    const idm = /^\/(\d+)$/.exec(rest);
    if (idm) {
      const r = runners.get(Number(idm[1]));
      if (!r || r.scope !== scope) return fail(res, 404, 'Not Found');
      if (req.method === 'GET') return send(res, 200, runnerJson(r));
      if (req.method === 'DELETE') {
        if (r.busy) return fail(res, 422, `Bad request - Runner "${r.name}" is still running a job"`);
        runners.delete(r.id);
        return send(res, 204);
      }
    }
    return fail(res, 404, 'Not Found');
  }

  return {
    handle,
    addJob(label, script) {
      const job = { id: nextJob++, label, script: script || 'true', status: 'queued', conclusion: null, runner: null, output: '' };
      jobs.push(job);
      return job;
    },
    job(id) { return jobs.find((j) => j.id === id) || null; },
    inspect() { return { runners: [...runners.values()].map(runnerJson).map((r, i) => Object.assign(r, { scope: [...runners.values()][i].scope })), jobs }; },
  };
}

module.exports = { createGithub };
