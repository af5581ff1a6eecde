'use strict';
// Fault injection, the clock, TLS and the control API (and simctl).
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const tls = require('tls');
const { execFileSync, spawnSync } = require('child_process');
const { Stack, request, sleep } = require('../testlib');

let s;
// A fault set at start: the first SQS ListQueues is throttled.
before(() => { s = new Stack(['--faults', JSON.stringify({ next: [{ service: 'sqs', action: 'ListQueues', code: 'RequestThrottled' }] })]); });
after(() => s.stop());

const type = (r) => JSON.parse(r.body).__type;

test('a fault given at start applies, with the status the code implies', async () => {
  const r = await s.sqs('ListQueues', {});
  assert.strictEqual(r.status, 403);
  assert.strictEqual(type(r), 'com.amazonaws.sqs#RequestThrottled');
  assert.strictEqual((await s.sqs('ListQueues', {})).status, 200, 'only once');
});

test('next N calls of one action fail; other actions pass', async () => {
  await s.ddb('CreateTable', { TableName: 'fault-t', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' });
  await s.control('/faults', { next: [{ service: 'dynamodb', action: 'GetItem', count: 2, code: 'ProvisionedThroughputExceededException' }] });
  const get = () => s.ddb('GetItem', { TableName: 'fault-t', Key: { pk: { S: 'x' } } });
  assert.strictEqual((await s.ddb('ListTables', {})).status, 200);
  for (let i = 0; i < 2; i++) {
    const r = await get();
    assert.strictEqual(r.status, 400);
    assert.strictEqual(type(r), 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException');
  }
  assert.strictEqual((await get()).status, 200);
  const f = (await s.control('/faults')).json();
  assert.strictEqual(f.injected.ProvisionedThroughputExceededException, 2);
  assert.deepStrictEqual(f.pending, []);
});

test('5xx faults: EC2 XML InternalError, SQS 503 ServiceUnavailable', async () => {
  await s.control('/faults', { next: [{ service: 'ec2', code: 'InternalError' }], sqs: { error5xx: 1, error5xxCode: 'ServiceUnavailable' } });
  let r = await s.ec2({ Action: 'DescribeInstances' });
  assert.strictEqual(r.status, 500);
  assert.match(r.body, /<Response><Errors><Error><Code>InternalError<\/Code>/);
  r = await s.sqs('ListQueues', {});
  assert.strictEqual(r.status, 503);
  assert.strictEqual(type(r), 'com.amazonaws.sqs#ServiceUnavailable');
  await s.control('/reset-faults', {});
  assert.strictEqual((await s.sqs('ListQueues', {})).status, 200, 'reset clears them');
});

test('random throttling follows the seed', async () => {
  const run = async () => {
    await s.control('/reset-faults', {});
    await s.control('/faults', { seed: 42, dynamodb: { throttle: 0.5 } });
    const out = [];
    for (let i = 0; i < 16; i++) out.push((await s.ddb('ListTables', {})).status);
    return out;
  };
  const a = await run();
  const b = await run();
  await s.control('/reset-faults', {});
  assert.deepStrictEqual(a, b, 'same seed, same faults');
  assert.ok(a.includes(400) && a.includes(200), `a mix: ${a}`);
  const r = await (async () => { await s.control('/faults', { seed: 1, ec2: { throttle: 1 } }); return s.ec2({ Action: 'DescribeInstances' }); })();
  await s.control('/reset-faults', {});
  assert.strictEqual(r.status, 503);
  assert.match(r.body, /<Code>RequestLimitExceeded<\/Code>/);
});

test('dropped connections and added latency', async () => {
  await s.control('/faults', { next: [{ service: 'dynamodb', drop: true }] });
  await assert.rejects(s.ddb('ListTables', {}), /socket hang up|ECONNRESET/);
  await s.control('/faults', { sts: { latencyMs: 400 } });
  const t0 = Date.now();
  assert.strictEqual((await s.sts({ Action: 'GetCallerIdentity' })).status, 200);
  assert.ok(Date.now() - t0 >= 390, 'latency added');
  await s.control('/reset-faults', {});
  const calls = (await s.control('/calls')).json();
  assert.ok(calls.some((c) => c.service === 'dynamodb' && c.code === 'dropped' && c.status === 0));
});

test('a held request: one call of the action waits holdMs, then is carried out; others pass at once', async () => {
  await s.control('/faults', { next: [{ service: 'dynamodb', action: 'ListTables', holdMs: 800 }] });
  const t0 = Date.now();
  const held = s.ddb('ListTables', {});
  await sleep(200);
  const f = (await s.control('/faults')).json();
  assert.strictEqual(f.holding, 1, 'held while it waits');
  assert.deepStrictEqual(f.pending, [], 'taken by the first call');
  assert.strictEqual((await s.ddb('DescribeTable', { TableName: 'fault-t' })).status, 200);
  assert.ok(Date.now() - t0 < 700, 'another action is not held');
  assert.strictEqual((await held).status, 200, 'carried out, no fault');
  assert.ok(Date.now() - t0 >= 790, 'held');
  const g = (await s.control('/faults')).json();
  assert.strictEqual(g.holding, 0);
  assert.ok(g.injected.hold >= 1);
  const t1 = Date.now();
  assert.strictEqual((await s.ddb('ListTables', {})).status, 200);
  assert.ok(Date.now() - t1 < 700, 'only once');
  // after: the first N matching calls pass, the next one takes the entry.
  await s.control('/faults', { next: [{ service: 'dynamodb', action: 'ListTables', after: 1, code: 'ThrottlingException' }] });
  assert.strictEqual((await s.ddb('ListTables', {})).status, 200);
  assert.strictEqual((await s.ddb('ListTables', {})).status, 400);
  assert.strictEqual((await s.ddb('ListTables', {})).status, 200);
});

test('hostile answers: truncated, garbage, HTML', async () => {
  await s.control('/faults', { next: [{ service: 'ec2', hostile: 'truncated' }, { service: 'ec2', hostile: 'garbage' }, { service: 'ec2', hostile: 'html' }] });
  await assert.rejects(s.ec2({ Action: 'DescribeInstances' }), 'cut short');
  const g = await s.ec2({ Action: 'DescribeInstances' });
  assert.doesNotMatch(g.body, /DescribeInstancesResponse/);
  const h = await s.ec2({ Action: 'DescribeInstances' });
  assert.strictEqual(h.status, 502);
  assert.match(h.headers['content-type'], /text\/html/);
});

test('capacity: none at all, then none left after one', async () => {
  await s.template('lt-cap', 'sleep 30\n');
  await s.control('/faults', { capacity: 0 });
  let f = await s.fleet('lt-cap', 2);
  assert.strictEqual(f.r.status, 200);
  assert.strictEqual(f.ids.length, 0);
  assert.match(f.r.body, /<errorCode>InsufficientInstanceCapacity<\/errorCode>/);
  await s.control('/faults', { capacity: 1 });
  f = await s.fleet('lt-cap', 1);
  assert.strictEqual(f.ids.length, 1);
  assert.match(f.r.body, /<errorSet><\/errorSet>/);
  const g = await s.fleet('lt-cap', 1);
  assert.strictEqual(g.ids.length, 0, 'the one was used');
  await s.control('/reset-faults', {});
  await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': f.ids[0] });
});

test('instance faults: never boot, never heartbeat, never register', async () => {
  await s.template('lt-ifault', 'echo "fault=$SIM_AGENT_FAULT" > fault.txt\nsleep 30\n');
  await s.control('/faults', { instances: ['never-boot', 'never-heartbeat', 'never-register'] });
  const { ids } = await s.fleet('lt-ifault', 4);
  assert.strictEqual(ids.length, 4);
  const [dead, mute, lost, fine] = ids;
  const file = (id) => path.join(s.dir, 'instances', id, 'fault.txt');
  await s.until(() => [mute, lost, fine].every((id) => fs.existsSync(file(id)) && fs.statSync(file(id)).size), 5000, 'boot');
  assert.strictEqual(fs.readFileSync(file(mute), 'utf8'), 'fault=never-heartbeat\n');
  assert.strictEqual(fs.readFileSync(file(lost), 'utf8'), 'fault=never-register\n');
  assert.strictEqual(fs.readFileSync(file(fine), 'utf8'), 'fault=\n');
  // never boots: pending, no process, user data never ran
  const d = await s.instance(dead);
  assert.strictEqual(d.state, 'pending');
  assert.strictEqual(d.pid, null);
  assert.ok(!fs.existsSync(file(dead)));
  // never heartbeats: its metadata credentials are refused
  const pid = (await s.instance(mute)).pid;
  const imds = /AWS_EC2_METADATA_SERVICE_ENDPOINT=([^\0]+)/.exec(fs.readFileSync(`/proc/${pid}/environ`).toString())[1];
  const tok = (await request(imds + 'latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).body;
  const h = { method: 'GET', headers: { 'x-aws-ec2-metadata-token': tok } };
  const role = (await request(imds + 'latest/meta-data/iam/security-credentials/', h)).body;
  const c = JSON.parse((await request(imds + 'latest/meta-data/iam/security-credentials/' + role, h)).body);
  const r = await s.ddb('ListTables', {}, { key: c.AccessKeyId, secret: c.SecretAccessKey, token: c.Token });
  assert.strictEqual(type(r), 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException');
  // never registers: GitHub refuses a runner named after it
  const t = JSON.parse((await s.request(s.env.GITHUB_API_URL + '/repos/o/r/actions/runners/registration-token',
    { headers: { authorization: `Bearer ${s.env.GITHUB_TOKEN}` } })).body).token;
  assert.strictEqual((await s.request(s.env.GITHUB_API_URL + '/_sim/register', { body: `token=${t}&name=${lost}&labels=x` })).status, 403);
  assert.strictEqual((await s.request(s.env.GITHUB_API_URL + '/_sim/register', { body: `token=${t}&name=${fine}&labels=x` })).status, 200);
  // a pending instance still terminates
  const q = ids.map((id, i) => [`InstanceId.${i + 1}`, id]);
  assert.strictEqual((await s.ec2(Object.assign({ Action: 'TerminateInstances' }, Object.fromEntries(q)))).status, 200);
  await s.until(async () => (await s.instance(dead)).state === 'terminated', 3000, 'terminated');
});

test('clock skew: the stack refuses real time and says its own in Date', async () => {
  await s.control('/clock', { skewSeconds: 900 });
  try {
    const r = await s.ddb('ListTables', {});
    assert.strictEqual(r.status, 400);
    assert.strictEqual(type(r), 'com.amazonaws.dynamodb.v20120810#InvalidSignatureException');
    const told = Date.parse(r.headers.date);
    assert.ok(Math.abs(told - (Date.now() + 900000)) < 5000, 'Date follows the stack clock');
    assert.strictEqual((await s.ddb('ListTables', {}, { date: new Date(told) })).status, 200, 'a client that corrects skew passes');
    const sts = await s.sts({ Action: 'GetCallerIdentity' }, { date: new Date(told) });
    assert.ok(Math.abs(Date.parse(sts.headers.date) - told) < 5000);
    assert.strictEqual((await s.ec2({ Action: 'DescribeInstances' })).status, 400);
  } finally {
    await s.control('/clock', { skewSeconds: 0 });
  }
  assert.strictEqual((await s.ddb('ListTables', {})).status, 200);
});

test('HTTPS: the certificate is the generated CA\'s, for 127.0.0.1 and localhost', async () => {
  const u = new URL(s.env.AWS_ENDPOINT_URL);
  await assert.rejects(request(s.env.AWS_ENDPOINT_URL + '/', { method: 'GET' }), /self.signed|unable to verify|certificate/i, 'without the CA it is not trusted');
  for (const host of ['127.0.0.1', 'localhost']) {
    const cert = await new Promise((resolve, reject) => {
      const c = tls.connect({ host: '127.0.0.1', port: Number(u.port), ca: s.ca, servername: host === 'localhost' ? host : undefined,
        checkServerIdentity: (h, crt) => tls.checkServerIdentity(host, crt) }, () => { resolve(c.getPeerCertificate()); c.end(); });
      c.on('error', reject);
    });
    assert.match(cert.subjectaltname, /IP Address:127\.0\.0\.1/);
    assert.match(cert.subjectaltname, /DNS:localhost/);
  }
  const gh = await s.request(s.env.GITHUB_API_URL + '/repos/o/r/actions/runners', { method: 'GET', headers: { authorization: `Bearer ${s.env.GITHUB_TOKEN}` } });
  assert.strictEqual(gh.status, 200, 'GitHub is served with the same CA');
});

test('the control API: calls log, unknown paths, bad JSON; simctl', async () => {
  await s.ec2({ Action: 'Nope' });
  const calls = (await s.control('/calls')).json();
  const last = calls.filter((c) => c.service === 'ec2' && c.action === 'Nope').pop();
  assert.strictEqual(last.status, 400);
  assert.strictEqual(last.code, 'InvalidAction');
  assert.ok(!isNaN(Date.parse(last.time)));
  assert.strictEqual((await s.control('/nothing')).status, 404);
  const bad = await request(s.env.SIM_CONTROL + '/faults', { body: '{not json' });
  assert.strictEqual(bad.status, 400);
  const simctl = path.join(__dirname, '..', 'simctl');
  const out = execFileSync('sh', [simctl, s.dir, 'post', '/faults', '{"capacity":0}']).toString();
  assert.deepStrictEqual(JSON.parse(out), { ok: true });
  assert.ok(JSON.parse(execFileSync('sh', [simctl, s.dir, 'get', 'instances']).toString()).length >= 0);
  await s.control('/reset-faults', {});
  assert.strictEqual(spawnSync('sh', [simctl, s.dir, 'get', '/nothing']).status, 1);
  assert.strictEqual(spawnSync('sh', [simctl, s.dir, 'delete', '/x']).status, 2);
  assert.strictEqual(spawnSync('sh', [simctl, '/nonexistent', 'get', '/x']).status, 2);
  await sleep(0);
});
