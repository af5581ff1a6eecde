'use strict';
// The stack's IAM: requests become what AWS authorizes (action, resource,
// request context) and AWS's data decides (iam.js, iam-simulate). The
// documented policies scope what each side may do, and the self-termination
// holds on documented keys only.
const { test } = require('node:test');
const assert = require('node:assert');
const { Iam, checks, evaluate, load, instanceSession } = require('../iam');

const ID_A = 'i-0000000000000000a';
const ID_B = 'i-0000000000000000b';
const INST = `arn:aws:sts::123456789012:assumed-role/ec2-runner-pool-instance/${ID_A}`;
const ec2 = {
  instances: new Map([[ID_A, { tags: { 'ec2-runner-pool:pool': 'pool' }, type: 'm5.large' }],
    [ID_B, { tags: { 'ec2-runner-pool:pool': 'pool' } }], ['i-0000000000000000c', { tags: {} }]]),
  // The pool's template carries the pool's tag; another team's does not.
  findTemplate: (p) => ({ id: 'lt-0000000000000000a', name: p.LaunchTemplateName, versions: [{ ImageId: 'ami-00000000', 'IamInstanceProfile.Name': 'p' }],
    tags: p.LaunchTemplateName === 'pool' ? { 'ec2-runner-pool:pool': 'pool' } : {} }),
  zoneOf: () => 'us-east-1a',
};
const ddb = (pk) => Buffer.from(JSON.stringify({ TableName: 'pool', Key: { pk: { S: pk } } }));
const term = (id) => ({ 'InstanceId.1': id });
const arnOf = (id) => `arn:aws:ec2:us-east-1:123456789012:instance/${id}`;

function enforced() {
  const iam = new Iam();
  iam.enable('pool');
  return iam;
}

test('the instance role: its own items and itself, nothing else', async () => {
  const iam = enforced();
  assert.strictEqual(await iam.authorize('dynamodb', 'GetItem', ddb(`i#${ID_A}`), null, INST, ec2), null);
  assert.strictEqual(await iam.authorize('dynamodb', 'PutItem', ddb(`sig#${arnOf(ID_A)}`), null, INST, ec2), null);
  assert.strictEqual((await iam.authorize('dynamodb', 'PutItem', ddb(`sig#${arnOf(ID_B)}`), null, INST, ec2)).code, 'AccessDeniedException');
  assert.strictEqual((await iam.authorize('dynamodb', 'UpdateItem', ddb(`i#${ID_A}`), null, INST, ec2)).code, 'AccessDeniedException');
  assert.strictEqual((await iam.authorize('dynamodb', 'GetItem', ddb('cfg#idle-time-sec'), null, INST, ec2)).code, 'AccessDeniedException');
  assert.strictEqual(await iam.authorize('ec2', 'TerminateInstances', null, term(ID_A), INST, ec2), null, 'it may terminate itself');
  assert.strictEqual((await iam.authorize('ec2', 'TerminateInstances', null, term(ID_B), INST, ec2)).code, 'UnauthorizedOperation');
  assert.deepStrictEqual(iam.report().ignoredKeys, [], 'every context key is one AWS documents for its action');
});

