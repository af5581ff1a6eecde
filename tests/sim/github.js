'use strict';
// The GitHub REST simulator: registration/remove tokens, runners (list with
// pagination, get, delete), generate-jitconfig, rate-limit headers and
// faults; GitHub Apps (a JWT checked for real, installation tokens scoped
// to the installation's account and permissions); plus the private
// endpoints the fake runner (runner/) talks to, standing in for the
// runner's own protocol. Served under "" (like api.github.com) or
// "/api/v3" (like Enterprise Server). What is grounded in GitHub's docs and
// what is a guess: docs/local-stack.md.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const DOCS = 'https://docs.github.com/rest';
const LIMIT = 5000;
const DEFAULT_LABELS = ['self-hosted', 'Linux', 'X64'];
const ONLINE_MS = 5000; // a runner not heard from for this long is offline
const DAY_MS = 86400000;
// GitHub's rules for the runner's version (github.com changelog and
// community discussion 194762, "resuming enforcement of version
// requirements"; docs "Self-hosted runner software updates"): registering
// needs at least 2.329.0, and a runner must install each new release within
// 30 days of its publication, else the service gives it no more work.
const RUNNER_FLOOR = '2.329.0';
const RUNNER_WINDOW_MS = 30 * DAY_MS;
// The releases the stack starts with (version, days before the stack's
// start): the newest is what the pool AMI's stand-in runner carries.
const RUNNER_RELEASES = [['2.336.0', 8], ['2.335.0', 37], ['2.334.0', 66], ['2.333.1', 80], ['2.330.0', 150],
  ['2.329.0', 180], ['2.321.0', 380]];
