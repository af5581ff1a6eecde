'use strict';
// IAM for the stack: the policies of docs/iam/ enforced for the credentials
// the stack issues, once a test asks for it (POST /iam {"pool"}). The
// controlplane's keys (the environment's, web identity ones) get
// controlplane.json, each instance's role credentials instance.json with
// ec2:SourceInstanceARN set to that instance. A request is turned into what
// IAM authorizes (the action, each resource's ARN, the context keys the
// policies use) and evaluated: an explicit Deny wins, else some Allow must
// match, else AccessDenied in the service's own words.
//
// Written from AWS's policy language reference; where this is narrower than
// AWS (a subset of condition operators, the resources of CreateFleet reduced
// to the fleet and instance/*), docs/local-stack.md says so.
const fs = require('fs');
const path = require('path');

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DOCS = path.join(__dirname, '..', '..', 'docs', 'iam');

// A policy file with its placeholders filled in.
function load(name, pool) {
  const vars = { ACCOUNT, REGION, POOL: pool, INSTANCE_ROLE: 'ec2-runner-pool-instance' };
  let text = fs.readFileSync(path.join(DOCS, name), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(k).join(v);
  return JSON.parse(text);
}

const list = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

// IAM's wildcards: * any run, ? one character.
function glob(pattern, value, caseless) {
  const re = pattern.replace(/[.+^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, caseless ? 'i' : '').test(value);
}

// ${key} policy variables from the request context; an unknown one makes
// the value match nothing (AWS: the statement does not apply).
function expand(value, ctx) {
  let unknown = false;
  const out = String(value).replace(/\$\{([^}]+)\}/g, (m, k) => {
    if (ctx[k] === undefined) { unknown = true; return ''; }
    return Array.isArray(ctx[k]) ? ctx[k][0] : ctx[k];
  });
  return unknown ? null : out;
}

const OPS = {
  StringEquals: (p, v) => p === v,
  StringLike: (p, v) => glob(p, v, false),
  StringNotEquals: (p, v) => p !== v,
  ArnEquals: (p, v) => p === v,
  ArnLike: (p, v) => glob(p, v, false),
};

// One condition block: every operator, every key must hold.
function conditionHolds(cond, ctx) {
  for (const [rawOp, keys] of Object.entries(cond || {})) {
    let op = rawOp;
    let set = '';
    const m = /^(ForAllValues|ForAnyValue):(.+)$/.exec(op);
    if (m) { set = m[1]; op = m[2]; }
    const ifExists = op.endsWith('IfExists');
    if (ifExists) op = op.slice(0, -8);
    const test = OPS[op];
    if (!test) throw new Error(`iam.js: condition operator ${rawOp} not implemented`);
    for (const [key, want] of Object.entries(keys)) {
      const wants = list(want).map((w) => expand(w, ctx)).filter((w) => w !== null);
      const have = ctx[key] === undefined ? [] : list(ctx[key]);
      const one = (v) => wants.some((w) => test(w, v));
      if (set === 'ForAllValues') { if (!have.every(one)) return false; continue; }
      if (set === 'ForAnyValue') { if (!have.some(one)) return false; continue; }
      if (!have.length) { if (ifExists) continue; return false; }
      if (!have.every(one)) return false;
    }
  }
  return true;
}

// 'allow', 'deny' or 'none' for one action on one resource.
function decide(policy, action, resource, ctx) {
  let allowed = false;
  for (const s of list(policy.Statement)) {
    if (!list(s.Action).some((a) => glob(a, action, true))) continue;
    if (!list(s.Resource).some((r) => { const e = expand(r, ctx); return e !== null && glob(e, resource, false); })) continue;
    if (!conditionHolds(s.Condition, ctx)) continue;
    if (s.Effect === 'Deny') return 'deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'none';
}

const arn = {
  table: (t) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${t}`,
  queue: (q) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${q}`,
  ec2: (kind, id) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${kind}/${id}`,
};

// What IAM authorizes for one request: [{ action, resource, ctx }].
function checks(service, action, body, params, ec2) {
  if (service === 'dynamodb') {
    let b = {};
    try { b = JSON.parse(body.toString()); } catch (e) { /* the model check answers */ }
    const pk = (k) => k && k.pk && k.pk.S;
    if (action === 'BatchGetItem') {
      return Object.entries(b.RequestItems || {}).map(([t, r]) => ({ action: 'dynamodb:BatchGetItem', resource: arn.table(t),
        ctx: { 'dynamodb:LeadingKeys': list(r.Keys).map(pk).filter(Boolean) } }));
    }
    const key = pk(b.Key) || pk(b.Item);
    return [{ action: `dynamodb:${action}`, resource: arn.table(b.TableName || ''), ctx: key ? { 'dynamodb:LeadingKeys': [key] } : {} }];
  }
  if (service === 'sqs') {
    let b = {};
    try { b = JSON.parse(body.toString()); } catch (e) { /* XML or bad */ }
    if (params) b = params;
    // ListQueues names no queue: the SQS Developer Guide's permissions
    // reference gives its resource as arn:aws:sqs:region:account_id:*.
    const name = action === 'ListQueues' ? '*' : b.QueueName || String(b.QueueUrl || '').split('/').pop();
    return [{ action: `sqs:${action.replace(/Batch$/, '')}`, resource: arn.queue(name), ctx: {} }];
  }
  if (service === 'ec2') {
    const ids = Object.keys(params).filter((k) => /^InstanceId\.\d+$/.test(k)).map((k) => params[k]);
    switch (action) {
      case 'TerminateInstances':
        return ids.map((id) => {
          const inst = ec2.instances.get(id);
          const ctx = { 'aws:ARN': arn.ec2('instance', id) };
          for (const [k, v] of Object.entries((inst && inst.tags) || {})) ctx[`ec2:ResourceTag/${k}`] = v;
          return { action: 'ec2:TerminateInstances', resource: arn.ec2('instance', id), ctx };
        });
      case 'CreateFleet': {
        const out = [{ action: 'ec2:CreateFleet', resource: arn.ec2('fleet', '*'), ctx: {} },
          { action: 'ec2:RunInstances', resource: arn.ec2('instance', '*'), ctx: {} }];
        if (Object.keys(params).some((k) => k.startsWith('TagSpecification.'))) {
          out.push({ action: 'ec2:CreateTags', resource: arn.ec2('instance', '*'), ctx: { 'ec2:CreateAction': 'CreateFleet' } });
        }
        return out;
      }
      case 'CreateLaunchTemplate':
        return [{ action: 'ec2:CreateLaunchTemplate', resource: arn.ec2('launch-template', '*'), ctx: {} }];
      case 'CreateLaunchTemplateVersion':
      case 'ModifyLaunchTemplate': {
        const t = ec2.templates.get(params.LaunchTemplateName);
        return [{ action: `ec2:${action}`, resource: arn.ec2('launch-template', t ? t.id : params.LaunchTemplateId || '*'), ctx: {} }];
      }
      case 'CreateTags':
        return [{ action: 'ec2:CreateTags', resource: arn.ec2('instance', '*'), ctx: {} }];
      default:
        return [{ action: `ec2:${action}`, resource: '*', ctx: {} }];
    }
  }
  return []; // STS: GetCallerIdentity needs no permission; web identity is unsigned
}

class Iam {
  constructor() { this.pool = null; this.refusals = []; }

  enable(pool) {
    this.pool = pool || null;
    this.policies = pool ? { controlplane: load('controlplane.json', pool), instance: load('instance.json', pool) } : null;
  }

  // null when allowed, else the refusal { status, code, message }.
  authorize(service, action, body, params, principal, ec2) {
    if (!this.pool || service === 'sts') return null;
    const who = principal || `arn:aws:iam::${ACCOUNT}:user/simulator`;
    const m = /:assumed-role\/[^/]+\/(i-[0-9a-f]+)$/.exec(who);
    const policy = m ? this.policies.instance : this.policies.controlplane;
    const base = m ? { 'ec2:SourceInstanceARN': arn.ec2('instance', m[1]) } : {};
    for (const c of checks(service, action, body, params, ec2)) {
      const d = decide(policy, c.action, c.resource, Object.assign({}, base, c.ctx));
      if (d === 'allow') continue;
      const why = d === 'deny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${c.action} action`;
      const message = `User: ${who} is not authorized to perform: ${c.action} on resource: ${c.resource} ${why}`;
      this.refusals.push({ principal: who, action: c.action, resource: c.resource });
      if (service === 'ec2') return { status: 403, code: 'UnauthorizedOperation', message: `You are not authorized to perform this operation. ${message}` };
      if (service === 'sqs') return { status: 403, code: 'AccessDenied', message };
      return { status: 400, code: 'AccessDeniedException', message };
    }
    return null;
  }
}

module.exports = { Iam, decide, conditionHolds };