test('the controlplane: the pool table, queues and tagged instances', async () => {
  const iam = enforced();
  assert.strictEqual(await iam.authorize('dynamodb', 'Scan', Buffer.from('{"TableName":"pool"}'), null, null, ec2), null);
  assert.strictEqual((await iam.authorize('dynamodb', 'Scan', Buffer.from('{"TableName":"other"}'), null, null, ec2)).code, 'AccessDeniedException');
  assert.strictEqual(await iam.authorize('ec2', 'TerminateInstances', null, term(ID_B), null, ec2), null);
  assert.strictEqual((await iam.authorize('ec2', 'TerminateInstances', null, term('i-0000000000000000c'), null, ec2)).code, 'UnauthorizedOperation',
    'an instance without the pool tag');
  // Queues are the pool's by their tag: a pool named pool-x has queues pool-x-* too.
  iam.noteQueue('CreateQueue', Buffer.from('{"QueueName":"pool-large","tags":{"ec2-runner-pool:pool":"pool"}}'));
  iam.noteQueue('CreateQueue', Buffer.from('{"QueueName":"pool-x-large","tags":{"ec2-runner-pool:pool":"pool-x"}}'));
  assert.strictEqual(await iam.authorize('sqs', 'ReceiveMessage', Buffer.from('{"QueueUrl":"https://q/123456789012/pool-large"}'), null, null, ec2), null);
  assert.strictEqual((await iam.authorize('sqs', 'ReceiveMessage', Buffer.from('{"QueueUrl":"https://q/123456789012/pool-x-large"}'), null, null, ec2)).code, 'AccessDenied');
  assert.strictEqual((await iam.authorize('sqs', 'ReceiveMessage', Buffer.from('{"QueueUrl":"https://q/123456789012/other-large"}'), null, null, ec2)).code, 'AccessDenied');
  assert.strictEqual(await iam.authorize('sqs', 'ListQueues', Buffer.from('{}'), null, null, ec2), null);
  const fleet = { 'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'pool', 'LaunchTemplateConfigs.1.Overrides.1.SubnetId': 'subnet-0000000a',
    'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'ec2-runner-pool:pool', 'TagSpecification.1.Tag.1.Value': 'pool' };
  assert.strictEqual(await iam.authorize('ec2', 'CreateFleet', null, fleet, null, ec2), null);
  const other = Object.assign({}, fleet, { 'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'other' });
  assert.strictEqual((await iam.authorize('ec2', 'CreateFleet', null, other, null, ec2)).code, 'UnauthorizedOperation', 'a template not tagged with the pool');
  const theirs = Object.assign({}, fleet, { 'TagSpecification.1.Tag.1.Value': 'pool-x' });
  assert.strictEqual((await iam.authorize('ec2', 'CreateFleet', null, theirs, null, ec2)).code, 'UnauthorizedOperation', 'instances tagged as another pool\'s');
  assert.strictEqual((await iam.authorize('ec2', 'CreateLaunchTemplateVersion', null, { LaunchTemplateName: 'other' }, null, ec2)).code, 'UnauthorizedOperation');
  assert.strictEqual(await iam.authorize('ec2', 'CreateLaunchTemplateVersion', null, { LaunchTemplateName: 'pool' }, null, ec2), null);
  const what = checks('ec2', 'CreateFleet', null, fleet, ec2).map((c) => c.action);
  for (const a of ['ec2:CreateFleet', 'ec2:RunInstances', 'ec2:CreateTags', 'iam:PassRole']) assert.ok(what.includes(a), `CreateFleet is authorized as ${a} too`);
  assert.deepStrictEqual(iam.report().ignoredKeys, []);
});

test('not enforced: every request is still judged and counted', async () => {
  const iam = new Iam('pool');
  assert.strictEqual(await iam.authorize('dynamodb', 'Scan', Buffer.from('{"TableName":"other"}'), null, null, ec2), null);
  assert.strictEqual(await iam.authorize('dynamodb', 'Scan', Buffer.from('{"TableName":"pool"}'), null, null, ec2), null);
  const r = iam.report();
  assert.deepStrictEqual([r.enforced, r.authorised, r.refused], [false, 1, 1]);
});

// The old self-termination compared aws:ARN, which AWS does not document as
// a key of TerminateInstances (nor as a global key): AWS's data ignores it,
// and the statement never matches, even with the key forged into the context.
test('aws:ARN is no key AWS knows here: the old self-termination fails', async () => {
  const old = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
    Condition: { StringEquals: { 'aws:ARN': '${ec2:SourceInstanceARN}' } } }] };
  const c = { action: 'ec2:TerminateInstances', resource: arnOf(ID_A), ctx: { 'aws:ARN': arnOf(ID_A), 'ec2:SourceInstanceARN': arnOf(ID_A), 'ec2:InstanceID': ID_A } };
  const e = await evaluate(old, INST, c);
  assert.strictEqual(e.result, 'ImplicitlyDenied');
  assert.deepStrictEqual(e.ignored, ['aws:ARN']);
  const now = load('instance.json', 'pool');
  // (with the keys AWS adds for an instance's credentials: instance.json
  // compares their VPC and address with the request's)
  assert.strictEqual((await evaluate(now, INST, Object.assign({}, c, { ctx: Object.assign(instanceSession(ID_A), c.ctx) }))).result, 'Allowed');
  // A variable for the whole ARN is not allowed: the IAM User Guide puts
  // policy variables only in the resource part of an ARN.
  const whole = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '${ec2:SourceInstanceARN}' }] };
  assert.notStrictEqual((await evaluate(whole, INST, c)).result, 'Allowed');
});

