'use strict';
// The stack's IAM evaluation follows AWS's policy logic: an explicit deny
// wins, no allow is a refusal, ForAllValues holds on an empty set, policy
// variables come from the request, and the documented policies scope what
// each side may do.
const { test } = require('node:test');
const assert = require('node:assert');
const { Iam, decide, conditionHolds } = require('../iam');

const policy = { Statement: [
  { Effect: 'Allow', Action: 'dynamodb:*Item', Resource: 'arn:aws:dynamodb:*:*:table/p' },
  { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' },
] };

test('allow, explicit deny, no statement', () => {
  assert.strictEqual(decide(policy, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:1:table/p', {}), 'allow');
  assert.strictEqual(decide(policy, 'dynamodb:DeleteItem', 'arn:aws:dynamodb:us-east-1:1:table/p', {}), 'deny');
  assert.strictEqual(decide(policy, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:1:table/q', {}), 'none');
  assert.strictEqual(decide(policy, 'DYNAMODB:getitem', 'arn:aws:dynamodb:us-east-1:1:table/p', {}), 'allow', 'actions are case-insensitive');
});

test('conditions: set operators and policy variables', () => {
  const lk = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sig#i-*'] } };
  assert.ok(conditionHolds(lk, { 'dynamodb:LeadingKeys': ['sig#i-1', 'sig#i-2'] }));
  assert.ok(!conditionHolds(lk, { 'dynamodb:LeadingKeys': ['sig#i-1', 'i#i-2'] }));
  assert.ok(conditionHolds(lk, {}), 'ForAllValues holds when the request has no such key (as in AWS)');
  const self = { StringEquals: { 'aws:ARN': '${ec2:SourceInstanceARN}' } };
  assert.ok(conditionHolds(self, { 'aws:ARN': 'arn:x/i-1', 'ec2:SourceInstanceARN': 'arn:x/i-1' }));
  assert.ok(!conditionHolds(self, { 'aws:ARN': 'arn:x/i-2', 'ec2:SourceInstanceARN': 'arn:x/i-1' }));
  assert.ok(!conditionHolds(self, { 'aws:ARN': 'arn:x/i-1' }), 'an unknown variable matches nothing');
  assert.ok(!conditionHolds({ StringEquals: { 'ec2:ResourceTag/k': 'v' } }, {}), 'a missing key fails a plain operator');
  assert.ok(conditionHolds({ StringEqualsIfExists: { 'ec2:ResourceTag/k': 'v' } }, {}));
});

test('the documented policies: each side only what it needs', () => {
  const iam = new Iam();
  iam.enable('pool');
  const ddb = (action, pk) => Buffer.from(JSON.stringify({ TableName: 'pool', Key: { pk: { S: pk } } }));
  const inst = 'arn:aws:sts::123456789012:assumed-role/ec2-runner-pool-instance/i-0000000000000000a';
  const ec2 = { instances: new Map([['i-0000000000000000b', { tags: { 'ec2-runner-pool:pool': 'pool' } }], ['i-0000000000000000c', { tags: {} }]]), templates: new Map() };
  assert.strictEqual(iam.authorize('dynamodb', 'GetItem', ddb('GetItem', 'i#i-0000000000000000a'), null, inst, ec2), null);
  assert.strictEqual(iam.authorize('dynamodb', 'UpdateItem', ddb('UpdateItem', 'i#i-0000000000000000a'), null, inst, ec2).code, 'AccessDeniedException');
  assert.strictEqual(iam.authorize('dynamodb', 'GetItem', ddb('GetItem', 'cfg#idle-time-sec'), null, inst, ec2).code, 'AccessDeniedException');
  assert.strictEqual(iam.authorize('ec2', 'TerminateInstances', null, { 'InstanceId.1': 'i-0000000000000000b' }, inst, ec2).code, 'UnauthorizedOperation');
  assert.strictEqual(iam.authorize('ec2', 'TerminateInstances', null, { 'InstanceId.1': 'i-0000000000000000a' }, inst, ec2), null);
  // The controlplane: the pool's table and tagged instances, nothing else.
  assert.strictEqual(iam.authorize('dynamodb', 'Scan', Buffer.from('{"TableName":"pool"}'), null, null, ec2), null);
  assert.strictEqual(iam.authorize('dynamodb', 'Scan', Buffer.from('{"TableName":"other"}'), null, null, ec2).code, 'AccessDeniedException');
  assert.strictEqual(iam.authorize('ec2', 'TerminateInstances', null, { 'InstanceId.1': 'i-0000000000000000b' }, null, ec2), null);
  assert.strictEqual(iam.authorize('ec2', 'TerminateInstances', null, { 'InstanceId.1': 'i-0000000000000000c' }, null, ec2).code, 'UnauthorizedOperation',
    'an instance without the pool tag');
  assert.strictEqual(iam.authorize('sqs', 'ReceiveMessage', Buffer.from('{"QueueUrl":"https://q/123456789012/pool-large"}'), null, null, ec2), null);
  assert.strictEqual(iam.authorize('sqs', 'ReceiveMessage', Buffer.from('{"QueueUrl":"https://q/123456789012/other-large"}'), null, null, ec2).code, 'AccessDenied');
});
