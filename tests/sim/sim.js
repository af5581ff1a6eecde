'use strict';
// The local stack's supervisor: dynalite (DynamoDB) and fauxqs (SQS) behind
// a front that checks every SigV4 signature and injects faults; the EC2,
// IMDS and STS simulator; the GitHub simulator; a control API. Loopback
// only, free ports. Writes DIR/env when ready; SIGTERM stops everything.
const http = require('http');
const https = require('https');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const dynalite = require('dynalite');
const { Verifier } = require('./verify');
const { Ec2, Ec2Error } = require('./ec2');
const { Faults } = require('./faults');
const { Models, ModelError } = require('./model');
const { Iam } = require('./iam');
// The GitHub part is written separately: start without it if it is missing.
let createGithub = null;
try { ({ createGithub } = require('./github')); } catch (e) { if (e.code !== 'MODULE_NOT_FOUND') throw e; }
const noGithub = {
  handle: (req, res) => { res.writeHead(503, { 'content-type': 'application/json' }); res.end('{"message":"the GitHub simulator is not installed"}'); },
  inspect: () => ({ runners: [], jobs: [], missing: 'tests/sim/github.js' }), addJob: () => ({ error: 'no GitHub simulator' }), job: () => null, close: () => {},
};

const dir = process.argv[2];
const top = path.resolve(__dirname, '..', '..');
const faults = new Faults();
if (process.argv[3]) faults.set(JSON.parse(process.argv[3]));
let skewMs = 0;
const clock = () => Date.now() + skewMs;
const calls = [];
// The requests themselves, while a test records them (POST /record): for the
// conformance test, which compares them with what the official SDK sends.
let recording = false;
const requests = [];
// The entry itself is kept (not a copy): its status and code are filled in when the answer is known.
const log = (c) => { c.time = new Date().toISOString(); calls.push(c); };
const verifier = new Verifier(clock);
const models = new Models();
const iam = new Iam(process.env.EC2RP_POOL);
const KEY = { id: 'AKIDSIMULATOR0000001', secret: crypto.randomBytes(30).toString('base64') };
verifier.addKey(KEY.id, KEY.secret, null, 0);
const GH_TOKEN = 'ghp_' + crypto.randomBytes(18).toString('hex');
const ttl = new Map(); // table -> { AttributeName, Enabled }
// The account's own state beyond its resources: whether it has the
// service-linked role EC2 needs for Spot Instances (POST /account). A new
// account lacks it until someone creates it (EC2 User Guide, "Service-linked
// role for Spot Instances"); the stack's account has it unless a test says.
const account = { spotRole: true };
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

// IAM's GetRole, for the one role the stack's account may have: the spot
// service-linked role, at the path AWS gives it. null: no such role.
function getRole(name) {
  if (name !== 'AWSServiceRoleForEC2Spot' || !account.spotRole) return null;
  const path = '/aws-service-role/spot.amazonaws.com/';
  return `<GetRoleResponse xmlns="${IAM_NS}"><GetRoleResult><Role><Path>${path}</Path><RoleName>${name}</RoleName>` +
    `<RoleId>AROASIMULATORSPOT0001</RoleId><Arn>arn:aws:iam::123456789012:role${path}${name}</Arn>` +
    `<CreateDate>2017-09-18T18:51:00Z</CreateDate></Role></GetRoleResult>` +
    `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></GetRoleResponse>`;
}

function makeCa() {
  const run = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ec2-runner-pool test CA',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-extfile', 'san.ext', '-out', 'server.pem']);
  return { key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) };
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function jsonError(res, status, code, message, service) {
  const prefix = service === 'sqs' ? 'com.amazonaws.sqs#' : 'com.amazonaws.dynamodb.v20120810#';
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': crypto.randomUUID(), date: new Date(clock()).toUTCString() });
  res.end(JSON.stringify({ __type: prefix + code, message }));
}
// ns: the namespace of a service answering <ErrorResponse> (STS, IAM);
// none for EC2's <Response>.
function xmlError(res, status, code, message, ns) {
  res.writeHead(status, { 'content-type': 'text/xml', date: new Date(clock()).toUTCString() });
  const id = crypto.randomUUID();
  res.end(ns
    ? `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`);
}