// The lint (iamlint.js, run by make lint and make test) on statements that
// AWS's data refuses: each must be named.
test('the lint refuses what AWS does not document', async () => {
  const { lintStatement } = require('../iamlint');
  const arnI = 'arn:aws:ec2:us-east-1:123456789012:instance/*';
  const bad = async (s, what) => assert.ok((await lintStatement(s)).some((p) => p.includes(what)), `${JSON.stringify(s)}: want a problem naming ${what}`);
  await bad({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: arnI, Condition: { StringEquals: { 'aws:ARN': '${ec2:SourceInstanceARN}' } } }, 'aws:ARN');
  await bad({ Effect: 'Allow', Action: 'ec2:TerminateInstance', Resource: arnI }, 'no such action');
  await bad({ Effect: 'Allow', Action: 'sqs:ListQueues', Resource: 'arn:aws:sqs:us-east-1:123456789012:*' }, 'must be "*"');
  await bad({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: 'arn:aws:ec2:us-east-1:123456789012:volume/*' }, 'fits its resource types');
  await bad({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '${ec2:SourceInstanceARN}' }, 'outside the resource part');
  await bad({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['x'] } } }, 'dynamodb:LeadingKeys');
  await bad({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: arnI, Condition: { StringEquals: { 'ec2:SourceInstanceARN': '${aws:ARN}' } } }, '${aws:ARN}');
  await bad({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: arnI, Condition: { NumericEquals: { 'ec2:InstanceID': '${ec2:InstanceID}' } } }, 'string and ARN operators');
  assert.deepStrictEqual(await lintStatement({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: arnI,
    Condition: { ArnEquals: { 'ec2:SourceInstanceARN': 'arn:aws:ec2:us-east-1:123456789012:instance/${ec2:InstanceID}' } } }), []);
});

// The cache answers a repeated request without the evaluator, but never
// across a change of policies, and keeps the clock's keys when a policy
// names them.
test('the cache: same request, same answer; new policies, new answers', async () => {
  const iam = enforced();
  const req = () => iam.authorize('ec2', 'TerminateInstances', null, term(ID_A), INST, ec2, { now: Date.now() });
  assert.strictEqual(await req(), null);
  assert.strictEqual(await req(), null);
  assert.strictEqual(iam.cache.size, 1, 'the clock is not part of the key while no policy names it');
  iam.policies.instance = { Version: '2012-10-17', Statement: [] };
  iam.cache.clear();
  assert.strictEqual((await req()).code, 'UnauthorizedOperation');
  iam.enable('pool');
  assert.strictEqual(iam.cache.size, 0);
  iam.timeless = false;
  await req();
  await new Promise((r) => setTimeout(r, 1100));
  await req();
  assert.strictEqual(iam.cache.size, 2, 'a policy that names the clock gets a key per second');
});

// Issue 23 item 4: an instance's credentials used from elsewhere. AWS binds
// them only through VPC endpoints (aws:SourceVpc, aws:VpcSourceIp).
test('copied instance credentials: refused from another VPC, and from anywhere with the endpoints policy', async () => {
  const get = ddb(`i#${ID_A}`);
  const iam = new Iam();
  iam.enable('pool', true, { vpcEndpoints: true });
  assert.strictEqual(await iam.authorize('dynamodb', 'GetItem', get, null, INST, ec2, {}), null, 'on the instance, through its VPC\'s endpoint');
  assert.strictEqual((await iam.authorize('dynamodb', 'GetItem', get, null, INST, ec2, { outside: true })).code, 'AccessDeniedException', 'public endpoint');
  iam.enable('pool', true, { outside: 'vpc' });
  assert.strictEqual((await iam.authorize('dynamodb', 'GetItem', get, null, INST, ec2, { outside: true })).code, 'AccessDeniedException', 'another VPC');
  iam.enable('pool', true, { outside: 'public' });
  assert.strictEqual(await iam.authorize('dynamodb', 'GetItem', get, null, INST, ec2, { outside: true }), null, 'what AWS cannot bind: a public endpoint');
  assert.deepStrictEqual(iam.report().ignoredKeys, []);
});