const verParts = (v) => String(v).split('.').map(Number);
// cmpVersion(a, b): <0, 0, >0 as versions MAJOR.MINOR.PATCH compare.
function cmpVersion(a, b) {
  const x = verParts(a), y = verParts(b);
  for (let i = 0; i < 3; i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) < (y[i] || 0) ? -1 : 1;
  return 0;
}
// Rate-limit faults: status, message, extra headers (as functions of the reset time).
const LIMITS = {
  primary: [403, 'API rate limit exceeded for user ID 1.', (reset) => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-used': String(LIMIT), 'x-ratelimit-reset': String(reset) })],
  primary429: [429, 'API rate limit exceeded for user ID 1.', (reset) => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-used': String(LIMIT), 'x-ratelimit-reset': String(reset) })],
  secondary: [429, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', () => ({ 'retry-after': '1' })],
  secondary403: [403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', () => ({ 'retry-after': '1' })],
  // No retry-after and quota left: "Otherwise, wait for at least one minute
  // before retrying" (GitHub, Rate limits for the REST API).
  secondaryNoHint: [403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', () => ({})],
  '5xx': [502, 'Server Error', () => ({})],
};

// dir is unused (the state lives in memory); faults is the stack's Faults
// (optional); clock returns milliseconds (tests move it to expire tokens).
// dir holds the runner release tarballs made from runnerDir (the stand-in).
function createGithub({ log = () => {}, token, clock = Date.now, faults = null, dir = null, runnerDir = null } = {}) {
  const runners = new Map(); // id -> { id, name, labels, scope, lastSeen, busy, ephemeral }
  const tokens = new Map();  // token -> { kind, scope, expires } (kind 'installation': { installation })
  const apps = new Map();    // App id -> { id, clientId, key: public KeyObject }
  const installations = new Map(); // id -> { id, app, account, type, permissions }
  const jobs = [];
  const ownFaults = [];      // set with fault(kind, n) when there is no Faults
  let nextRunner = 1, nextJob = 1;
  let latest = null;         // the latest runner version, when set: runners without --disableupdate update to it
  // actions/runner's releases, newest first: { version, published (ms), prerelease }.
  let releases = RUNNER_RELEASES.map(([version, days]) => ({ version, published: clock() - days * DAY_MS, prerelease: false }));
  let releasesDown = false;  // the release list answers 503 (GitHub unavailable)
  const tarballs = new Map(); // version -> { file, sha }

  // refusal(version): why GitHub gives a runner of this version no work
  // now, or null: below the floor, or a newer release has been out for
  // longer than the window.
  function refusal(v) {
    if (!v) return null;
    const newer = releases.filter((r) => !r.prerelease && cmpVersion(r.version, v) > 0);
    const first = newer.reduce((a, r) => (a && a.published <= r.published ? a : r), null);
    if (cmpVersion(v, RUNNER_FLOOR) >= 0 && !(first && clock() > first.published + RUNNER_WINDOW_MS)) return null;
    return `Runner version v${v} is deprecated and cannot receive messages.`;
  }
  // The stand-in runner as actions/runner's release tarball of version v
  // would hold it (the version in .runner_version), made once.
  function tarball(v) {
    if (tarballs.has(v)) return tarballs.get(v);
    if (!dir || !runnerDir) return null;
    const stage = path.join(dir, 'runner-releases', v);
    fs.rmSync(stage, { recursive: true, force: true });
    fs.cpSync(runnerDir, path.join(stage, 'tree'), { recursive: true });
    fs.writeFileSync(path.join(stage, 'tree', '.runner_version'), `${v}\n`);
    const file = path.join(stage, `actions-runner-linux-${v}.tar.gz`);
    execFileSync('tar', ['-C', path.join(stage, 'tree'), '-czf', file, '.']);
    const t = { file, sha: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
    tarballs.set(v, t);
    for (const arch of ['x64', 'arm64']) assets.set(`actions/runner/v${v}/actions-runner-linux-${arch}-${v}.tar.gz`, file);
    return t;
  }
  // A release as GET /repos/actions/runner/releases answers it, with the
  // text's checksum block as actions/runner's releaseNote.md lays it out.
  function releaseJson(r, i, base) {
    const t = tarball(r.version);
    const sha = (arch) => `- actions-runner-linux-${arch}-${r.version}.tar.gz <!-- BEGIN SHA linux-${arch} -->${t ? t.sha : ''}<!-- END SHA linux-${arch} -->`;
    const at = new Date(r.published).toISOString().replace(/\.\d+Z$/, 'Z');
    return { id: 1000 + i, tag_name: `v${r.version}`, name: `v${r.version}`, draft: false, prerelease: r.prerelease,
      created_at: at, published_at: at, html_url: `https://github.com/actions/runner/releases/tag/v${r.version}`,
      body: `## What's Changed\n* stand-in release\n\n## SHA-256 Checksums\n\n${sha('x64')}\n${sha('arm64')}\n`,
      assets: ['x64', 'arm64'].map((arch, k) => ({ id: 5000 + i * 2 + k, name: `actions-runner-linux-${arch}-${r.version}.tar.gz`,
        browser_download_url: `${base}/actions/runner/releases/download/v${r.version}/actions-runner-linux-${arch}-${r.version}.tar.gz` })) };
  }
  let used = 0;

  // A runner holding a poll (below) is online, as the real listener is
  // while its long poll to the service is open.
  const online = (r) => r.held > 0 || clock() - r.lastSeen < ONLINE_MS;
  const waiters = new Set(); // held polls: { r, answer(status, body) }
  // wake(filter): answers the held polls that now have an answer.
  function wake(id, status, body) {
    for (const w of [...waiters]) {
      if (id !== undefined && w.r.id !== id) continue;
      const a = body !== undefined ? body : pollAnswer(w.r);
      if (a) w.answer(status || 200, a);
    }
  }
  function drop(r) {
    runners.delete(r.id);
    wake(r.id, 404, 'Runner registration has been deleted from the server');
  }
  const runnerJson = (r) => ({ id: r.id, name: r.name, os: 'Linux', status: online(r) ? 'online' : 'offline', busy: r.busy,
    ephemeral: r.ephemeral, runner_group_id: 1,
    labels: r.labels.map((l, i) => ({ id: i + 1, name: l, type: DEFAULT_LABELS.includes(l) ? 'read-only' : 'custom' })) });
  const resetAt = () => Math.floor(clock() / 1000) + 3600;

  // What a poll answers now: busy, an update, or a job (taken), else null.
  function pollAnswer(r) {
    if (r.busy) return 'busy\n';
    // Without --disableupdate, a runner older than the latest is told to update.
    if (latest && r.version && r.version !== latest && !r.disableUpdate) return `update ${latest}\n`;
    // Labels match ignoring case, as GitHub documents.
    const job = jobs.find((j) => j.status === 'queued' && r.labels.some((l) => l.toLowerCase() === String(j.label).toLowerCase()));
    if (!job) return null;
    job.status = 'in_progress';
    job.runner = r.name;
    r.busy = true;
    return `job ${job.id}\n${job.script}`;
  }

  function send(res, status, body, extra) {
    used = Math.min(LIMIT, used + 1);
    const h = Object.assign({ 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': String(LIMIT),
      'x-ratelimit-remaining': String(LIMIT - used), 'x-ratelimit-reset': String(resetAt()),
      'x-ratelimit-used': String(used), 'x-ratelimit-resource': 'core', 'x-github-request-id': crypto.randomUUID() }, extra || {});
    res.writeHead(status, h);
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
  const fail = (res, status, message, extra) => send(res, status, { message, documentation_url: DOCS }, extra);
  const text = (res, status, body) => { res.writeHead(status, { 'content-type': 'text/plain' }); res.end(body); };

  function issue(kind, scope) {
    const t = 'A' + crypto.randomBytes(14).toString('hex').toUpperCase();
    const expires = clock() + 3600 * 1000;
    tokens.set(t, { kind, scope, expires });
    return { token: t, expires_at: new Date(expires).toISOString().replace(/\.\d+Z$/, 'Z') };
  }
  // A token is good for one purpose (registration or removal), one scope,
  // and one hour; within that it may be used many times, as on GitHub.
  function validToken(t, kind) {
    const v = tokens.get(t);
    return v && v.kind === kind && v.expires > clock() ? v : null;
  }
  const form = (body) => Object.fromEntries(new URLSearchParams((body || '').toString()));
  // https://github.com/OWNER/REPO -> OWNER/REPO; https://github.com/ORG -> ORG.
  const urlScope = (u) => { try { return new URL(u).pathname.replace(/^\/+|\/+$/g, ''); } catch (e) { return null; } };
  const nameTaken = (name, scope) => [...runners.values()].find((r) => r.name === name && r.scope === scope);

  function register(name, labels, scope, opts) {
    const r = Object.assign({ id: nextRunner++, name, labels, scope, lastSeen: 0, busy: false,
      ephemeral: false, disableUpdate: false, version: null, key: null }, opts);
    runners.set(r.id, r);
    return r;
  }

  // The fake runner's private protocol (form posts, plain text answers, so
  // that sh + curl can use it).
  function runnerProtocol(req, res, p, body) {
    const f = form(body);
    if (p === '/_sim/register') {
      const t = validToken(f.token, 'registration');
      if (!t) return text(res, 401, 'Invalid registration token (unknown, expired or not a registration token)');
      if (f.url !== undefined && urlScope(f.url) !== t.scope) return text(res, 404, `The token is not for ${f.url}`);
      if (!f.name) return text(res, 400, 'A runner name is required');
      // "Runner names can only be 64 characters in length" (actions/runner#1710).
      if (f.name.length > 64) return text(res, 400, `Runner name must be 64 characters or fewer: ${f.name}`);
      // One runner group here, "Default"; the runner matches group names ignoring case.
      if (f.group !== undefined && f.group.toLowerCase() !== 'default') {
        return text(res, 404, `Could not find any self-hosted runner group named "${f.group}".`);
      }
      if (faults && faults.rejectRegistration(f.name)) return text(res, 403, 'Registration refused (fault)');
      const labels = (f.labels || '').split(',').filter(Boolean);
      if (!labels.length) return text(res, 400, 'A runner needs at least one label');
      if (labels.some((l) => l.length > 256)) return text(res, 400, 'A label is longer than 256 characters');
      // Below the floor the service refuses the registration itself.
      if (f.version && cmpVersion(f.version, RUNNER_FLOOR) < 0) {
        return text(res, 403, `Runner version v${f.version} is not supported. Please upgrade to v${RUNNER_FLOOR} or later.`);
      }
      const existing = nameTaken(f.name, t.scope);
      if (existing && f.replace !== '1') return text(res, 409, `A runner exists with the same name ${f.name}.`);
      const opts = { ephemeral: f.ephemeral === '1', disableUpdate: f.disableUpdate === '1', version: f.version || null, key: f.key || null };
      if (existing) {
        // --replace updates the existing runner (ConfigurationManager.cs,
        // UpdateExistingAgent): same id, new labels, new key; the old
        // key no longer works.
        Object.assign(existing, { labels }, opts);
        // A poll held with the old key ends as the old key's next would.
        wake(existing.id, 401, 'The runner\'s credentials were replaced');
        log({ service: 'github', action: 'RunnerReplace', status: 200, detail: `${existing.name} ${labels.join(',')}` });
        return text(res, 200, `${existing.id} replaced\n`);
      }
      const r = register(f.name, labels, t.scope, opts);
      log({ service: 'github', action: 'RunnerRegister', status: 200, detail: `${r.name} ${labels.join(',')}` });
      return text(res, 200, `${r.id}\n`);
    }
    if (p === '/_sim/remove') {
      const t = validToken(f.token, 'remove');
      if (!t) return text(res, 401, 'Invalid remove token (unknown, expired or not a remove token)');
      // As the runner removes (ConfigurationManager.UnconfigureAsync): look
      // the name up in the token's scope; none: nothing to do; else delete
      // the registration by its id.
      const r = runners.get(Number(f.id));
      if (r && r.scope !== t.scope) return text(res, 404, 'The token is not for this runner\'s scope');
      if (f.name !== undefined && !nameTaken(f.name, t.scope)) return text(res, 200, 'does not exist\n');
      if (!r) return text(res, 404, `No runner with id ${f.id}`);
      drop(r);
      log({ service: 'github', action: 'RunnerRemove', status: 200, detail: String(f.id) });
      return text(res, 200, 'removed\n');
    }
    const r = runners.get(Number(f.id));
    if (!r) return text(res, 404, 'Runner registration has been deleted from the server');
    // A replaced registration's old key is refused, as the real service
    // refuses the old RSA key's tokens.
    if (r.key && f.key !== r.key) return text(res, 401, 'The runner\'s credentials were replaced');
    if (p === '/_sim/poll') {
      r.lastSeen = clock();
      if (f.version) r.version = f.version;
      // A version past GitHub's window gets no message, only the broker's
      // RunnerVersionTooOld error (actions/runner BrokerHttpClient.cs).
      const no = refusal(r.version);
      if (no) return text(res, 403, `RunnerVersionTooOld ${no}\n`);
      const a = pollAnswer(r);
      if (a || !(Number(f.wait) > 0)) return text(res, 200, a || 'idle\n');
      // wait=SEC: a long poll, as the real listener's GetMessage is
      // (actions/runner MessageListener.cs: it asks again at once when the
      // service answers with no message; RunnerServer.cs gives that
      // connection 60 s): held until there is an answer, the runner is
      // deleted or goes offline, or SEC (at most 50) pass.
      const w = { r };
      const end = () => { clearTimeout(w.timer); waiters.delete(w); r.held--; r.lastSeen = clock(); };
      w.answer = (status, body) => { end(); text(res, status, body); };
      w.timer = setTimeout(() => w.answer(200, 'idle\n'), Math.min(Number(f.wait), 50) * 1000);
      res.on('close', () => { if (waiters.has(w)) end(); });
      r.held = (r.held || 0) + 1;
      waiters.add(w);
      return undefined;
    }
    if (p === '/_sim/done') {
      const job = jobs.find((j) => j.id === Number(f.job) && j.runner === r.name && j.status === 'in_progress');
      if (!job) return text(res, 404, 'No such job in progress on this runner');
      job.status = 'completed';
      job.conclusion = ['success', 'failure', 'cancelled'].includes(f.conclusion) ? f.conclusion : 'failure';
      job.output = f.output || '';
      r.busy = false;
      r.lastSeen = clock();
      if (r.ephemeral) drop(r); // an ephemeral runner takes one job, then is gone
      return text(res, 200, 'ok\n');
    }
    if (p === '/_sim/offline') { wake(r.id, 200, 'idle\n'); r.lastSeen = 0; return text(res, 200, 'ok\n'); }
    return text(res, 404, 'Not Found');
  }

  // A GitHub App's JWT (RS256, RFC 7515/7518), checked as GitHub documents
  // it: signed with the App's key, iss its client id or id, exp at most ten
  // minutes ahead and not past. Returns the App, or a refusal message (the
  // messages are GitHub's as seen in issue threads: docs/local-stack.md).
  const UNDECODABLE = 'A JSON web token could not be decoded';
  function checkJwt(jwt) {
    const parts = jwt.split('.');
    if (parts.length !== 3) return { error: UNDECODABLE };
    let header, claims;
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    } catch (e) { return { error: UNDECODABLE }; }
    if (!header || header.alg !== 'RS256' || !claims || typeof claims !== 'object') return { error: UNDECODABLE };
    const app = [...apps.values()].find((a) => String(claims.iss) === String(a.id) || (a.clientId && claims.iss === a.clientId));
    if (!app) return { error: UNDECODABLE };
    const ok = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), app.key, Buffer.from(parts[2], 'base64url'));
    if (!ok) return { error: UNDECODABLE };
    const now = Math.floor(clock() / 1000);
    if (!Number.isInteger(claims.exp) || claims.exp <= now) {
      return { error: '\'Expiration time\' claim (\'exp\') must be a numeric value representing the future time at which the assertion expires' };
    }
    if (claims.exp > now + 600) return { error: '\'Expiration time\' claim (\'exp\') is too far in the future' };
    if (!Number.isInteger(claims.iat) || claims.iat > now + 60) {
      return { error: '\'Issued at\' claim (\'iat\') must be an Integer representing the time that the assertion was issued' };
    }
    return { app };
  }

  // POST /app/installations/{id}/access_tokens, authenticated by the JWT.
  function accessToken(req, res, p, auth) {
    const m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(p);
    if (!m || req.method !== 'POST') return fail(res, 404, 'Not Found');
    const j = checkJwt(auth || '');
    if (j.error) return fail(res, 401, j.error);
    const inst = installations.get(Number(m[1]));
    if (!inst || inst.app !== j.app.id) return fail(res, 404, 'Not Found');
    const t = 'ghs_' + crypto.randomBytes(18).toString('hex');
    const expires = clock() + 3600 * 1000;
    tokens.set(t, { kind: 'installation', installation: inst, expires });
    return send(res, 201, { token: t, expires_at: new Date(expires).toISOString().replace(/\.\d+Z$/, 'Z'),
      permissions: inst.permissions, repository_selection: 'all' });
  }

  // What an installation token may do on a scope's runners: the
  // installation's own account, and the permission the endpoint documents
  // (repository: administration; organisation: organization_self_hosted_runners;
  // read for GET, write otherwise). null if allowed, else [status, message].
  function installationRefusal(inst, kind, owner, method) {
    if (owner.toLowerCase() !== inst.account.toLowerCase() || (kind === 'orgs' && inst.type !== 'Organization')) return [404, 'Not Found'];
    const have = inst.permissions[kind === 'orgs' ? 'organization_self_hosted_runners' : 'administration'];
    const need = method === 'GET' ? ['read', 'write'] : ['write'];
    // GitHub names the permission an endpoint needs in X-Accepted-GitHub-Permissions
    // (REST API troubleshooting docs); its exact value format here is our reading.
    return need.includes(have) ? null : [403, 'Resource not accessible by integration',
      { 'x-accepted-github-permissions': `${kind === 'orgs' ? 'organization_self_hosted_runners' : 'administration'}=${method === 'GET' ? 'read' : 'write'}` }];
  }

  // GET /repos/actions/runner/releases (GitHub REST docs, "List
  // releases"): newest first, per_page (at most 100) and page, a Link
  // header; public, so no token is needed.
  function runnerReleases(req, res, url) {
    if (releasesDown) return fail(res, 503, 'Service Unavailable');
    const per = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
    const page = Math.max(1, Math.floor(Number(url.searchParams.get('page'))) || 1);
    const sorted = [...releases].sort((a, b) => b.published - a.published);
    const host = `${req.socket && req.socket.encrypted ? 'https' : 'http'}://${req.headers.host}`;
    const list = sorted.slice((page - 1) * per, page * per).map((r, i) => releaseJson(r, (page - 1) * per + i, host));
    const extra = page * per < sorted.length ? { link: `<${host}${url.pathname}?per_page=${per}&page=${page + 1}>; rel="next"` } : {};
    return send(res, 200, list, extra);
  }

  function api(req, res, p, url, body) {
    const m = /^(?:Bearer|token) +(\S+)$/i.exec(req.headers.authorization || '');
    if (p.startsWith('/app/')) return accessToken(req, res, p, m && m[1]);
    const it = m && tokens.get(m[1]);
    const inst = it && it.kind === 'installation' && it.expires > clock() ? it.installation : null;
    if (!m || (m[1] !== token && !inst)) return fail(res, 401, 'Bad credentials');
    const lf = ownFaults.shift() || (faults && faults.githubLimit());
    if (lf && LIMITS[lf]) { const [st, msg, hdr] = LIMITS[lf]; return fail(res, st, msg, hdr(Math.floor(clock() / 1000) + 1)); }
    const sm = /^\/(repos\/[^/]+\/[^/]+|orgs\/[^/]+)\/actions\/runners(\/.*)?$/.exec(p);
    if (!sm) return fail(res, 404, 'Not Found');
    const scope = sm[1].replace(/^repos\/|^orgs\//, '');
    const rest = sm[2] || '';
    if (inst) {
      const no = installationRefusal(inst, sm[1].startsWith('orgs/') ? 'orgs' : 'repos', scope.split('/')[0], req.method);
      if (no) return fail(res, no[0], no[1], no[2]);
    }
    if (rest === '/registration-token' || rest === '/remove-token') {
      if (req.method !== 'POST') return fail(res, 404, 'Not Found');
      return send(res, 201, issue(rest === '/registration-token' ? 'registration' : 'remove', scope));
    }
    if (rest === '/generate-jitconfig') {
      if (req.method !== 'POST') return fail(res, 404, 'Not Found');
      let b;
      try { b = JSON.parse(body.toString() || '{}'); } catch (e) { return fail(res, 400, 'Problems parsing JSON'); }
      for (const k of ['name', 'runner_group_id', 'labels']) {
        if (b[k] === undefined) return fail(res, 422, `Invalid input: object is missing required key: ${k}`);
      }
      if (typeof b.name !== 'string' || !b.name) return fail(res, 422, 'Invalid input: name must be a non-empty string');
      if (!Number.isInteger(b.runner_group_id)) return fail(res, 422, 'Invalid input: runner_group_id must be an integer');
      if (!Array.isArray(b.labels) || !b.labels.length || b.labels.length > 100 || b.labels.some((l) => typeof l !== 'string' || !l)) {
        return fail(res, 422, 'Invalid input: labels must be 1 to 100 non-empty strings');
      }
      if (b.runner_group_id !== 1) return fail(res, 404, 'Not Found');
      if (nameTaken(b.name, scope)) return fail(res, 409, `Already exists - A runner with the name ${b.name} already exists.`);
      const r = register(b.name, b.labels, scope, { ephemeral: true, key: crypto.randomBytes(16).toString('hex') });
      const jit = Buffer.from(JSON.stringify({ agentId: r.id, agentName: r.name, scope, key: r.key })).toString('base64');
      return send(res, 201, { runner: runnerJson(r), encoded_jit_config: jit });
    }
    if (rest === '') {
      if (req.method !== 'GET') return fail(res, 404, 'Not Found');
      const per = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
      const page = Math.max(1, Math.floor(Number(url.searchParams.get('page'))) || 1);
      const all = [...runners.values()].filter((r) => r.scope === scope);
      const last = Math.max(1, Math.ceil(all.length / per));
      const base = `${req.headers['x-forwarded-proto'] || (req.socket && req.socket.encrypted ? 'https' : 'http')}://${req.headers.host}${url.pathname}`;
      const links = [];
      if (page < last) links.push(`<${base}?per_page=${per}&page=${page + 1}>; rel="next"`, `<${base}?per_page=${per}&page=${last}>; rel="last"`);
      if (page > 1) links.push(`<${base}?per_page=${per}&page=${page - 1}>; rel="prev"`, `<${base}?per_page=${per}&page=1>; rel="first"`);
      const body = { total_count: all.length, runners: all.slice((page - 1) * per, page * per).map(runnerJson) };
      return send(res, 200, body, links.length ? { link: links.join(', ') } : {});
    }
    const idm = /^\/(\d+)$/.exec(rest);
    if (!idm) return fail(res, 404, 'Not Found');
    const r = runners.get(Number(idm[1]));
    if (!r || r.scope !== scope) return fail(res, 404, 'Not Found');
    if (req.method === 'GET') return send(res, 200, runnerJson(r));
    if (req.method === 'DELETE') {
      if (r.busy) return fail(res, 422, `Bad request - Runner "${r.name}" is still running a job.`);
      drop(r);
      return send(res, 204);
    }
    return fail(res, 404, 'Not Found');
  }

  // Release assets, as github.com serves them: a release's
  // browser_download_url (GitHub REST docs, "Release assets") answers 302
  // to GitHub's object store, which answers the bytes (curl -L follows).
  // The object host here is the same server; GitHub's is
  // release-assets.githubusercontent.com (seen, not documented).
  const assets = new Map(); // 'owner/repo/tag/name' -> file path
  function release(req, res, p) {
    const m = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(p);
    const o = /^\/_objects\/(.+)$/.exec(p);
    const key = m ? m.slice(1).map(decodeURIComponent).join('/') : o ? Buffer.from(o[1], 'base64url').toString() : '';
    const file = assets.get(key);
    res.on('finish', () => log({ service: 'github', action: `${req.method} ${m ? 'release-download' : 'release-object'}`, status: res.statusCode }));
    if (!file || req.method !== 'GET') { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('Not Found'); return; }
    if (m) {
      res.writeHead(302, { location: `https://${req.headers.host}/_objects/${Buffer.from(key).toString('base64url')}` });
      res.end();
      return;
    }
    const data = fs.readFileSync(file);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    res.end(data);
  }

  function handle(req, res, body) {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
    if (p.startsWith('/_sim/')) return runnerProtocol(req, res, p, body);
    if (/^\/[^/]+\/[^/]+\/releases\/download\//.test(p) || p.startsWith('/_objects/')) return release(req, res, p);
    res.on('finish', () => log({ service: 'github', action: `${req.method} ${p}`, status: res.statusCode }));
    if (req.method === 'GET' && p === '/repos/actions/runner/releases') return runnerReleases(req, res, url);
    return api(req, res, p, url, body);
  }

  return {
    handle,
    addJob(label, script) {
      const job = { id: nextJob++, label, script: script || 'true', status: 'queued', conclusion: null, runner: null, output: '' };
      jobs.push(job);
      wake();
      return job;
    },
    job(id) { return jobs.find((j) => j.id === id) || null; },
    // A release asset (repo 'owner/name', tag, asset name) served from a file.
    addAsset(repo, tag, name, file) { assets.set(`${repo}/${tag}/${name}`, file); },
    inspect() {
      return { runners: [...runners.values()].map((r) => Object.assign(runnerJson(r), { scope: r.scope, disableUpdate: r.disableUpdate, version: r.version })), jobs };
    },
    // A GitHub App: id (a number), clientId, its public key (PEM, or a file
    // holding it), and installations [{ id, account, type: 'Organization'
    // or 'User', permissions: { administration, organization_self_hosted_runners } }].
    addApp({ id, clientId, publicKey, publicKeyFile, installations: list = [] }) {
      if (!Number.isInteger(id) || id < 1) throw new Error('an App needs a numeric id');
      const key = crypto.createPublicKey(publicKey || fs.readFileSync(publicKeyFile));
      apps.set(id, { id, clientId: clientId || null, key });
      for (const i of list) {
        installations.set(Number(i.id), { id: Number(i.id), app: id, account: String(i.account),
          type: i.type === 'User' ? 'User' : 'Organization', permissions: Object.assign({}, i.permissions) });
      }
      return { id, clientId: clientId || null, installations: list.map((i) => Number(i.id)) };
    },
    // actions/runner's releases: [{ version, daysAgo | published (epoch
    // s), prerelease }]; down: the list answers 503. Held polls of runners
    // now past the window end with the refusal.
    setRunnerReleases(list, down) {
      if (Array.isArray(list)) {
        releases = list.map((r) => ({ version: String(r.version), prerelease: !!r.prerelease,
          published: r.published !== undefined ? Number(r.published) * 1000 : clock() - Number(r.daysAgo || 0) * DAY_MS }));
      }
      if (down !== undefined) releasesDown = !!down;
      for (const w of [...waiters]) {
        const no = refusal(w.r.version);
        if (no) w.answer(403, `RunnerVersionTooOld ${no}\n`);
      }
      return { releases: releases.map((r) => Object.assign({}, r, { refused: refusal(r.version) })), down: releasesDown };
    },
    // The newest release (what the pool AMI's stand-in carries).
    latestRunnerVersion() { return [...releases].filter((r) => !r.prerelease).sort((a, b) => b.published - a.published)[0].version; },
    // A newer runner release: runners registered without --disableupdate are told to update.
    setLatestRunnerVersion(v) { latest = v || null; wake(); },
    // The next n API calls answer with a rate-limit fault (a key of LIMITS).
    fault(kind, n = 1) {
      if (!LIMITS[kind]) throw new Error(`unknown GitHub fault ${kind}`);
      for (let i = 0; i < n; i++) ownFaults.push(kind);
    },
    close() { runners.clear(); tokens.clear(); apps.clear(); installations.clear(); },
  };
}

module.exports = { createGithub, LIMITS, cmpVersion };