// Forwards to an emulator. dropAnswer: the emulator carries the request out,
// then the connection is cut before the answer, as a timeout after AWS did
// the work looks to a client.
function proxy(port, req, body, res, dropAnswer) {
  const headers = Object.assign({}, req.headers, { host: `127.0.0.1:${port}`, 'content-length': body.length });
  const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (r) => {
    if (dropAnswer) { r.resume(); r.on('end', () => req.socket.destroy()); return; }
    const h = Object.assign({}, r.headers, { date: new Date(clock()).toUTCString() });
    res.writeHead(r.statusCode, h);
    r.pipe(res);
  });
  up.on('error', () => { res.writeHead(502); res.end(); });
  up.end(body);
}

// dynalite's own DescribeTable of the table: { status, body } (the
// request's headers pass its signature-format checks, all it checks).
function describeTable(port, req, name) {
  return new Promise((resolve) => {
    const body = Buffer.from(JSON.stringify({ TableName: name }));
    const headers = Object.assign({}, req.headers, { host: `127.0.0.1:${port}`, 'content-length': body.length,
      'x-amz-target': 'DynamoDB_20120810.DescribeTable' });
    const up = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (r) => {
      let t = '';
      r.on('data', (c) => { t += c; });
      r.on('end', () => resolve({ status: r.statusCode, body: t }));
    });
    up.on('error', () => resolve({ status: 502, body: '' }));
    up.end(body);
  });
}

// DynamoDB's TTL operations, which dynalite 4 lacks, answered here. Both
// answer ResourceNotFoundException for a table that does not exist or is
// not ACTIVE (API Reference, DescribeTimeToLive and UpdateTimeToLive,
// Errors); a table deleted loses its TTL setting with it.
async function ttlOp(port, req, target, body, res) {
  let b;
  try { b = JSON.parse(body.toString()); } catch (e) { return jsonError(res, 400, 'SerializationException', 'Malformed JSON', 'dynamodb'); }
  const send = (o) => { res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', date: new Date(clock()).toUTCString() }); res.end(JSON.stringify(o)); };
  // The table's name checked as DynamoDB checks it (dynalite's answer passed
  // on), then whether it exists and is ACTIVE.
  const d = await describeTable(port, req, b.TableName);
  let active = false;
  try { active = d.status === 200 && JSON.parse(d.body).Table.TableStatus === 'ACTIVE'; } catch (e) { /* not found */ }
  if (d.status !== 200 && !/ResourceNotFoundException/.test(d.body)) {
    res.writeHead(d.status, { 'content-type': 'application/x-amz-json-1.0', date: new Date(clock()).toUTCString() });
    return res.end(d.body);
  }
  if (!active) {
    ttl.delete(b.TableName);
    return jsonError(res, 400, 'ResourceNotFoundException', 'Requested resource not found', 'dynamodb');
  }
  if (target.endsWith('.UpdateTimeToLive')) {
    const s = b.TimeToLiveSpecification || {};
    if (!b.TableName || !s.AttributeName || typeof s.Enabled !== 'boolean') return jsonError(res, 400, 'ValidationException', 'TableName and TimeToLiveSpecification are required', 'dynamodb');
    ttl.set(b.TableName, { AttributeName: s.AttributeName, Enabled: s.Enabled });
    return send({ TimeToLiveSpecification: s });
  }
  const t = ttl.get(b.TableName);
  return send({ TimeToLiveDescription: t && t.Enabled ? { TimeToLiveStatus: 'ENABLED', AttributeName: t.AttributeName } : { TimeToLiveStatus: 'DISABLED' } });
}

// SQS's ListQueues pages (fauxqs 1.9 cuts at MaxResults and never sends a
// NextToken): as the SQS API reference says, at most 1,000 URLs; with
// MaxResults (1-1,000) a NextToken while more remain, which the next
// request sends back. The token is ours (opaque to clients): the last URL
// given, base64.
function listQueuesPaged(port, req, body, res) {
  let b;
  try { b = JSON.parse(body.toString()); } catch (e) { return jsonError(res, 400, 'SerializationException', 'Malformed JSON', 'sqs'); }
  const max = b.MaxResults;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1 && max <= 1000)) return jsonError(res, 400, 'InvalidParameterValue', 'MaxResults must be 1 to 1000', 'sqs');
  const after = b.NextToken ? Buffer.from(String(b.NextToken), 'base64').toString() : '';
  const inner = Buffer.from(JSON.stringify(b.QueueNamePrefix ? { QueueNamePrefix: b.QueueNamePrefix } : {}));
  const headers = Object.assign({}, req.headers, { host: `127.0.0.1:${port}`, 'content-length': inner.length });
  const up = http.request({ host: '127.0.0.1', port, method: 'POST', path: req.url, headers }, (r) => {
    const chunks = [];
    r.on('data', (c) => chunks.push(c));
    r.on('end', () => {
      let all;
      try { all = (JSON.parse(Buffer.concat(chunks).toString()).QueueUrls || []).slice().sort(); } catch (e) { res.writeHead(502); return res.end(); }
      const rest = all.filter((u) => u > after);
      const page = rest.slice(0, max || 1000);
      const out = { QueueUrls: page };
      if (max && rest.length > page.length) out.NextToken = Buffer.from(page[page.length - 1]).toString('base64');
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', date: new Date(clock()).toUTCString() });
      res.end(JSON.stringify(out));
    });
  });
  up.on('error', () => { res.writeHead(502); res.end(); });
  up.end(inner);
}

