'use strict';
// Conformance: each request our C tools sent (recorded by the stack) is
// rebuilt with the official AWS SDK for JavaScript v3 and serialized by it,
// without sending; the two must be the same: every Query parameter name and
// value (EC2, STS), every JSON member (DynamoDB, SQS), X-Amz-Target and the
// content type. A request the SDK would write differently is a request AWS
// may read differently.
//   node conformance.js REQUESTS.json OPERATION...
// prints TAP: one check per recorded request, one per operation that must
// have been seen; exits 1 on any failure.
const fs = require('fs');
const { Models } = require('./model');

const SDK = {
  ec2: () => require('@aws-sdk/client-ec2'),
  sts: () => require('@aws-sdk/client-sts'),
  dynamodb: () => require('@aws-sdk/client-dynamodb'),
  sqs: () => require('@aws-sdk/client-sqs'),
};
const CLIENT = { ec2: 'EC2Client', sts: 'STSClient', dynamodb: 'DynamoDBClient', sqs: 'SQSClient' };
const models = new Models();

// The request the SDK would send for op with input: serialized, not sent.
async function sdkRequest(svc, op, input) {
  const mod = SDK[svc]();
  const client = new mod[CLIENT[svc]]({ region: 'us-east-1', endpoint: 'https://localhost',
    credentials: { accessKeyId: 'AKIDCONFORMANCE', secretAccessKey: 'x' } });
  let captured = null;
  client.middlewareStack.add((next) => async (args) => { captured = args.request; throw new Error('captured'); },
    { step: 'build', name: 'captureRequest', priority: 'low' });
  const Cmd = mod[`${op}Command`];
  if (!Cmd) throw new Error(`the SDK has no ${op}Command`);
  try { await client.send(new Cmd(input)); } catch (e) { if (!captured) throw e; }
  return { headers: captured.headers, body: typeof captured.body === 'string' ? captured.body : Buffer.from(captured.body || '').toString() };
}

// Query parameters -> the SDK's input: wire names back to member names, as
// EC2's model (queryName/locationName) and STS's (member names) say.
function queryInput(svc, op, params) {
  const shape = models.resolve(svc, models.model(svc).operations[op].input);
  const tree = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'Action' || k === 'Version') continue;
    const parts = k.split('.');
    let node = tree;
    for (let i = 0; i < parts.length - 1; i++) node = node[parts[i]] = node[parts[i]] || {};
    node[parts[parts.length - 1]] = v;
  }
  return build(svc, shape, tree);
}

function build(svc, shape, node) {
  const type = shape.type || 'string';
  if (type === 'structure') {
    const out = {};
    for (const [name, ref] of Object.entries(shape.members || {})) {
      const w = models.wireName(svc, name, ref);
      if (w in node) out[name] = build(svc, models.resolve(svc, ref), node[w]);
    }
    return out;
  }
  if (type === 'list') {
    const items = svc !== 'ec2' && !shape.flattened ? node.member || {} : node;
    return Object.keys(items).sort((a, b) => a - b).map((k) => build(svc, models.resolve(svc, shape.member), items[k]));
  }
  if (type === 'integer' || type === 'long' || type === 'double' || type === 'float') return Number(node);
  if (type === 'boolean') return node === 'true';
  return node;
}

const params = (body) => Object.fromEntries(new URLSearchParams(body));
const sorted = (o) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));

function diffParams(a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).map((k) => `${k}: ours ${JSON.stringify(a[k])}, SDK ${JSON.stringify(b[k])}`);
}

function deepDiff(a, b, at, out) {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    out.push(`${at || 'body'}: ours ${JSON.stringify(a)}, SDK ${JSON.stringify(b)}`);
    return out;
  }
  if (a && typeof a === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) deepDiff(a[k], b[k], at ? `${at}.${k}` : k, out);
  } else if (a !== b) out.push(`${at}: ours ${JSON.stringify(a)}, SDK ${JSON.stringify(b)}`);
  return out;
}

async function check(r) {
  const problems = [];
  if (r.service === 'ec2' || r.service === 'sts') {
    const ours = params(r.body);
    const sdk = await sdkRequest(r.service, r.action, queryInput(r.service, r.action, ours));
    const theirs = params(sdk.body);
    problems.push(...diffParams(ours, theirs));
    if (!/^application\/x-www-form-urlencoded/.test(r.contentType)) problems.push(`content type ${r.contentType}`);
    return problems;
  }
  const ours = JSON.parse(r.body || '{}');
  const sdk = await sdkRequest(r.service, r.action, JSON.parse(r.body || '{}'));
  deepDiff(ours, JSON.parse(sdk.body || '{}'), '', problems);
  const target = sdk.headers['x-amz-target'] || sdk.headers['X-Amz-Target'];
  if (target !== r.target) problems.push(`X-Amz-Target: ours ${r.target}, SDK ${target}`);
  const ct = sdk.headers['content-type'] || sdk.headers['Content-Type'];
  if (ct !== r.contentType) problems.push(`content type: ours ${r.contentType}, SDK ${ct}`);
  return problems;
}

async function main() {
  const reqs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const want = process.argv.slice(3);
  let n = 0, bad = 0;
  const seen = new Set();
  const done = new Set();
  for (const r of reqs) {
    const key = `${r.service} ${r.action}`;
    seen.add(key);
    // One check per distinct request shape: the same call repeated adds nothing.
    const shapeKey = key + ' ' + (r.service === 'ec2' || r.service === 'sts' ? sorted(Object.fromEntries(Object.keys(params(r.body)).map((k) => [k.replace(/\.\d+/g, '.N'), 1])))
      : JSON.stringify(Object.keys(JSON.parse(r.body || '{}')).sort()));
    if (done.has(shapeKey)) continue;
    done.add(shapeKey);
    let problems;
    try { problems = await check(r); } catch (e) { problems = [`the SDK could not build it: ${e.message}`]; }
    n++;
    if (problems.length) {
      bad++;
      console.log(`not ok ${n} - ${key}: the SDK writes it differently`);
      for (const p of problems.slice(0, 10)) console.log(`#   ${p}`);
    } else console.log(`ok ${n} - ${key} matches the SDK's request`);
  }
  for (const w of want) {
    n++;
    if (seen.has(w)) console.log(`ok ${n} - ${w} was exercised`);
    else { bad++; console.log(`not ok ${n} - ${w} was not exercised by any tool call`); }
  }
  console.log(`# conformance: ${reqs.length} requests, ${done.size} distinct shapes, ${want.length} operations`);
  process.exit(bad ? 1 : 0);
}

main().catch((e) => { console.log(`not ok - conformance: ${e.stack}`); process.exit(1); });
