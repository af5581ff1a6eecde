'use strict';
// Seeds a running stack with a large pool for tests/bench/scale.sh, the way
// the tools write it (docs/state-model.md), without an agent per instance:
//   seed.js DIR ghosts N CLASS   N ghost instances (tests/sim/ec2.js) under
//                                the pool's tags, each with a running record
//                                owned by a run of its own and a heartbeat;
//                                prints their ids
//   seed.js DIR gone N CLASS     N terminated records with no instance (what
//                                a busy pool's table holds for 7 days)
//   seed.js DIR expire ID...     puts those running records' thresholds in
//                                the past (refresh terminates them)
// Writes go through the stack's signed API (BatchWriteItem of 25, a few at
// once), so the table is the one the tools read.
const path = require('path');
const { Stack } = require(path.join(__dirname, '..', 'sim', 'testlib'));

const [dir, what, ...rest] = process.argv.slice(2);
const s = Stack.attach(dir);
const table = s.env.EC2RP_POOL || process.env.EC2RP_POOL || 'ec2-runner-pool';
const now = Math.floor(Date.now() / 1000);
const S = (v) => ({ S: String(v) });
const N = (v) => ({ N: String(v) });
const arn = (id) => `arn:aws:ec2:us-east-1:123456789012:instance/${id}`;

async function call(op, body) {
  for (let i = 0; ; i++) {
    const r = await s.ddb(op, body);
    if (r.status === 200) return JSON.parse(r.body);
    if (i >= 5) throw new Error(`${op}: ${r.status} ${r.body}`);
  }
}
// Puts the items, 25 a request, 4 requests at a time; unprocessed ones again.
async function putAll(items) {
  const chunks = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  const one = async (c) => {
    let req = { [table]: c.map((Item) => ({ PutRequest: { Item } })) };
    while (req && Object.keys(req).length) req = (await call('BatchWriteItem', { RequestItems: req })).UnprocessedItems;
  };
  while (chunks.length) await Promise.all(chunks.splice(0, 4).map(one));
}

async function main() {
  if (what === 'ghosts' || what === 'gone') {
    const n = Number(rest[0]), cls = rest[1] || 'large';
    let ids;
    if (what === 'ghosts') {
      const tags = { 'ec2-runner-pool:pool': table, 'ec2-runner-pool:run-id': 'bench-ghost', 'ec2-runner-pool:resource-class': cls };
      // Launched an hour ago: past refresh's orphan grace, as a pool's are.
      const r = await s.control('/ghosts', { count: n, tags, type: 'm5.large', ageSeconds: 3600 });
      if (r.status !== 201) throw new Error('ghosts: ' + r.body);
      ids = r.json().ids;
    } else {
      ids = Array.from({ length: n }, () => 'i-' + require('crypto').randomBytes(9).toString('hex').slice(0, 17));
    }
    const items = [];
    ids.forEach((id, i) => {
      const rec = { pk: S('i#' + id), resourceClass: S(cls), instanceType: S('m5.large'), usageClass: S('on-demand'),
        repository: S('octo/bench'), updatedAt: N(now) };
      if (what === 'ghosts') {
        // Serving a run of its own, as created -> running leaves it.
        Object.assign(rec, { state: S('running'), runId: S(`ghost-${i}`), threshold: N(now + 3600) });
        items.push({ pk: S('hb#' + arn(id)), at: N(now), ttl: N(now + 86400) });
      } else {
        Object.assign(rec, { state: S('terminated'), threshold: N(now - 3600), ttl: N(now + 7 * 86400) });
      }
      items.push(rec);
    });
    await putAll(items);
    process.stdout.write(ids.map((id) => id + '\n').join(''));
    return;
  }
  if (what === 'expire') {
    const todo = rest.slice();
    const one = (id) => call('UpdateItem', { TableName: table, Key: { pk: S('i#' + id) },
      UpdateExpression: 'SET #t = :t, updatedAt = :u', ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#t': 'threshold' }, ExpressionAttributeValues: { ':t': N(now - 60), ':u': N(now) } });
    while (todo.length) await Promise.all(todo.splice(0, 8).map(one));
    return;
  }
  console.error('usage: seed.js DIR ghosts N CLASS | gone N CLASS | expire ID...');
  process.exit(2);
}
main().catch((e) => { console.error('seed: ' + e.message); process.exit(1); });
