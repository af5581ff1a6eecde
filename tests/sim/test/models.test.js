'use strict';
// The stack checks requests against AWS's own service models (aws-sdk's
// apis/*.json) and counts the answers of its EC2 and STS simulators that do
// not fit them; CreateFleet honours ClientToken as EC2 documents.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { Stack } = require('../testlib');
const { Models, parseXml } = require('../model');

let s;
before(() => { s = new Stack(); });
after(() => s.stop());

const code = (r) => (/<Code>([^<]+)<\/Code>/.exec(r.body) || [])[1];
const jsonCode = (r) => (JSON.parse(r.body).__type || '').replace(/^.*#/, '');
const fleetParams = (extra) => Object.assign({ Action: 'CreateFleet', Type: 'instant', 'TargetCapacitySpecification.TotalTargetCapacity': '1',
  'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'models',
  'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Min': '2',
  'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.MemoryMiB.Min': '4096' }, extra);
const launched = async () => (await s.control('/instances')).json().length;

test('EC2: the model refuses unknown, missing and ill-typed parameters as EC2 does', async () => {
  await s.template('models', 'true');
  // The member name, not its wire name: what lib/fleet.c once sent.
  let r = await s.ec2(fleetParams({ 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.AllowedInstanceTypes.1': 'm5.*' }));
  assert.strictEqual(r.status, 400);
  assert.strictEqual(code(r), 'UnknownParameter');
  assert.match(r.body, /AllowedInstanceTypes/);
  r = await s.ec2(fleetParams({ 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.AllowedInstanceType.1': 'm5.*' }));
  assert.strictEqual(r.status, 200, r.body);
  r = await s.ec2(fleetParams({ 'TargetCapacitySpecification.TotalTargetCapacity': 'two' }));
  assert.strictEqual(code(r), 'InvalidParameterValue');
  r = await s.ec2(fleetParams({ 'TargetCapacitySpecification.DefaultTargetCapacityType': 'cheap' }));
  assert.strictEqual(code(r), 'InvalidParameterValue');
  const p = fleetParams({ 'TargetCapacitySpecification.DefaultTargetCapacityType': 'on-demand' });
  delete p['TargetCapacitySpecification.TotalTargetCapacity'];
  r = await s.ec2(p);
  assert.strictEqual(code(r), 'MissingParameter');
  assert.match(r.body, /TargetCapacitySpecification\.TotalTargetCapacity/);
  r = await s.ec2({ Action: 'DescribeInstances', 'Filters.1.Name': 'instance-id' });
  assert.strictEqual(code(r), 'UnknownParameter', 'the wire name is Filter.N');
  r = await s.ec2({ Action: 'NoSuchAction' });
  assert.strictEqual(code(r), 'InvalidAction');
});

test('DynamoDB and SQS: the model refuses unknown members and wrong types', async () => {
  let r = await s.ddb('DescribeTable', { TableName: 'x', Extra: 1 });
  assert.strictEqual(r.status, 400);
  assert.strictEqual(jsonCode(r), 'ValidationException');
  r = await s.ddb('GetItem', { TableName: 'x', Key: { pk: { S: 'a' } }, ConsistentRead: 'yes' });
  assert.strictEqual(jsonCode(r), 'ValidationException');
  r = await s.ddb('GetItem', { Key: { pk: { S: 'a' } } });
  assert.strictEqual(jsonCode(r), 'ValidationException');
  r = await s.sqs('ReceiveMessage', { QueueUrl: 'http://x/q', MaxNumberOfMessages: '3' });
  assert.strictEqual(r.status, 400);
});

test('CreateFleet: the same ClientToken gives the same fleet, launches nothing more', async () => {
  const n0 = await launched();
  const a = await s.ec2(fleetParams({ ClientToken: 'tok-1' }));
  assert.strictEqual(a.status, 200, a.body);
  const b = await s.ec2(fleetParams({ ClientToken: 'tok-1' }));
  assert.strictEqual(b.body, a.body);
  assert.strictEqual(await launched(), n0 + 1);
  const c = await s.ec2(fleetParams({ ClientToken: 'tok-1', 'TargetCapacitySpecification.TotalTargetCapacity': '2' }));
  assert.strictEqual(code(c), 'IdempotentParameterMismatch');
  const d = await s.ec2(fleetParams({ ClientToken: 'tok-2' }));
  assert.strictEqual(d.status, 200);
  assert.notStrictEqual(d.body, a.body);
  assert.strictEqual(await launched(), n0 + 2);
});

test('the stack counts what it checked, and no answer of its own failed the model', async () => {
  const m = (await s.control('/models')).json();
  assert.ok(m.checked > 10, `checked ${m.checked}`);
  assert.ok(m.answers > 3, `answers ${m.answers}`);
  assert.deepStrictEqual(m.failures, []);
});

test('an answer that does not fit the model is counted', () => {
  const models = new Models();
  models.checkAnswer('ec2', 'TerminateInstances', '<TerminateInstancesResponse><requestId>x</requestId><instancesSet><item><instanceId>i-1</instanceId><prevState/></item></instancesSet></TerminateInstancesResponse>');
  assert.strictEqual(models.report().failed, 1);
  assert.match(models.report().failures[0], /prevState/);
  models.checkAnswer('ec2', 'TerminateInstances', '<TerminateInstancesResponse><requestId>x</requestId><instancesSet><item><instanceId>i-1</instanceId><previousState><code>16</code><name>running</name></previousState></item></instancesSet></TerminateInstancesResponse>');
  assert.strictEqual(models.report().failed, 1);
  assert.throws(() => parseXml('<a><b></a>'));
});
