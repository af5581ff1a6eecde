'use strict';
// The GitHub simulator (github.js) on its own listener, and the fake runner
// (runner/config.sh, runner/run.sh) against it. Plain http for most tests,
// https with a throwaway CA for one.
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const http = require('http');
const https = require('https');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile, execFileSync, spawn } = require('child_process');
const { createGithub } = require('../github');
const { Faults } = require('../faults');

const TOKEN = 'ghp_testtoken0000000000000000000000000000';
const RUNNER_SRC = path.join(__dirname, '..', 'runner');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-test-'));
const children = new Set(); // every run.sh started, killed at the end if still there
const servers = [];

test.after(() => {
  for (const c of children) { try { process.kill(-c.pid, 'SIGKILL'); } catch (e) { /* gone */ } }
  for (const s of servers) s.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// A simulator on a free loopback port. skew moves its clock (ms).
async function start({ tls, faults } = {}) {
  const calls = [];
  const t = { skew: 0 };
  const gh = createGithub({ dir: tmp, log: (c) => calls.push(c), token: TOKEN, clock: () => Date.now() + t.skew, faults });
  const onReq = (req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => gh.handle(req, res, Buffer.concat(chunks)));
  };
  const server = tls ? https.createServer(tls, onReq) : http.createServer(onReq);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const url = `${tls ? 'https' : 'http'}://${tls ? 'localhost' : '127.0.0.1'}:${server.address().port}`;
  // The real runner refuses to run as root without RUNNER_ALLOW_RUNASROOT
  // (these tests may run as root); the tests of that rule leave it out.
  return Object.assign(t, { gh, calls, url, env: { GITHUB_API_URL: url, RUNNER_ALLOW_RUNASROOT: '1' } });
}

function request(url, { method = 'GET', token = TOKEN, auth, body, headers = {}, ca } = {}) {
  const u = new URL(url);
  const h = Object.assign({}, headers);
  if (auth !== undefined) { if (auth) h.authorization = auth; } else if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined && typeof body !== 'string') { body = JSON.stringify(body); h['content-type'] = 'application/json'; }
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const r = mod.request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: h, ca }, (res) => {
      const c = [];
      res.on('data', (d) => c.push(d));
      res.on('end', () => {
        const text = Buffer.concat(c).toString();
        let json = null;
        try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}
const form = (o) => new URLSearchParams(o).toString();

// A fresh copy of the fake runner folder.
let nFolder = 0;
function folder() {
  const d = path.join(tmp, `runner${++nFolder}`);
  fs.cpSync(RUNNER_SRC, d, { recursive: true });
  return d;
}
// as(uid, file, args): the command that runs file as that uid (setpriv,
// no supplementary groups); as root only.
const as = (uid, file, args) => (uid === undefined ? [file, args] : ['setpriv', ['--reuid', String(uid), '--regid', String(uid), '--clear-groups', file, ...args]]);
// Runs a script to its end (never execFileSync: the simulator lives in this
// process and must keep answering); uid: as that user.
function run(dir, script, args, env, uid) {
  const [file, argv] = as(uid, path.join(dir, script), args);
  return new Promise((resolve) => {
    execFile(file, argv, { env: Object.assign({ PATH: process.env.PATH }, env), timeout: 20000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}
// Starts run.sh in its own process group; resolves on its exit.
function startRunner(dir, env, args = [], uid) {
  const [file, argv] = as(uid, path.join(dir, 'run.sh'), args);
  const c = spawn(file, argv, { env: Object.assign({ PATH: process.env.PATH }, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(c);
  c.out = '';
  c.stdout.on('data', (d) => { c.out += d; });
  c.stderr.on('data', (d) => { c.out += d; });
  c.exited = new Promise((r) => c.on('exit', (code, signal) => { children.delete(c); r({ code, signal }); }));
  return c;
}
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
const within = (p, ms, what) => Promise.race([p, sleep(ms).then(() => { throw new Error(`${what}: not within ${ms} ms`); })]);
// Running, not a zombie (a zombie's parent may be a PID 1 that never reaps).
function alive(pid) {
  try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch (e) { return false; }
}
const runnerNamed = (s, name) => s.gh.inspect().runners.find((r) => r.name === name);
async function regToken(s, scope = 'repos/octo/app', kind = 'registration-token') {
  const r = await request(`${s.url}/${scope}/actions/runners/${kind}`, { method: 'POST' });
  assert.strictEqual(r.status, 201, r.text);
  return r.json.token;
}
// Configures a fresh folder; returns it.
async function configured(s, name, labels, extra = []) {
  const dir = folder();
  const token = await regToken(s);
  const r = await run(dir, 'config.sh', ['--url', 'https://github.com/octo/app', '--token', token, '--name', name,
    '--labels', labels, '--unattended', ...extra], s.env);
  assert.strictEqual(r.code, 0, r.stderr);
  return dir;
}

test('auth: Bearer and token schemes; missing or wrong token is 401 Bad credentials', async () => {
  const s = await start();
  const p = `${s.url}/repos/octo/app/actions/runners`;
  for (const auth of ['', `Bearer nope`, `token nope`, `Basic ${Buffer.from('x:' + TOKEN).toString('base64')}`, `Bearer ${TOKEN} extra`]) {
    const r = await request(p, { auth });
    assert.strictEqual(r.status, 401, `auth "${auth}"`);
    assert.strictEqual(r.json.message, 'Bad credentials');
    assert.match(r.json.documentation_url, /^https:\/\/docs\.github\.com\//);
  }
  assert.strictEqual((await request(p, { auth: `token ${TOKEN}` })).status, 200);
  const ok = await request(p);
  assert.strictEqual(ok.status, 200);
  assert.match(ok.headers['content-type'], /^application\/json/);
  assert.deepStrictEqual(ok.json, { total_count: 0, runners: [] });
  assert.ok(s.calls.some((c) => c.service === 'github' && c.status === 401), 'a refused call is logged too');
  assert.ok(s.calls.some((c) => c.action === 'GET /repos/octo/app/actions/runners' && c.status === 200));
});

test('rate-limit headers on every answer; remaining goes down', async () => {
  const s = await start();
  const a = await request(`${s.url}/repos/octo/app/actions/runners`);
  const b = await request(`${s.url}/nowhere`);
  const c = await request(`${s.url}/repos/octo/app/actions/runners`, { token: 'bad' });
  for (const r of [a, b, c]) {
    assert.strictEqual(r.headers['x-ratelimit-limit'], '5000');
    assert.strictEqual(r.headers['x-ratelimit-resource'], 'core');
    assert.ok(Number(r.headers['x-ratelimit-reset']) > Date.now() / 1000);
    assert.strictEqual(Number(r.headers['x-ratelimit-remaining']) + Number(r.headers['x-ratelimit-used']), 5000);
  }
  assert.strictEqual(b.status, 404);
  assert.strictEqual(b.json.message, 'Not Found');
  assert.strictEqual(Number(a.headers['x-ratelimit-remaining']) - Number(b.headers['x-ratelimit-remaining']), 1);
});

test('registration and remove tokens: repository and organisation scope, /api/v3 prefix, one hour', async () => {
  const s = await start();
  for (const p of ['/repos/octo/app', '/orgs/octo', '/api/v3/repos/octo/app', '/api/v3/orgs/octo']) {
    for (const kind of ['registration-token', 'remove-token']) {
      const before = Date.now();
      const r = await request(`${s.url}${p}/actions/runners/${kind}`, { method: 'POST' });
      assert.strictEqual(r.status, 201, `${p} ${kind}`);
      assert.deepStrictEqual(Object.keys(r.json).sort(), ['expires_at', 'token']);
      assert.match(r.json.token, /^[A-Z0-9]{20,}$/);
      assert.match(r.json.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const ahead = Date.parse(r.json.expires_at) - before;
      assert.ok(ahead > 3590e3 && ahead <= 3601e3, `expires one hour ahead, not ${ahead} ms`);
    }
  }
  assert.strictEqual((await request(`${s.url}/repos/octo/app/actions/runners/registration-token`)).status, 404, 'GET is not a route');
  assert.strictEqual((await request(`${s.url}/repos/octo/actions/runners/registration-token`, { method: 'POST' })).status, 404, 'a repo needs an owner');
  assert.strictEqual((await request(`${s.url}/users/octo/actions/runners/registration-token`, { method: 'POST' })).status, 404);
});

test('registration tokens: single purpose, one scope, expire', async () => {
  const s = await start();
  const reg = await regToken(s);
  const rem = await regToken(s, 'repos/octo/app', 'remove-token');
  const register = (token, name, extra = {}) => request(`${s.url}/_sim/register`, { method: 'POST', token: null,
    body: form(Object.assign({ token, name, labels: 'a,b' }, extra)) });
  assert.strictEqual((await register(rem, 'r1')).status, 401, 'a remove token does not register');
  assert.strictEqual((await register('ANYTHING', 'r1')).status, 401);
  assert.strictEqual((await register(reg, 'r1', { url: 'https://github.com/octo/other' })).status, 404, 'token for another repo');
  assert.strictEqual((await register(reg, '')).status, 400, 'a name is needed');
  assert.strictEqual((await register(reg, 'r1', { labels: '' })).status, 400, 'a label is needed');
  const ok = await register(reg, 'r1', { url: 'https://github.com/octo/app' });
  assert.strictEqual(ok.status, 200, ok.text);
  const id = Number(ok.text);
  assert.ok(id > 0);
  assert.strictEqual((await register(reg, 'r2')).status, 200, 'usable again within the hour');
  // Removal: only with a remove token of the same scope.
  const remove = (token) => request(`${s.url}/_sim/remove`, { method: 'POST', token: null, body: form({ token, id }) });
  assert.strictEqual((await remove(reg)).status, 401, 'a registration token does not remove');
  const orgRem = await regToken(s, 'orgs/octo', 'remove-token');
  assert.strictEqual((await remove(orgRem)).status, 404, 'the org token is not for a repository runner');
  assert.ok(runnerNamed(s, 'r1'), 'still there');
  assert.strictEqual((await remove(rem)).status, 200);
  assert.strictEqual(runnerNamed(s, 'r1'), undefined);
  // An hour later both tokens are dead.
  s.skew = 3601e3;
  assert.strictEqual((await register(reg, 'r3')).status, 401, 'expired');
  assert.strictEqual((await remove(rem)).status, 401, 'expired');
});

test('list runners: scope, shape, pagination with Link', async () => {
  const s = await start();
  const reg = await regToken(s);
  for (let i = 1; i <= 5; i++) {
    const r = await request(`${s.url}/_sim/register`, { method: 'POST', token: null, body: form({ token: reg, name: `p${i}`, labels: 'self-hosted,Linux,X64,42' }) });
    assert.strictEqual(r.status, 200);
  }
  const orgReg = await regToken(s, 'orgs/octo');
  await request(`${s.url}/_sim/register`, { method: 'POST', token: null, body: form({ token: orgReg, name: 'o1', labels: 'x' }) });

  const list = (q, prefix = '') => request(`${s.url}${prefix}/repos/octo/app/actions/runners${q}`);
  const all = await list('');
  assert.strictEqual(all.json.total_count, 5);
  assert.deepStrictEqual(all.json.runners.map((r) => r.name), ['p1', 'p2', 'p3', 'p4', 'p5']);
  assert.strictEqual(all.headers.link, undefined, 'one page: no Link');
  const one = all.json.runners[0];
  assert.deepStrictEqual(Object.keys(one).sort(), ['busy', 'ephemeral', 'id', 'labels', 'name', 'os', 'runner_group_id', 'status']);
  assert.strictEqual(one.status, 'offline', 'never polled: offline');
  assert.strictEqual(one.busy, false);
  assert.deepStrictEqual(one.labels.map((l) => [l.name, l.type]),
    [['self-hosted', 'read-only'], ['Linux', 'read-only'], ['X64', 'read-only'], ['42', 'custom']]);
  assert.ok(one.labels.every((l) => Number.isInteger(l.id)));

  const p1 = await list('?per_page=2', '/api/v3');
  assert.strictEqual(p1.json.total_count, 5);
  assert.deepStrictEqual(p1.json.runners.map((r) => r.name), ['p1', 'p2']);
  assert.match(p1.headers.link, new RegExp(`<${s.url}/api/v3/repos/octo/app/actions/runners\\?per_page=2&page=2>; rel="next"`));
  assert.match(p1.headers.link, /[?&]page=3>; rel="last"/);
  assert.doesNotMatch(p1.headers.link, /rel="prev"/);
  const p3 = await list('?per_page=2&page=3');
  assert.deepStrictEqual(p3.json.runners.map((r) => r.name), ['p5']);
  assert.doesNotMatch(p3.headers.link, /rel="next"/);
  assert.match(p3.headers.link, /page=2>; rel="prev"/);
  const past = await list('?per_page=2&page=9');
  assert.deepStrictEqual(past.json.runners, [], 'past the end: empty page');
  assert.strictEqual(past.json.total_count, 5);
  assert.strictEqual((await list('?per_page=500')).json.runners.length, 5, 'per_page is capped, not refused');

  const org = await request(`${s.url}/orgs/octo/actions/runners`);
  assert.deepStrictEqual(org.json.runners.map((r) => r.name), ['o1'], 'the org sees only its own runners');
});

test('get and delete a runner; 422 while it runs a job', async () => {
  const s = await start();
  const reg = await regToken(s);
  const id = Number((await request(`${s.url}/_sim/register`, { method: 'POST', token: null, body: form({ token: reg, name: 'd1', labels: 'l1' }) })).text);
  const p = `${s.url}/repos/octo/app/actions/runners/${id}`;
  const got = await request(p);
  assert.strictEqual(got.status, 200);
  assert.strictEqual(got.json.id, id);
  assert.strictEqual(got.json.name, 'd1');
  assert.strictEqual((await request(`${s.url}/orgs/octo/actions/runners/${id}`)).status, 404, 'not in the org scope');
  assert.strictEqual((await request(`${s.url}/repos/octo/app/actions/runners/99999`)).status, 404);
  assert.strictEqual((await request(`${s.url}/repos/octo/app/actions/runners/abc`)).status, 404);

  // Busy: it picked a job up.
  const job = s.gh.addJob('l1', 'true');
  const poll = await request(`${s.url}/_sim/poll`, { method: 'POST', token: null, body: form({ id }) });
  assert.match(poll.text, new RegExp(`^job ${job.id}\n`));
  assert.strictEqual((await request(p)).json.status, 'online', 'a poll is a heartbeat');
  assert.strictEqual((await request(p)).json.busy, true);
  const busy = await request(p, { method: 'DELETE' });
  assert.strictEqual(busy.status, 422);
  assert.match(busy.json.message, /still running a job/);
  assert.strictEqual(s.gh.job(job.id).status, 'in_progress');
  const done = await request(`${s.url}/_sim/done`, { method: 'POST', token: null, body: form({ id, job: job.id, conclusion: 'success', output: 'hi' }) });
  assert.strictEqual(done.status, 200);
  assert.deepStrictEqual([s.gh.job(job.id).status, s.gh.job(job.id).conclusion, s.gh.job(job.id).runner], ['completed', 'success', 'd1']);
  const again = await request(`${s.url}/_sim/done`, { method: 'POST', token: null, body: form({ id, job: job.id, conclusion: 'failure' }) });
  assert.strictEqual(again.status, 404, 'a completed job is not completed twice');
  assert.strictEqual(s.gh.job(job.id).conclusion, 'success');

  s.skew = 6000;
  assert.strictEqual((await request(p)).json.status, 'offline', 'offline after a few seconds without a heartbeat');
  const del = await request(p, { method: 'DELETE' });
  assert.strictEqual(del.status, 204);
  assert.strictEqual(del.text, '');
  assert.strictEqual((await request(p)).status, 404);
  assert.strictEqual((await request(p, { method: 'DELETE' })).status, 404, 'deleted twice: 404');
});

test('generate-jitconfig: 201 with a runner and a config; 422, 409, 404, 400', async () => {
  const s = await start();
  const p = `${s.url}/orgs/octo/actions/runners/generate-jitconfig`;
  const r = await request(p, { method: 'POST', body: { name: 'jit1', runner_group_id: 1, labels: ['42', 'pool'], work_folder: '_work' } });
  assert.strictEqual(r.status, 201, r.text);
  assert.strictEqual(r.json.runner.name, 'jit1');
  assert.strictEqual(r.json.runner.ephemeral, true);
  assert.deepStrictEqual(r.json.runner.labels.map((l) => l.name), ['42', 'pool']);
  const conf = JSON.parse(Buffer.from(r.json.encoded_jit_config, 'base64').toString());
  assert.strictEqual(conf.agentId, r.json.runner.id);
  assert.deepStrictEqual((await request(`${s.url}/orgs/octo/actions/runners`)).json.runners.map((x) => x.name), ['jit1']);

  const bad = async (body, status, re) => {
    const b = await request(p, { method: 'POST', body });
    assert.strictEqual(b.status, status, JSON.stringify(body));
    assert.match(b.json.message, re);
  };
  await bad({ name: 'j2', labels: ['a'] }, 422, /missing required key: runner_group_id/);
  await bad({ runner_group_id: 1, labels: ['a'] }, 422, /missing required key: name/);
  await bad({ name: 'j2', runner_group_id: 1 }, 422, /labels/);
  await bad({ name: 'j2', runner_group_id: 1, labels: [] }, 422, /labels/);
  await bad({ name: 'j2', runner_group_id: '1', labels: ['a'] }, 422, /runner_group_id/);
  await bad({ name: 'jit1', runner_group_id: 1, labels: ['a'] }, 409, /Already exists/);
  await bad({ name: 'j2', runner_group_id: 7, labels: ['a'] }, 404, /Not Found/);
  await bad('{not json', 400, /Problems parsing JSON/);
  assert.strictEqual(s.gh.inspect().runners.length, 1, 'no failed call made a runner');
});

test('rate-limit faults: primary 403/429, secondary with retry-after, 5xx; then normal', async () => {
  const s = await start();
  const p = `${s.url}/repos/octo/app/actions/runners`;
  s.gh.fault('primary', 2);
  for (let i = 0; i < 2; i++) {
    const r = await request(p);
    assert.strictEqual(r.status, 403);
    assert.match(r.json.message, /API rate limit exceeded/);
    assert.strictEqual(r.headers['x-ratelimit-remaining'], '0');
    assert.ok(Number(r.headers['x-ratelimit-reset']) >= Math.floor(Date.now() / 1000));
  }
  assert.strictEqual((await request(p)).status, 200, 'the third call passes');
  s.gh.fault('primary429');
  const p429 = await request(p);
  assert.strictEqual(p429.status, 429);
  assert.strictEqual(p429.headers['x-ratelimit-remaining'], '0');
  s.gh.fault('secondary');
  const sec = await request(p);
  assert.strictEqual(sec.status, 429);
  assert.strictEqual(sec.headers['retry-after'], '1');
  assert.match(sec.json.message, /secondary rate limit/);
  assert.notStrictEqual(sec.headers['x-ratelimit-remaining'], '0', 'a secondary limit is not the primary one');
  s.gh.fault('secondary403');
  assert.strictEqual((await request(p)).status, 403);
  s.gh.fault('secondaryNoHint');
  const bare = await request(p);
  assert.strictEqual(bare.status, 403);
  assert.match(bare.json.message, /secondary rate limit/);
  assert.strictEqual(bare.headers['retry-after'], undefined, 'no retry-after');
  assert.notStrictEqual(bare.headers['x-ratelimit-remaining'], '0', 'quota left: only the message says it is a limit');
  s.gh.fault('5xx');
  assert.strictEqual((await request(p)).status, 502);
  // Bad credentials come before any fault: the fault is still pending after.
  s.gh.fault('secondary');
  assert.strictEqual((await request(p, { token: 'bad' })).status, 401);
  assert.strictEqual((await request(p)).status, 429);
  assert.throws(() => s.gh.fault('nonsense'), /unknown GitHub fault/);
});

test('rate-limit faults set through the stack\'s Faults', async () => {
  const faults = new Faults();
  const s = await start({ faults });
  faults.set({ github: ['secondary', 'primary'] });
  const p = `${s.url}/repos/octo/app/actions/runners/registration-token`;
  assert.strictEqual((await request(p, { method: 'POST' })).status, 429);
  assert.strictEqual((await request(p, { method: 'POST' })).status, 403);
  assert.strictEqual((await request(p, { method: 'POST' })).status, 201);
  // Registration refused by name (a runner that never registers).
  faults.markRegistration('lost');
  const reg = await regToken(s);
  const r = await request(`${s.url}/_sim/register`, { method: 'POST', token: null, body: form({ token: reg, name: 'lost', labels: 'x' }) });
  assert.strictEqual(r.status, 403);
});

test('fake runner: config.sh registers; run.sh online, runs jobs for its labels; SIGTERM offline; remove', async () => {
  const s = await start();
  const dir = await configured(s, 'r1', '42,pool');
  const conf = JSON.parse(fs.readFileSync(path.join(dir, '.runner'), 'utf8'));
  assert.strictEqual(conf.agentName, 'r1');
  assert.strictEqual(conf.gitHubUrl, 'https://github.com/octo/app');
  assert.ok(Number.isInteger(conf.poolId));
  assert.ok(fs.existsSync(path.join(dir, '.credentials')));
  assert.strictEqual(fs.statSync(path.join(dir, '.credentials')).mode & 0o077, 0, '.credentials is private');
  assert.ok(!fs.existsSync(path.join(dir, '_work')), 'the work folder is made by run.sh, not by config.sh');
  let r = runnerNamed(s, 'r1');
  assert.strictEqual(r.id, conf.agentId);
  assert.deepStrictEqual(r.labels.map((l) => l.name), ['self-hosted', 'Linux', 'X64', '42', 'pool']);
  assert.strictEqual(r.status, 'offline', 'configured but not running');

  const other = s.gh.addJob('not-mine', 'true');
  const c = startRunner(dir, s.env);
  await until(() => runnerNamed(s, 'r1').status === 'online', 3000, 'online');
  const ok = s.gh.addJob('42', 'echo "in $(basename "$PWD")"; echo oops >&2');
  const bad = s.gh.addJob('pool', 'exit 3');
  await until(() => s.gh.job(ok.id).status === 'completed' && s.gh.job(bad.id).status === 'completed', 8000, 'both jobs');
  assert.strictEqual(s.gh.job(ok.id).conclusion, 'success');
  assert.strictEqual(s.gh.job(ok.id).runner, 'r1');
  assert.match(s.gh.job(ok.id).output, /in _work/, 'runs in the work folder');
  assert.match(s.gh.job(ok.id).output, /oops/, 'stderr is in the output');
  assert.strictEqual(s.gh.job(bad.id).conclusion, 'failure');
  assert.strictEqual(s.gh.job(other.id).status, 'queued', 'a job for a label it lacks stays queued');
  r = runnerNamed(s, 'r1');
  assert.deepStrictEqual([r.status, r.busy], ['online', false]);

  const t0 = Date.now();
  c.kill('SIGTERM');
  const ex = await within(c.exited, 2000, 'run.sh exits on SIGTERM');
  assert.strictEqual(ex.code, 0);
  assert.ok(Date.now() - t0 < 2000);
  assert.strictEqual(runnerNamed(s, 'r1').status, 'offline', 'offline at once, not after the heartbeat timeout');
  assert.match(c.out, /Listening for Jobs/);

  const reg = await regToken(s);
  const wrong = await run(dir, 'config.sh', ['remove', '--token', reg], s.env);
  assert.strictEqual(wrong.code, 1, 'a registration token does not remove');
  assert.ok(runnerNamed(s, 'r1'));
  assert.ok(fs.existsSync(path.join(dir, '.runner')), 'still configured after a failed removal');
  const rem = await regToken(s, 'repos/octo/app', 'remove-token');
  const gone = await run(dir, 'config.sh', ['remove'], Object.assign({ ACTIONS_RUNNER_INPUT_TOKEN: rem }, s.env));
  assert.strictEqual(gone.code, 0, gone.stderr);
  assert.strictEqual(runnerNamed(s, 'r1'), undefined);
  assert.ok(!fs.existsSync(path.join(dir, '.runner')));
  assert.ok(!fs.existsSync(path.join(dir, '.credentials')));
  // Removing an unconfigured runner says so and succeeds (UnconfigureAsync).
  const twice = await run(dir, 'config.sh', ['remove', '--token', rem], s.env);
  assert.strictEqual(twice.code, 0, twice.stderr);
  assert.match(twice.stdout, /config files are missing/);
});

test('fake runner: same name needs --replace; already configured; no default labels; token from the environment', async () => {
  const s = await start();
  await configured(s, 'dup', 'a');
  const firstId = runnerNamed(s, 'dup').id;
  const token = await regToken(s);
  const d2 = folder();
  const args = ['--url', 'https://github.com/octo/app', '--name', 'dup', '--labels', 'b', '--unattended'];
  const same = await run(d2, 'config.sh', [...args, '--token', token], s.env);
  assert.strictEqual(same.code, 1);
  assert.match(same.stderr, /A runner exists with the same name/);
  assert.ok(!fs.existsSync(path.join(d2, '.runner')), 'nothing written on failure');
  const rep = await run(d2, 'config.sh', [...args, '--replace', '--no-default-labels'], Object.assign({ ACTIONS_RUNNER_INPUT_TOKEN: token }, s.env));
  assert.strictEqual(rep.code, 0, rep.stderr);
  assert.match(rep.stdout, /Successfully replaced the runner/);
  const r = runnerNamed(s, 'dup');
  assert.strictEqual(r.id, firstId, 'replaced: the same runner, updated (UpdateExistingAgent)');
  assert.deepStrictEqual(r.labels.map((l) => l.name), ['b']);
  assert.strictEqual(s.gh.inspect().runners.filter((x) => x.name === 'dup').length, 1);
  const again = await run(d2, 'config.sh', [...args, '--replace', '--token', token], s.env);
  assert.strictEqual(again.code, 1);
  assert.match(again.stderr, /already configured/);
  // Organisation URL with an organisation token.
  const orgToken = await regToken(s, 'orgs/octo');
  const d3 = folder();
  const org = await run(d3, 'config.sh', ['--url', 'https://github.com/octo', '--token', orgToken, '--name', 'o1', '--unattended', '--runnergroup', 'Default'], s.env);
  assert.strictEqual(org.code, 0, org.stderr);
  assert.strictEqual(runnerNamed(s, 'o1').scope, 'octo');
  const d4 = folder();
  const mismatch = await run(d4, 'config.sh', ['--url', 'https://github.com/octo/app', '--token', orgToken, '--name', 'o2', '--unattended'], s.env);
  assert.strictEqual(mismatch.code, 1, 'an org token does not register a repository runner');
});

test('fake runner: bad flags and bad setups are errors, nothing registered', async () => {
  const s = await start();
  const token = await regToken(s);
  const base = ['--url', 'https://github.com/octo/app', '--name', 'x1', '--unattended'];
  const cases = [
    [[...base], /Invalid configuration provided for token/],
    [['--token', token, '--name', 'x1'], /Invalid configuration provided for url/],
    [['--url', 'https://github.com', '--token', token], /Invalid configuration provided for url/],
    [['--url', 'ftp://github.com/octo/app', '--token', token], /Invalid configuration provided for url/],
    [[...base, '--token'], /Invalid configuration provided for token/],
    [[...base, '--token', '-x'], /Invalid configuration provided for token/], // a value starting with '-' is ignored
    [[...base, '--token', token, '--no-default-labels'], /without specifying --labels is not supported/],
    [[...base, '--token', token, '--no-default-labels', '--labels', ',,'], /without specifying --labels is not supported/],
    [[...base, '--token', token, '--no-default-labels', '--labels', 'x'.repeat(257)], /without specifying --labels is not supported/],
    [[...base, '--token', 'WRONG'], /Invalid registration token/],
    [[...base, '--token', token, '--runnergroup', 'nope'], /Could not find any self-hosted runner group named "nope"/],
    [['--url', 'https://github.com/octo/app', '--unattended', '--token', token, '--name', 'n'.repeat(65)], /64 characters/],
    [[...base, '--token', token, '--pat', 'ghp_x'], /--pat is not simulated/],
  ];
  for (const [args, re] of cases) {
    const d = folder();
    const r = await run(d, 'config.sh', args, s.env);
    assert.strictEqual(r.code, 1, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
    assert.ok(!fs.existsSync(path.join(d, '.runner')), args.join(' '));
  }
  assert.strictEqual(s.gh.inspect().runners.length, 0);
  const d = folder();
  const noApi = await run(d, 'config.sh', [...base, '--token', token], { RUNNER_ALLOW_RUNASROOT: '1' });
  assert.strictEqual(noApi.code, 1);
  assert.match(noApi.stderr, /GITHUB_API_URL is not set/);
  const down = await run(d, 'config.sh', [...base, '--token', token], { GITHUB_API_URL: 'http://127.0.0.1:1', RUNNER_ALLOW_RUNASROOT: '1' });
  assert.strictEqual(down.code, 1);
  assert.match(down.stderr, /cannot reach/);
  // run.sh ends with 0 whatever stopped the listener for good (its run() loop).
  const notConf = await run(d, 'run.sh', [], s.env);
  assert.strictEqual(notConf.code, 0);
  assert.match(notConf.stderr, /Not configured/);
  assert.match(notConf.stdout, /Exiting runner/);
  const badArg = await run(d, 'run.sh', ['--frob'], s.env);
  assert.match(badArg.stderr, /Unrecognized command-line input arguments for command run: 'frob'/);
  assert.match(badArg.stderr, /Not configured/);
});

test('fake runner: ephemeral runs one job, then it and its configuration are gone', async () => {
  const s = await start();
  const dir = await configured(s, 'e1', 'eph', ['--ephemeral', '--no-default-labels']);
  assert.strictEqual(runnerNamed(s, 'e1').ephemeral, true);
  const j1 = s.gh.addJob('eph', 'echo one');
  const j2 = s.gh.addJob('eph', 'echo two');
  const c = startRunner(dir, s.env);
  const ex = await within(c.exited, 8000, 'ephemeral run.sh exits after its job');
  assert.strictEqual(ex.code, 0, c.out);
  assert.strictEqual(s.gh.job(j1.id).conclusion, 'success');
  assert.strictEqual(s.gh.job(j1.id).output.trim(), 'one');
  assert.strictEqual(s.gh.job(j2.id).status, 'queued', 'only one job');
  assert.strictEqual(runnerNamed(s, 'e1'), undefined);
  assert.ok(!fs.existsSync(path.join(dir, '.runner')));
});

test('fake runner: SIGTERM during a job cancels it and what it started', async () => {
  const s = await start();
  const dir = await configured(s, 'k1', 'long');
  const pidFile = path.join(tmp, 'k1-child.pid');
  const c = startRunner(dir, s.env);
  const j = s.gh.addJob('long', `sleep 300 & echo $! > ${pidFile}; wait`);
  await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim(), 5000, 'the job starts');
  const child = Number(fs.readFileSync(pidFile, 'utf8'));
  await sleep(5500);
  assert.deepStrictEqual([runnerNamed(s, 'k1').status, runnerNamed(s, 'k1').busy], ['online', true], 'heartbeats go on during a long job');
  c.kill('SIGTERM');
  assert.strictEqual((await within(c.exited, 2000, 'run.sh exits')).code, 0);
  assert.deepStrictEqual([s.gh.job(j.id).status, s.gh.job(j.id).conclusion], ['completed', 'cancelled']);
  assert.deepStrictEqual([runnerNamed(s, 'k1').status, runnerNamed(s, 'k1').busy], ['offline', false]);
  await sleep(100);
  assert.ok(alive(process.pid) && !alive(child), 'the job\'s own child is gone');
});

test('fake runner: a deleted registration ends run.sh; a just-in-time runner runs one job', async () => {
  const s = await start();
  const dir = await configured(s, 'g1', 'x');
  const c = startRunner(dir, s.env);
  await until(() => runnerNamed(s, 'g1').status === 'online', 3000, 'online');
  const del = await request(`${s.url}/repos/octo/app/actions/runners/${runnerNamed(s, 'g1').id}`, { method: 'DELETE' });
  assert.strictEqual(del.status, 204);
  const ex = await within(c.exited, 3000, 'run.sh exits');
  assert.strictEqual(ex.code, 0, 'run.sh ends with 0 (its run() loop)');
  assert.match(c.out, /registration has been deleted/);
  assert.match(c.out, /Exiting runner/);

  const jit = await request(`${s.url}/repos/octo/app/actions/runners/generate-jitconfig`, { method: 'POST', body: { name: 'j1', runner_group_id: 1, labels: ['jit'] } });
  assert.strictEqual(jit.status, 201);
  const job = s.gh.addJob('jit', 'echo jit');
  const c2 = startRunner(folder(), s.env, ['--jitconfig', jit.json.encoded_jit_config]);
  assert.strictEqual((await within(c2.exited, 8000, 'jit runner exits after its job')).code, 0, c2.out);
  assert.strictEqual(s.gh.job(job.id).conclusion, 'success');
  assert.strictEqual(s.gh.job(job.id).runner, 'j1');
  assert.strictEqual(runnerNamed(s, 'j1'), undefined);
});

test('fake runner over https with a throwaway CA (SIM_CA); without it curl refuses', async () => {
  const d = fs.mkdtempSync(path.join(tmp, 'ca-'));
  const ossl = (args) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
  ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test CA']);
  ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(d, 'ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ossl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '1', '-extfile', 'ext']);
  const ca = path.join(d, 'ca.pem');
  const s = await start({ tls: { key: fs.readFileSync(path.join(d, 'srv.key')), cert: fs.readFileSync(path.join(d, 'srv.pem')) } });
  const t = await request(`${s.url}/repos/octo/app/actions/runners/registration-token`, { method: 'POST', ca: fs.readFileSync(ca) });
  assert.strictEqual(t.status, 201);
  const args = ['--url', 'https://github.com/octo/app', '--token', t.json.token, '--name', 's1', '--unattended'];
  const noCa = await run(folder(), 'config.sh', args, s.env);
  assert.strictEqual(noCa.code, 1, 'an unknown CA is refused');
  const dir = folder();
  const ok = await run(dir, 'config.sh', args, Object.assign({ SIM_CA: ca }, s.env));
  assert.strictEqual(ok.code, 0, ok.stderr);
  const c = startRunner(dir, Object.assign({ AWS_CA_BUNDLE: ca }, s.env));
  await until(() => runnerNamed(s, 's1').status === 'online', 3000, 'online over https');
  const l = await request(`${s.url}/repos/octo/app/actions/runners?per_page=1`, { ca: fs.readFileSync(ca) });
  assert.strictEqual(l.json.runners[0].status, 'online');
  c.kill('SIGTERM');
  assert.strictEqual((await within(c.exited, 2000, 'run.sh exits')).code, 0);
});

// What the real runner enforces (github.com/actions/runner), run by the
// stand-in. A uid of its own for the tests that need a user that is not
// root (no passwd entry needed: setpriv takes numbers).
const isRoot = process.getuid && process.getuid() === 0;
const haveSetpriv = (() => { try { return /--reuid/.test(execFileSync('setpriv', ['--help']).toString()); } catch (e) { return false; } })();
const TEST_UID = 2000000000 + (process.pid % 100000);
// A folder that TEST_UID owns, reachable through the test's temporary folder.
function ownedFolder() {
  const d = folder();
  fs.chmodSync(tmp, 0o755);
  execFileSync('chown', ['-R', `${TEST_UID}:${TEST_UID}`, d]);
  return d;
}

test('fake runner: refuses root unless RUNNER_ALLOW_RUNASROOT is set and not empty (config.sh, run-helper.sh)', { skip: !isRoot && 'not running as root' }, async () => {
  const s = await start();
  const token = await regToken(s);
  const args = ['--url', 'https://github.com/octo/app', '--token', token, '--name', 'root1', '--unattended'];
  const d = folder();
  for (const allow of [undefined, '']) {
    const env = { GITHUB_API_URL: s.url };
    if (allow !== undefined) env.RUNNER_ALLOW_RUNASROOT = allow;
    const r = await run(d, 'config.sh', args, env);
    assert.strictEqual(r.code, 1, `RUNNER_ALLOW_RUNASROOT=${allow}`);
    assert.strictEqual(r.stdout.trim(), 'Must not run with sudo');
    assert.ok(!fs.existsSync(path.join(d, '.runner')));
  }
  assert.strictEqual(s.gh.inspect().runners.length, 0, 'refused before any call');
  const ok = await run(d, 'config.sh', args, s.env);
  assert.strictEqual(ok.code, 0, ok.stderr);
  // run.sh: the helper refuses, run.sh says it is exiting, with 0 (run.sh's run()).
  const c = startRunner(d, { GITHUB_API_URL: s.url });
  const ex = await within(c.exited, 3000, 'run.sh exits');
  assert.strictEqual(ex.code, 0);
  assert.match(c.out, /Must not run interactively with sudo/);
  assert.match(c.out, /Exiting runner/);
  assert.strictEqual(runnerNamed(s, 'root1').status, 'offline', 'it never polled');
});

test('fake runner: an ordinary user needs no RUNNER_ALLOW_RUNASROOT; the folder must be its own', { skip: !(isRoot && haveSetpriv) && 'needs root and setpriv' }, async () => {
  const s = await start();
  const token = await regToken(s);
  const env = { GITHUB_API_URL: s.url };
  const args = ['--url', 'https://github.com/octo/app', '--token', token, '--name', 'user1', '--unattended', '--labels', 'u'];
  const d = ownedFolder();
  const r = await run(d, 'config.sh', args, env, TEST_UID);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.strictEqual(fs.statSync(path.join(d, '.runner')).uid, TEST_UID);
  const job = s.gh.addJob('u', 'id -u; echo home > "$PWD/left"');
  const c = startRunner(d, env, [], TEST_UID);
  await until(() => s.gh.job(job.id).status === 'completed', 8000, 'the job');
  assert.strictEqual(s.gh.job(job.id).conclusion, 'success');
  assert.strictEqual(s.gh.job(job.id).output.trim(), String(TEST_UID), 'the job runs as the runner\'s user');
  assert.strictEqual(fs.statSync(path.join(d, '_work', 'left')).uid, TEST_UID);
  c.kill('SIGTERM');
  await within(c.exited, 2000, 'run.sh exits');
  // A folder it cannot write: run.sh cannot make its work folder.
  const rootOwned = await configured(s, 'user2', 'v');
  fs.chmodSync(rootOwned, 0o755);
  const c2 = startRunner(rootOwned, env, [], TEST_UID);
  const ex = await within(c2.exited, 3000, 'run.sh exits');
  assert.strictEqual(ex.code, 0);
  assert.match(c2.out, /Fail to create and validate runner's work directory/);
});

test('fake runner: expired registration and remove tokens are refused; the configuration stays as it was', async () => {
  const s = await start();
  const reg = await regToken(s);
  const rem = await regToken(s, 'repos/octo/app', 'remove-token');
  s.skew = 3601e3;
  const d = folder();
  const late = await run(d, 'config.sh', ['--url', 'https://github.com/octo/app', '--token', reg, '--name', 'x1', '--unattended'], s.env);
  assert.strictEqual(late.code, 1);
  assert.match(late.stderr, /Invalid registration token/);
  assert.ok(!fs.existsSync(path.join(d, '.runner')));
  s.skew = 0;
  const dir = await configured(s, 'x2', 'a');
  s.skew = 3601e3;
  const gone = await run(dir, 'config.sh', ['remove', '--token', rem], s.env);
  assert.strictEqual(gone.code, 1);
  assert.match(gone.stderr, /Failed: Removing runner from the server/);
  assert.ok(fs.existsSync(path.join(dir, '.runner')), 'still configured');
  assert.ok(runnerNamed(s, 'x2'), 'still registered');
  // --local forgets the registration without asking the server.
  const local = await run(dir, 'config.sh', ['remove', '--local'], s.env);
  assert.strictEqual(local.code, 0, local.stderr);
  assert.ok(!fs.existsSync(path.join(dir, '.runner')));
  assert.ok(runnerNamed(s, 'x2'), 'the server was not asked');
});

test('fake runner: labels split on commas, empty and repeated (ignoring case) ones dropped, too long ones void --labels; unknown flags only warn', async () => {
  const s = await start();
  const token = await regToken(s);
  const base = ['--url', 'https://github.com/octo/app', '--token', token, '--unattended'];
  const labelsOf = (name) => runnerNamed(s, name).labels.map((l) => l.name);
  let r = await run(folder(), 'config.sh', [...base, '--name', 'l1', '--labels', 'a,,B,b,A,with space,ec2rp-pool:x,ec2rp-pool-x'], s.env);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.deepStrictEqual(labelsOf('l1'), ['self-hosted', 'Linux', 'X64', 'a', 'B', 'with space', 'ec2rp-pool:x', 'ec2rp-pool-x']);
  r = await run(folder(), 'config.sh', [...base, '--name', 'l2', '--labels', `ok,${'x'.repeat(257)}`], s.env);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.match(r.stderr, /longer than 256/);
  assert.deepStrictEqual(labelsOf('l2'), ['self-hosted', 'Linux', 'X64'], 'registered without the user labels');
  r = await run(folder(), 'config.sh', [...base, '--name', 'l3', '--labels', 'x'.repeat(256), '--no-default-labels', '--bogus', '--Replace'], s.env);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.match(r.stderr, /Unrecognized command-line input arguments for command configure: 'bogus'/);
  assert.deepStrictEqual(labelsOf('l3'), ['x'.repeat(256)]);
  // The first value of a repeated argument wins; ACTIONS_RUNNER_INPUT_* fill the rest.
  r = await run(folder(), 'config.sh', ['--url', 'https://github.com/octo/app', '--name', 'l4', '--name', 'l5', '--labels', 'q'],
    Object.assign({ ACTIONS_RUNNER_INPUT_TOKEN: ` ${token} `, ACTIONS_RUNNER_INPUT_UNATTENDED: 'true', ACTIONS_RUNNER_INPUT_LABELS: 'ignored' }, s.env));
  assert.strictEqual(r.code, 0, r.stderr);
  assert.deepStrictEqual(labelsOf('l4'), ['self-hosted', 'Linux', 'X64', 'q']);
  assert.strictEqual(runnerNamed(s, 'l5'), undefined);
  // The name defaults to the machine's name.
  r = await run(folder(), 'config.sh', base, s.env);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.ok(runnerNamed(s, os.hostname()), 'named after the machine');
  // Jobs match labels ignoring case.
  const dir = await configured(s, 'l6', 'MixedCase');
  const job = s.gh.addJob('mixedcase', 'true');
  const c = startRunner(dir, s.env);
  await until(() => s.gh.job(job.id).status === 'completed', 8000, 'the job');
  c.kill('SIGTERM');
  await within(c.exited, 2000, 'run.sh exits');
});

test('fake runner: --replace takes the name over, and the old registration\'s run.sh stops', async () => {
  const s = await start();
  const first = await configured(s, 'rep', 'one');
  const c = startRunner(first, s.env);
  await until(() => runnerNamed(s, 'rep').status === 'online', 3000, 'online');
  const token = await regToken(s);
  const d2 = folder();
  const r = await run(d2, 'config.sh', ['--url', 'https://github.com/octo/app', '--token', token, '--name', 'rep', '--labels', 'two', '--unattended', '--replace'], s.env);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.deepStrictEqual(runnerNamed(s, 'rep').labels.map((l) => l.name), ['self-hosted', 'Linux', 'X64', 'two']);
  const ex = await within(c.exited, 3000, 'the replaced runner stops');
  assert.strictEqual(ex.code, 0);
  assert.match(c.out, /registration has been deleted/);
  // Removing the old folder's registration after the name moved on: the
  // name still exists, but its old id is the new one's: removing it
  // removes the registration (the runner deletes by the id it stored).
  const rem = await regToken(s, 'repos/octo/app', 'remove-token');
  const gone = await run(d2, 'config.sh', ['remove', '--token', rem], s.env);
  assert.strictEqual(gone.code, 0, gone.stderr);
  assert.strictEqual(runnerNamed(s, 'rep'), undefined);
  const again = await run(first, 'config.sh', ['remove', '--token', rem], s.env);
  assert.strictEqual(again.code, 0, again.stderr);
  assert.match(again.stdout, /Does not exist. Skipping Removing runner from the server/);
  assert.ok(!fs.existsSync(path.join(first, '.runner')));
});

test('fake runner: --disableupdate is recorded; without it a runner updates itself into its own folder', async () => {
  const s = await start();
  const fixed = await configured(s, 'fixed', 'upd', ['--disableupdate']);
  const moving = await configured(s, 'moving', 'upd');
  assert.strictEqual(JSON.parse(fs.readFileSync(path.join(fixed, '.runner'), 'utf8')).disableUpdate, true);
  assert.deepStrictEqual([runnerNamed(s, 'fixed').disableUpdate, runnerNamed(s, 'moving').disableUpdate], [true, false]);
  s.gh.setLatestRunnerVersion('9.9.9');
  const a = startRunner(fixed, s.env);
  const b = startRunner(moving, s.env);
  await until(() => runnerNamed(s, 'moving').version === '9.9.9', 5000, 'the update');
  assert.strictEqual(fs.readFileSync(path.join(moving, '.runner_version'), 'utf8').trim(), '9.9.9', 'the update changed the runner\'s folder');
  assert.match(b.out, /Runner update in progress/);
  await sleep(1000);
  assert.strictEqual(runnerNamed(s, 'fixed').version, '2.336.0');
  assert.ok(!fs.existsSync(path.join(fixed, '.runner_version')));
  for (const c of [a, b]) { c.kill('SIGTERM'); await within(c.exited, 2000, 'run.sh exits'); }
});

test('fake runner: a job\'s leftover processes are killed when it ends, unless they changed RUNNER_TRACKING_ID', async () => {
  const s = await start();
  const dir = await configured(s, 't1', 'track');
  const pids = path.join(tmp, 't1-pids');
  const c = startRunner(dir, s.env);
  const job = s.gh.addJob('track', `sleep 300 & echo $! > ${pids}.tracked; RUNNER_TRACKING_ID= sleep 301 & echo $! > ${pids}.escaped; echo "id=$RUNNER_TRACKING_ID"`);
  await until(() => s.gh.job(job.id).status === 'completed', 8000, 'the job');
  assert.match(s.gh.job(job.id).output, /^id=github_[0-9a-f]{32}$/m);
  const tracked = Number(fs.readFileSync(`${pids}.tracked`, 'utf8'));
  const escaped = Number(fs.readFileSync(`${pids}.escaped`, 'utf8'));
  await sleep(200);
  assert.ok(!alive(tracked), 'a process still carrying the job\'s tracking id is killed');
  assert.ok(alive(escaped), 'one that cleared it survives the job (the agent must clean up)');
  process.kill(escaped, 'SIGKILL');
  c.kill('SIGTERM');
  await within(c.exited, 2000, 'run.sh exits');
});

// A JWT made here with Node's crypto (independent of lib/jwt.c): claims
// given whole, signed with key.
function jwt(key, claims, header = { alg: 'RS256', typ: 'JWT' }) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

test('GitHub App: the JWT checked (key, iss, exp, iat), installation tokens scoped to the account and permissions', async () => {
  const s = await start();
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  s.gh.addApp({ id: 101, clientId: 'Iv23liSIM0000001', publicKey: publicKey.export({ type: 'spki', format: 'pem' }), installations: [
    { id: 201, account: 'octo', type: 'Organization', permissions: { administration: 'write', organization_self_hosted_runners: 'write' } },
    { id: 202, account: 'octo', type: 'Organization', permissions: { administration: 'read', organization_self_hosted_runners: 'read' } },
    { id: 203, account: 'solo', type: 'User', permissions: { administration: 'write' } }] });
  s.gh.addApp({ id: 102, publicKey: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }),
    installations: [{ id: 301, account: 'octo', permissions: { administration: 'write' } }] });
  const now = () => Math.floor((Date.now() + s.skew) / 1000);
  const good = (iss = 101) => jwt(privateKey, { iat: now() - 60, exp: now() + 540, iss });
  const install = (id, auth, prefix = '') => request(`${s.url}${prefix}/app/installations/${id}/access_tokens`, { method: 'POST', token: auth });

  const r = await install(201, good());
  assert.strictEqual(r.status, 201, r.text);
  assert.match(r.json.token, /^ghs_[0-9a-f]{36}$/);
  const ahead = Date.parse(r.json.expires_at) - Date.now();
  assert.ok(ahead > 3590e3 && ahead <= 3601e3, 'an installation token lives an hour');
  assert.strictEqual(r.json.permissions.administration, 'write');
  assert.strictEqual((await install(201, good('Iv23liSIM0000001'))).status, 201, 'the client id as iss');
  assert.strictEqual((await install(201, good('101'))).status, 201, 'the numeric id as a string');
  assert.strictEqual((await install(201, good(), '/api/v3')).status, 201, 'under /api/v3 (Enterprise Server)');

  // The installation token works like a token, on its account only.
  const t = r.json.token;
  const post = (scope) => request(`${s.url}/${scope}/actions/runners/registration-token`, { method: 'POST', token: t });
  assert.strictEqual((await post('repos/octo/app')).status, 201, 'a repository of the account');
  assert.strictEqual((await post('orgs/octo')).status, 201, 'the organisation itself');
  assert.strictEqual((await post('repos/other/app')).status, 404, 'another account');
  const ro = (await install(202, good())).json.token;
  let x = await request(`${s.url}/orgs/octo/actions/runners/registration-token`, { method: 'POST', token: ro });
  assert.deepStrictEqual([x.status, x.json.message], [403, 'Resource not accessible by integration'], 'read permission: no token');
  assert.strictEqual((await request(`${s.url}/orgs/octo/actions/runners`, { token: ro })).status, 200, 'read permission: list');
  const user = (await install(203, good())).json.token;
  assert.strictEqual((await request(`${s.url}/repos/solo/app/actions/runners/registration-token`, { method: 'POST', token: user })).status, 201);
  assert.strictEqual((await request(`${s.url}/orgs/solo/actions/runners/registration-token`, { method: 'POST', token: user })).status, 404, 'a user has no organisation runners');

  // Refusals, as GitHub words them.
  const refused = async (auth, id, message) => {
    const a = await install(id, auth);
    assert.deepStrictEqual([a.status, a.json.message], [message === 'Not Found' ? 404 : 401, message]);
  };
  await refused(jwt(other, { iat: now() - 60, exp: now() + 540, iss: 101 }), 201, 'A JSON web token could not be decoded');
  await refused(good(999), 201, 'A JSON web token could not be decoded');
  await refused(jwt(privateKey, { iat: now() - 60, exp: now() + 540, iss: 101 }, { alg: 'none' }), 201, 'A JSON web token could not be decoded');
  await refused('not.a.jwt', 201, 'A JSON web token could not be decoded');
  await refused(jwt(privateKey, { iat: now() - 700, exp: now() - 1, iss: 101 }), 201,
    '\'Expiration time\' claim (\'exp\') must be a numeric value representing the future time at which the assertion expires');
  await refused(jwt(privateKey, { iat: now(), exp: now() + 700, iss: 101 }), 201, '\'Expiration time\' claim (\'exp\') is too far in the future');
  await refused(jwt(privateKey, { iat: now() + 300, exp: now() + 500, iss: 101 }), 201,
    '\'Issued at\' claim (\'iat\') must be an Integer representing the time that the assertion was issued');
  await refused(good(), 999, 'Not Found');
  await refused(good(), 301, 'Not Found');
  assert.strictEqual((await install(201, TOKEN)).status, 401, 'a token is no JWT');
  assert.strictEqual((await request(`${s.url}/repos/octo/app/actions/runners`, { token: good() })).status, 401, 'a JWT is no token');
  // An hour later the installation token is refused, and a JWT made an
  // hour ago with it.
  const old = good();
  s.skew = 3601e3;
  assert.strictEqual((await post('repos/octo/app')).status, 401, 'an expired installation token');
  assert.strictEqual((await install(201, old)).status, 401, 'an expired JWT');
});