// BatchGetItem under load: "If DynamoDB returns any unprocessed items, you
// should retry the batch operation on those items. However, we strongly
// recommend that you use an exponential backoff algorithm" (DynamoDB API
// reference, BatchGetItem). dynalite has no throughput to run out of, so
// the stack holds back the second half of each table's keys (at least one
// key is read: with none, AWS answers ProvisionedThroughputExceededException
// instead), lets the emulator read the rest, and returns the held keys as
// UnprocessedKeys.
function batchGetPartly(port, req, body, res) {
  let b;
  try { b = JSON.parse(body.toString()); } catch (e) { return jsonError(res, 400, 'SerializationException', 'Malformed JSON', 'dynamodb'); }
  const held = {};
  for (const [t, r] of Object.entries(b.RequestItems || {})) {
    const keys = Array.isArray(r.Keys) ? r.Keys : [];
    const keep = Math.ceil(keys.length / 2);
    if (keys.length > keep) held[t] = Object.assign({}, r, { Keys: keys.slice(keep) });
    r.Keys = keys.slice(0, keep);
  }
  const inner = Buffer.from(JSON.stringify(b));
  const headers = Object.assign({}, req.headers, { host: `127.0.0.1:${port}`, 'content-length': inner.length });
  const up = http.request({ host: '127.0.0.1', port, method: 'POST', path: req.url, headers }, (r) => {
    const chunks = [];
    r.on('data', (c) => chunks.push(c));
    r.on('end', () => {
      let out;
      try { out = JSON.parse(Buffer.concat(chunks).toString()); } catch (e) { res.writeHead(502); return res.end(); }
      if (r.statusCode === 200) out.UnprocessedKeys = Object.assign({}, out.UnprocessedKeys, held);
      res.writeHead(r.statusCode, { 'content-type': 'application/x-amz-json-1.0', date: new Date(clock()).toUTCString() });
      res.end(JSON.stringify(out));
    });
  });
  up.on('error', () => { res.writeHead(502); res.end(); });
  up.end(inner);
}

