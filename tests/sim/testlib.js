'use strict';
// Helpers for the stack's own tests (kept outside test/ so that node --test
// does not take this file for a test). Each test file starts its own stack.
const https = require('https');
const http = require('http');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const stackCmd = path.join(__dirname, 'stack');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function loadEnv(d) {
  const o = {};
  for (const line of fs.readFileSync(path.join(d, 'env'), 'utf8').split('\n')) {
    const m = /^export (\w+)='(.*)'$/.exec(line);
    if (m) o[m[1]] = m[2];
  }
  return o;
}

// One HTTP(S) exchange; resolves { status, headers, body } or rejects on a
// network error (a dropped connection, a refused port, a bad certificate).
function request(url, { method = 'POST', headers = {}, body = '', ca, timeoutMs } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const r = mod.request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers, ca },
      (res) => {
        const c = [];
        res.on('data', (d) => c.push(d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(c).toString() }));
        res.on('error', reject);
      });
    r.on('error', reject);
    if (timeoutMs) r.setTimeout(timeoutMs, () => r.destroy(new Error('timeout')));
    r.end(body);
  });
}

// A started stack with signed-request helpers bound to it.
class Stack {
  constructor(args) {
    const t0 = Date.now();
    this.dir = execFileSync('sh', [stackCmd, 'start', ...(args || [])]).toString().trim();
    this.startMs = Date.now() - t0;
    this.env = loadEnv(this.dir);
    this.ca = fs.readFileSync(this.env.AWS_CA_BUNDLE);
  }
  // A stack someone else started (its folder): the same helpers, no stop.
  static attach(dir) {
    const s = Object.create(Stack.prototype);
    s.dir = dir;
    s.env = loadEnv(dir);
    s.ca = fs.readFileSync(s.env.AWS_CA_BUNDLE);
    return s;
  }
  stop() {
    execFileSync('sh', [stackCmd, 'stop', this.dir]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
  request(url, o) { return request(url, Object.assign({ ca: this.ca }, o)); }
  // Signs with the stack's key unless creds { key, secret, token } are given;
  // date overrides the signing time; url overrides the endpoint.
  async signed(service, headers, body, o = {}) {
    const base = o.url || this.env.AWS_ENDPOINT_URL;
    const u = new URL(base);
    const signer = new SignatureV4({
      credentials: { accessKeyId: o.key || this.env.AWS_ACCESS_KEY_ID, secretAccessKey: o.secret || this.env.AWS_SECRET_ACCESS_KEY, sessionToken: o.token },
      region: 'us-east-1', service, sha256: Sha256,
    });
    const req = await signer.sign({ method: 'POST', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: '/',
      headers: Object.assign({ host: u.host }, headers), body }, { signingDate: o.date || new Date() });
    return this.request(base + '/', { headers: req.headers, body, timeoutMs: o.timeoutMs });
  }
  ddb(op, obj, o) { return this.signed('dynamodb', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${op}` }, JSON.stringify(obj), o); }
  sqs(op, obj, o) { return this.signed('sqs', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` }, JSON.stringify(obj), o); }
  ec2(params, o) {
    return this.signed('ec2', { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(Object.assign({ Version: '2016-11-15' }, params)).toString(), o);
  }
  sts(params, o) {
    return this.signed('sts', { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(Object.assign({ Version: '2011-06-15' }, params)).toString(), o);
  }
  async control(p, body) {
    const r = await request(this.env.SIM_CONTROL + p, body === undefined ? { method: 'GET' }
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return Object.assign(r, { json: () => JSON.parse(r.body) });
  }
  async instance(id) { return (await this.control('/instances')).json().find((i) => i.id === id); }
  // A launch template running user data `script`; returns its name.
  async template(name, script, extra) {
    const r = await this.ec2(Object.assign({ Action: 'CreateLaunchTemplate', LaunchTemplateName: name,
      'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0', 'LaunchTemplateData.UserData': Buffer.from(script).toString('base64') }, extra));
    if (r.status !== 200) throw new Error(r.body);
    return name;
  }
  // CreateFleet of n t3.medium from a template; returns { r, ids }.
  async fleet(template, n, extra) {
    const r = await this.ec2(Object.assign({ Action: 'CreateFleet', Type: 'instant', 'TargetCapacitySpecification.TotalTargetCapacity': String(n),
      'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': template,
      'LaunchTemplateConfigs.1.Overrides.1.InstanceType': 't3.medium' }, extra));
    return { r, ids: [...r.body.matchAll(/<item>(i-[0-9a-f]{17})<\/item>/g)].map((m) => m[1]) };
  }
  // Polls fn until it returns something truthy, or fails after ms.
  async until(fn, ms, what) {
    const end = Date.now() + (ms || 5000);
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error('timed out waiting for ' + (what || 'a condition'));
      await sleep(50);
    }
  }
}

module.exports = { Stack, request, loadEnv, sleep, stackCmd };