// A broken service: answers that are cut short, too big, not the protocol's,
// or that drip. The client must fail cleanly.
function hostile(kind, service, res, done) {
  const xml = service === 'ec2' || service === 'sts';
  const good = xml ? '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet><item>'
    : '{"Items":[{"pk":{"S":"i#i-0123456789abcdef0"},"state":';
  const type = xml ? 'text/xml' : 'application/x-amz-json-1.0';
  done(200, 'hostile-' + kind);
  if (kind === 'truncated') { res.writeHead(200, { 'content-type': type, 'content-length': String(good.length + 100) }); res.write(good); return res.socket.destroy(); }
  if (kind === 'oversized') {
    res.writeHead(200, { 'content-type': type });
    const chunk = Buffer.alloc(1 << 20, xml ? '<a>' : '[');
    let n = 0;
    const more = () => { while (n < 40) { n++; if (!res.write(chunk)) return res.once('drain', more); } res.end(); };
    return more();
  }
  if (kind === 'garbage') { res.writeHead(200, { 'content-type': type }); return res.end(Buffer.from([0, 0xff, 0xfe, 0x3c, 0x00, 0x7b])); }
  if (kind === 'html') { res.writeHead(502, { 'content-type': 'text/html' }); return res.end('<html><body>Bad Gateway</body></html>'); }
  // drip: one byte a second, longer than any client should wait
  res.writeHead(200, { 'content-type': type });
  let i = 0;
  const t = setInterval(() => { if (i >= good.length || res.destroyed) { clearInterval(t); return res.end(); } res.write(good[i++]); }, 1000);
  res.on('close', () => clearInterval(t));
}

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function stsResponse(action, inner) {
  return `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

// The runners' account, as the bootstrap creates it on an instance; here
// once on the host (as root), since every simulated instance shares it.
function runnerAccount() {
  try { execFileSync('id', ['-u', 'runner'], { stdio: 'ignore' }); return; } catch (e) { /* missing */ }
  if (process.getuid() !== 0) return;
  try { execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/bin/sh', 'runner'], { stdio: 'ignore' }); } catch (e) { /* raced */ }
}

async function main() {
  fs.mkdirSync(path.join(dir, 'instances'), { recursive: true });
  runnerAccount();
  const tls = makeCa();
  const ddb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const ddbPort = await listen(ddb);
  const { buildApp } = await import('fauxqs');
  const sqsApp = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: 'us-east-1' });
  await sqsApp.listen({ port: 0, host: '127.0.0.1' });
  const sqsPort = sqsApp.server.address().port;
  const github = createGithub ? createGithub({ dir, log, token: GH_TOKEN, clock, faults, runnerDir: path.join(__dirname, 'runner') }) : noGithub;
  let env = {};
  // The outside listener: the same services, reached from a host outside
  // the pool's VPC (iam.js judges its requests with that network context).
  let outsidePort = -1;
  const ec2 = new Ec2({ dir, verifier, faults, clock, account, runnerDir: path.join(__dirname, 'runner'), instanceEnv: () => env });

  const checked = (action, xml) => { models.checkAnswer('sts', action, xml); return xml; };
  const checkedIam = (action, xml) => { models.checkAnswer('iam', action, xml); return xml; };

  async function front(req, res) {
    const body = await readBody(req);
    const url = new URL(req.url, 'http://x');
    const target = req.headers['x-amz-target'] || '';
    let service, action, params;
    if (target.startsWith('DynamoDB_20120810.')) { service = 'dynamodb'; action = target.slice(18); }
    else if (target.startsWith('AmazonSQS.')) { service = 'sqs'; action = target.slice(10); }
    else {
      params = Object.fromEntries(new URLSearchParams(body.toString()));
      action = params.Action;
      const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(req.headers.authorization || '');
      // The Query protocol is shared: the signed service says who it is for
      // (SQS's older clients use it too).
      service = action === 'AssumeRoleWithWebIdentity' || (scope && scope[1] === 'sts') ? 'sts'
        : scope && scope[1] === 'sqs' ? 'sqs' : scope && scope[1] === 'iam' ? 'iam' : 'ec2';
    }
    // Who signed it: the operator's key, or an instance's role credentials
    // (tests that count what a mode sends leave out the agents' own calls).
    const signer = /Credential=([^/]+)\//.exec(req.headers.authorization || '');
    const entry = { service, action: action || '?', status: 0, code: '', key: signer ? signer[1] : '' };
    log(entry);
    if (recording) requests.push({ service, action, target, contentType: req.headers['content-type'] || '', body: body.toString() });
    const done = (status, code) => { entry.status = status; entry.code = code || ''; };
    const d = faults.decide(service, action, entry.key);
    if (d.hold) faults.holding++;
    if (d.latencyMs) await new Promise((r) => setTimeout(r, d.latencyMs));
    if (d.hold) faults.holding--;
    if (d.fault && d.fault.drop) { done(0, 'dropped'); req.socket.destroy(); return; }
    if (d.fault && d.fault.hostile) return hostile(d.fault.hostile, service, res, done);
    const err = (status, code, message) => {
      done(status, code);
      if (service === 'dynamodb' || (service === 'sqs' && !params)) return jsonError(res, status, code, message, service);
      return xmlError(res, status, code, message, service === 'sts' ? 'https://sts.amazonaws.com/doc/2011-06-15/'
        : service === 'iam' ? IAM_NS : null);
    };
    if (!action) return err(400, 'InvalidAction', 'Could not find operation');
    // dropAnswer: the request is carried out, then the answer is lost.
    const dropAnswer = !!(d.fault && d.fault.dropAnswer);
    const unprocessed = !!(d.fault && d.fault.unprocessed);
    if (d.fault && !dropAnswer && !unprocessed) return err(d.fault.status, d.fault.code, d.fault.message);
    let v = { ok: true };
    if (!(service === 'sts' && action === 'AssumeRoleWithWebIdentity')) {
      v = await verifier.check(req, body, url);
      if (!v.ok) {
        // Each service words a refusal its own way (and DynamoDB says 400).
        if (service === 'ec2') return v.skew ? err(400, 'RequestExpired', 'Request has expired.') : err(401, 'AuthFailure', v.message);
        if (service === 'sts' || service === 'sqs' || service === 'iam') {
          const code = v.skew || v.code === 'SignatureDoesNotMatch' ? 'SignatureDoesNotMatch'
            : v.code === 'UnrecognizedClientException' ? 'InvalidClientTokenId' : v.code;
          return err(403, code, v.message);
        }
        return err(400, v.code, v.message);
      }
    }
    // What AWS's own model of the operation says the request may carry.
    try {
      if (service === 'dynamodb' || (service === 'sqs' && !params)) models.checkJson(service, action, body);
      else if (service === 'ec2' || service === 'sts' || service === 'iam') models.checkQuery(service, action, params);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      models.refused(service, action, e);
      return err(400, e.code, e.message);
    }
    // IAM on AWS's data (iam.js): every request is judged; a refusal is
    // enforced once a test turned it on. Who signed: the ARN the stack issued the key for.
    const who = (v.accessKey && verifier.keys.get(v.accessKey) || {}).arn || 'arn:aws:iam::123456789012:user/simulator';
    const denied = await iam.authorize(service, action, body, params, who, ec2,
      { secure: !!req.socket.encrypted, sourceIp: req.socket.remoteAddress, now: clock(), outside: req.socket.localPort === outsidePort });
    if (denied) return err(denied.status, denied.code, denied.message);
    if (service === 'dynamodb') {
      if (dropAnswer) done(0, 'answer-dropped'); else done(200);
      if (action === 'UpdateTimeToLive' || action === 'DescribeTimeToLive') return ttlOp(ddbPort, req, target, body, res);
      // The TTL setting goes with its table.
      if (action === 'DeleteTable') { try { ttl.delete(JSON.parse(body.toString()).TableName); } catch (e) { /* dynalite answers the malformed */ } }
      if (unprocessed && action === 'BatchGetItem' && !dropAnswer) return batchGetPartly(ddbPort, req, body, res);
      return proxy(ddbPort, req, body, res, dropAnswer);
    }
    if (service === 'sqs') {
      if (dropAnswer) done(0, 'answer-dropped'); else done(200);
      if (action === 'ListQueues' && !params && !dropAnswer) return listQueuesPaged(sqsPort, req, body, res);
      if (!params) iam.noteQueue(action, body);
      return proxy(sqsPort, req, body, res, dropAnswer);
    }
    if (service === 'sts') {
      if (action === 'GetCallerIdentity') {
        done(200);
        res.writeHead(200, { 'content-type': 'text/xml', date: new Date(clock()).toUTCString() });
        return res.end(checked('GetCallerIdentity', stsResponse('GetCallerIdentity', `<Arn>${esc(who)}</Arn><UserId>${v.accessKey}</UserId><Account>123456789012</Account>`)));
      }
      if (action !== 'AssumeRoleWithWebIdentity') return err(400, 'InvalidAction', `Could not find operation ${action}`);
      if (!params.WebIdentityToken) return err(400, 'InvalidIdentityToken', 'The web identity token is missing');
      if (!/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(params.RoleArn || '')) return err(400, 'ValidationError', 'RoleArn is not a valid role ARN');
      const ak = 'ASIA' + crypto.randomBytes(8).toString('hex').toUpperCase();
      const sk = crypto.randomBytes(30).toString('base64');
      const tok = crypto.randomBytes(48).toString('base64');
      const exp = clock() + 3600 * 1000;
      const session = params.RoleSessionName || 'session';
      const arn = params.RoleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/' + session;
      verifier.addKey(ak, sk, tok, exp, arn);
      done(200);
      res.writeHead(200, { 'content-type': 'text/xml', date: new Date(clock()).toUTCString() });
      return res.end(checked('AssumeRoleWithWebIdentity', stsResponse('AssumeRoleWithWebIdentity', `<Credentials><AccessKeyId>${ak}</AccessKeyId><SecretAccessKey>${sk}</SecretAccessKey>` +
        `<SessionToken>${tok}</SessionToken><Expiration>${new Date(exp).toISOString().replace(/\.\d+Z$/, 'Z')}</Expiration></Credentials>` +
        `<SubjectFromWebIdentityToken>repo:octo/demo</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>${esc(arn)}</Arn><AssumedRoleId>AROASIMULATOR:${esc(session)}</AssumedRoleId></AssumedRoleUser>`)));
    }
    if (service === 'iam') {
      if (action !== 'GetRole') return err(400, 'InvalidAction', `Could not find operation ${action}`);
      const r = getRole(params.RoleName);
      if (!r) return err(404, 'NoSuchEntity', `The role with name ${params.RoleName} cannot be found.`);
      done(200);
      res.writeHead(200, { 'content-type': 'text/xml', date: new Date(clock()).toUTCString() });
      return res.end(checkedIam('GetRole', r));
    }
    if (params.Version !== '2016-11-15') return err(400, 'MissingParameter', 'The request must contain the parameter Version');
    try {
      const xml = ec2.handle(action, params);
      models.checkAnswer('ec2', action, xml);
      if (dropAnswer) { done(0, 'answer-dropped'); req.socket.destroy(); return; }
      done(200);
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', date: new Date(clock()).toUTCString() });
      res.end(xml);
    } catch (e) {
      if (!(e instanceof Ec2Error)) throw e;
      err(e.status, e.code, e.message);
    }
  }
  const wrap = (fn) => (req, res) => fn(req, res).catch((e) => { try { res.writeHead(500); res.end(String(e && e.stack)); } catch (x) { /* closed */ } });

  const awsHttps = https.createServer(tls, wrap(front));
  const awsOutside = https.createServer(tls, wrap(front));
  const awsHttp = http.createServer(wrap(front));
  const ghHttps = https.createServer(tls, wrap(async (req, res) => github.handle(req, res, await readBody(req))));
  const control = http.createServer(wrap(async (req, res) => {
    const body = await readBody(req);
    const json = (o, s) => { res.writeHead(s || 200, { 'content-type': 'application/json' }); res.end(JSON.stringify(o, null, 1)); };
    let b = {};
    try { b = body.length ? JSON.parse(body.toString()) : {}; } catch (e) { return json({ error: 'bad JSON' }, 400); }
    const u = new URL(req.url, 'http://x').pathname;
    if (req.method === 'GET' && u === '/instances') return json(ec2.inspect());
    if (req.method === 'GET' && u === '/templates') return json(ec2.inspectTemplates());
    // ?from=N: only the calls after the first N (a bench's window, without
    // the whole log each time); /calls/count: how many so far.
    if (req.method === 'GET' && u === '/calls') return json(calls.slice(Number(new URL(req.url, 'http://x').searchParams.get('from')) || 0));
    if (req.method === 'GET' && u === '/calls/count') return json({ count: calls.length });
    if (req.method === 'POST' && u === '/ghosts') { try { return json({ ids: ec2.ghosts(b) }, 201); } catch (e) { if (!(e instanceof Ec2Error)) throw e; return json({ error: e.message }, 400); } }
    if (req.method === 'GET' && u === '/models') return json(models.report());
    if (req.method === 'POST' && u === '/record') { recording = !!b.on; if (b.clear) requests.length = 0; return json({ recording }); }
    if (req.method === 'GET' && u === '/requests') return json(requests);
    if (req.method === 'GET' && u === '/runners') return json(github.inspect().runners);
    if (req.method === 'GET' && u === '/jobs') return json(github.inspect().jobs);
    if (req.method === 'GET' && u.startsWith('/jobs/')) { const j = github.job(Number(u.slice(6))); return j ? json(j) : json({ error: 'no such job' }, 404); }
    if (req.method === 'POST' && u === '/jobs') return json(github.addJob(String(b.label || ''), b.script), 201);
    if (req.method === 'POST' && u === '/iam') {
      iam.enable(b.pool ? String(b.pool) : env.EC2RP_POOL, !!b.pool, { vpcEndpoints: !!b.vpcEndpoints, outside: b.outside,
        instancePolicy: b.instancePolicy ? String(b.instancePolicy) : null, controlPolicy: b.controlPolicy ? String(b.controlPolicy) : null });
      return json({ pool: iam.pool, enforced: iam.enforced, vpcEndpoints: iam.vpcEndpoints, outside: iam.outside, instancePolicy: iam.instancePolicy,
        controlPolicy: iam.controlPolicy });
    }
    if (req.method === 'GET' && u === '/iam') return json(iam.report());
    if (req.method === 'POST' && u === '/github-apps') { try { return json(github.addApp(b), 201); } catch (e) { return json({ error: e.message }, 400); } }
    if (req.method === 'POST' && u === '/runner-releases') return json(github.setRunnerReleases(b.releases, b.down));
    if (req.method === 'GET' && u === '/runner-releases') return json(github.setRunnerReleases(null, undefined));
    if (req.method === 'POST' && u === '/release-assets') { github.addAsset(String(b.repo), String(b.tag), String(b.name), String(b.file)); return json({ ok: true }); }
    if (req.method === 'POST' && u === '/spot-interrupt') return ec2.spotInterrupt(String(b.id), Number(b.seconds || 120), !!b.rebalanceOnly) ? json({ ok: true }) : json({ error: 'no such running instance' }, 404);
    if (req.method === 'POST' && u === '/account') { if (b.spotRole !== undefined) account.spotRole = !!b.spotRole; return json(account); }
    if (req.method === 'POST' && u === '/images') { ec2.setImage(String(b.id), b); return json({ ok: true }); }
    if (req.method === 'GET' && u === '/faults') return json({ injected: faults.injected, pending: faults.next, holding: faults.holding });
    if (req.method === 'POST' && u === '/faults') { faults.set(b); return json({ ok: true }); }
    if (req.method === 'POST' && u === '/reset-faults') { faults.reset(); return json({ ok: true }); }
    if (req.method === 'POST' && u === '/clock') { skewMs = Number(b.skewSeconds || 0) * 1000; return json({ skewSeconds: skewMs / 1000 }); }
    if (req.method === 'POST' && u === '/imds-credential-ttl') { ec2.credTtl = Number(b.seconds) || 3600; return json({ ok: true }); }
    return json({ error: 'not found' }, 404);
  }));

  const [pHttps, pHttp, pGh, pCtl] = [await listen(awsHttps), await listen(awsHttp), await listen(ghHttps), await listen(control)];
  outsidePort = await listen(awsOutside);
  const ca = path.join(dir, 'ca.pem');
  env = {
    PATH: `${path.join(top, 'build', 'bin')}:/usr/local/bin:/usr/bin:/bin`,
    AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: `https://localhost:${pHttps}`, AWS_CA_BUNDLE: ca,
    GITHUB_API_URL: `https://localhost:${pGh}`, EC2RP_POOL: process.env.EC2RP_POOL || 'ec2-runner-pool', LANG: 'C',
  };
  // The pool AMI's stand-in runner is the newest release at the stack's start.
  if (github.latestRunnerVersion) env.SIM_RUNNER_VERSION = github.latestRunnerVersion();
  // The simulated runner's timings reach the instances (tests/sim/runner),
  // the agent's interval a test shortens, and whether a test's one instance has its account to itself.
  for (const k of ['SIM_RUNNER_REGISTER_SEC', 'SIM_RUNNER_REMOVE_SEC', 'SIM_RUNNER_START_SEC', 'SIM_RUNNER_TRACE', 'SIM_RUNNER_OWN_ACCOUNT',
    'EC2RP_REANNOUNCE_SEC']) if (process.env[k]) env[k] = process.env[k];
  const lines = {
    AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: KEY.id, AWS_SECRET_ACCESS_KEY: KEY.secret,
    AWS_ENDPOINT_URL: `https://localhost:${pHttps}`, AWS_ENDPOINT_URL_HTTP: `http://127.0.0.1:${pHttp}`,
    SIM_AWS_OUTSIDE: `https://localhost:${outsidePort}`,
    AWS_CA_BUNDLE: ca, AWS_EC2_METADATA_DISABLED: 'true', GITHUB_API_URL: `https://localhost:${pGh}`, GITHUB_TOKEN: GH_TOKEN,
    SIM_CONTROL: `http://127.0.0.1:${pCtl}`, SIM_DIR: dir, SIM_PID: String(process.pid),
  };
  // The runners run as an unprivileged account (as on a real instance): it
  // may pass through the stack's folder to its instance and read the CA,
  // never list the folder or read the keys and the environment.
  fs.writeFileSync(path.join(dir, 'env.tmp'), Object.entries(lines).map(([k, v]) => `export ${k}='${v}'`).join('\n') + '\n', { mode: 0o600 });
  for (const f of ['ca.key', 'server.key']) fs.chmodSync(path.join(dir, f), 0o600);
  fs.chmodSync(ca, 0o644);
  fs.chmodSync(dir, 0o711);
  fs.chmodSync(path.join(dir, 'instances'), 0o711);
  fs.renameSync(path.join(dir, 'env.tmp'), path.join(dir, 'env'));

  const stop = () => {
    ec2.close();
    for (const s of [awsHttps, awsOutside, awsHttp, ghHttps, control, ddb]) { try { s.close(); } catch (e) { /* closed */ } }
    sqsApp.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => { console.error('sim: fatal:', e && e.stack); process.exit(1); });
