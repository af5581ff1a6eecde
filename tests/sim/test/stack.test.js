'use strict';
// The local stack's own tests: it is trusted by everything else.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');
const { Stack, request: plain, sleep } = require('../testlib');

let s, dir, env, started;
const request = (url, o) => s.request(url, o);
const ddb = (op, obj, o) => s.ddb(op, obj, o);
const sqs = (op, obj, o) => s.sqs(op, obj, o);
const ec2 = (params, o) => s.ec2(params, o);
const control = (p, body) => s.control(p, body);

before(() => {
  s = new Stack();
  ({ dir, env, startMs: started } = s);
});

after(() => s.stop());

test('starts in a few seconds', () => { assert.ok(started < 5000, `took ${started} ms`); });

test('signed DynamoDB request passes over HTTPS with the generated CA', async () => {
  const r = await ddb('ListTables', {});
  assert.strictEqual(r.status, 200, r.body);
  assert.deepStrictEqual(JSON.parse(r.body).TableNames, []);
});

test('wrong secret is rejected', async () => {
  const r = await ddb('ListTables', {}, { secret: 'wrong' });
  assert.strictEqual(r.status, 400);
  assert.match(JSON.parse(r.body).__type, /SignatureDoesNotMatch/);
});

test('unknown access key is rejected', async () => {
  const r = await ddb('ListTables', {}, { key: 'AKIDNOTKNOWN00000000' });
  assert.match(JSON.parse(r.body).__type, /UnrecognizedClientException/);
});

test('request time 10 minutes off is rejected', async () => {
  const r = await ddb('ListTables', {}, { date: new Date(Date.now() - 600000) });
  assert.match(JSON.parse(r.body).message, /Signature expired/);
});

test('unsigned request is rejected', async () => {
  const r = await request(env.AWS_ENDPOINT_URL + '/', { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
  assert.match(JSON.parse(r.body).__type, /MissingAuthenticationToken/);
});

test('a body changed after signing is rejected', async () => {
  const u = new URL(env.AWS_ENDPOINT_URL);
  const signer = new SignatureV4({ credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }, region: 'us-east-1', service: 'dynamodb', sha256: Sha256 });
  const req = await signer.sign({ method: 'POST', protocol: 'https:', hostname: u.hostname, port: Number(u.port), path: '/',
    headers: { host: u.host, 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
  const r = await request(env.AWS_ENDPOINT_URL + '/', { headers: req.headers, body: '{"Limit":1}' });
  assert.match(JSON.parse(r.body).__type, /SignatureDoesNotMatch/);
});

test('DynamoDB TTL is answered in front of dynalite', async () => {
  // A table that does not exist: ResourceNotFoundException, as DynamoDB
  // answers both (API Reference, "Errors"), not DISABLED.
  let n = await ddb('DescribeTimeToLive', { TableName: 'ttl-t' });
  assert.strictEqual(n.status, 400);
  assert.match(JSON.parse(n.body).__type, /ResourceNotFoundException$/);
  n = await ddb('UpdateTimeToLive', { TableName: 'ttl-t', TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
  assert.match(JSON.parse(n.body).__type, /ResourceNotFoundException$/);
  // A name DynamoDB refuses (under 3 characters): its ValidationException.
  n = await ddb('DescribeTimeToLive', { TableName: 't' });
  assert.match(JSON.parse(n.body).__type, /ValidationException$/);
  await ddb('CreateTable', { TableName: 'ttl-t', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' });
  let r = await ddb('DescribeTimeToLive', { TableName: 'ttl-t' });
  assert.strictEqual(JSON.parse(r.body).TimeToLiveDescription.TimeToLiveStatus, 'DISABLED');
  r = await ddb('UpdateTimeToLive', { TableName: 'ttl-t', TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
  assert.strictEqual(r.status, 200);
  r = await ddb('DescribeTimeToLive', { TableName: 'ttl-t' });
  assert.strictEqual(JSON.parse(r.body).TimeToLiveDescription.TimeToLiveStatus, 'ENABLED');
  // Deleted and made again: the setting went with the table.
  await ddb('DeleteTable', { TableName: 'ttl-t' });
  await ddb('CreateTable', { TableName: 'ttl-t', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' });
  r = await ddb('DescribeTimeToLive', { TableName: 'ttl-t' });
  assert.strictEqual(JSON.parse(r.body).TimeToLiveDescription.TimeToLiveStatus, 'DISABLED');
});

test('SQS JSON protocol round trip', async () => {
  const q = JSON.parse((await sqs('CreateQueue', { QueueName: 'q1' })).body).QueueUrl;
  assert.ok(q);
  assert.strictEqual((await sqs('SendMessage', { QueueUrl: q, MessageBody: 'hello' })).status, 200);
  const m = JSON.parse((await sqs('ReceiveMessage', { QueueUrl: q, MaxNumberOfMessages: 10 })).body).Messages;
  assert.strictEqual(m[0].Body, 'hello');
});

test('EC2 launch template and CreateFleet with requirements and globs', async () => {
  const ud = Buffer.from('#!/bin/sh\necho booted > booted.txt\nsleep 30\n').toString('base64');
  let r = await ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'lt1', 'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0', 'LaunchTemplateData.UserData': ud });
  assert.strictEqual(r.status, 200, r.body);
  r = await ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'lt1', 'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0' });
  assert.match(r.body, /InvalidLaunchTemplateName.AlreadyExistsException/);
  r = await ec2({ Action: 'CreateFleet', Type: 'instant', 'TargetCapacitySpecification.TotalTargetCapacity': '2', 'TargetCapacitySpecification.DefaultTargetCapacityType': 'on-demand',
    'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'lt1', 'LaunchTemplateConfigs.1.Overrides.1.SubnetId': 'subnet-0123456789abcdef0',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Min': '4', 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Max': '4',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.MemoryMiB.Min': '16384', 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.AllowedInstanceType.1': 'm6i.*',
    'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'k', 'TagSpecification.1.Tag.1.Value': 'v' });
  assert.strictEqual(r.status, 200, r.body);
  assert.match(r.body, /<instanceType>m6i.xlarge<\/instanceType>/);
  const ids = [...r.body.matchAll(/<item>(i-[0-9a-f]{17})<\/item>/g)].map((m) => m[1]);
  assert.strictEqual(ids.length, 2);
  await new Promise((res) => setTimeout(res, 800));
  assert.ok(fs.existsSync(path.join(dir, 'instances', ids[0], 'booted.txt')), 'user data ran');
  r = await ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'tag:k', 'Filter.1.Value.1': 'v', 'Filter.2.Name': 'instance-state-name', 'Filter.2.Value.1': 'running' });
  assert.strictEqual((r.body.match(/<instanceId>/g) || []).length, 2);
  const inst = JSON.parse((await control('/instances')).body).find((i) => i.id === ids[0]);
  assert.ok(inst.alive && inst.pid);
  r = await ec2({ Action: 'TerminateInstances', 'InstanceId.1': ids[0], 'InstanceId.2': ids[1] });
  assert.match(r.body, /<currentState><code>32<\/code><name>shutting-down<\/name>/);
  await new Promise((res) => setTimeout(res, 600));
  assert.throws(() => process.kill(inst.pid, 0), 'the instance process tree is gone');
  r = await ec2({ Action: 'TerminateInstances', 'InstanceId.1': 'i-00000000000000000' });
  assert.match(r.body, /InvalidInstanceID.NotFound/);
  r = await ec2({ Action: 'Bogus' });
  assert.match(r.body, /InvalidAction/);
});

test('capacity fault gives a partial fleet', async () => {
  await control('/faults', { capacity: 1 });
  const r = await ec2({ Action: 'CreateFleet', Type: 'instant', 'TargetCapacitySpecification.TotalTargetCapacity': '3',
    'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'lt1', 'LaunchTemplateConfigs.1.Overrides.1.InstanceType': 't3.medium' });
  assert.match(r.body, /InsufficientInstanceCapacity/);
  assert.strictEqual((r.body.match(/<item>i-/g) || []).length, 1);
  await control('/reset-faults', {});
});

test('throttling and 5xx faults use the real codes', async () => {
  await control('/faults', { next: [{ service: 'dynamodb', count: 1, code: 'ThrottlingException', status: 400 }, { service: 'ec2', count: 1, code: 'RequestLimitExceeded', status: 503 }] });
  assert.match(JSON.parse((await ddb('ListTables', {})).body).__type, /ThrottlingException/);
  const r = await ec2({ Action: 'DescribeInstances' });
  assert.strictEqual(r.status, 503);
  assert.match(r.body, /RequestLimitExceeded/);
  assert.strictEqual((await ddb('ListTables', {})).status, 200);
});

test('BatchGetItem under load: half the keys come back unprocessed', async () => {
  await ddb('CreateTable', { TableName: 'unproc', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' });
  for (const k of ['a', 'b', 'c']) await ddb('PutItem', { TableName: 'unproc', Item: { pk: { S: k } } });
  const keys = [{ pk: { S: 'a' } }, { pk: { S: 'b' } }, { pk: { S: 'c' } }];
  await control('/faults', { next: [{ service: 'dynamodb', action: 'BatchGetItem', unprocessed: true, count: 2 }] });
  const first = await ddb('BatchGetItem', { RequestItems: { unproc: { Keys: keys, ConsistentRead: true } } });
  let r = JSON.parse(first.body);
  assert.strictEqual(first.status, 200, first.body);
  assert.deepStrictEqual(r.Responses.unproc.map((i) => i.pk.S).sort(), ['a', 'b'], 'the first half read');
  assert.deepStrictEqual(r.UnprocessedKeys.unproc, { Keys: [{ pk: { S: 'c' } }], ConsistentRead: true }, 'the rest unprocessed, in the request\'s form');
  r = JSON.parse((await ddb('BatchGetItem', { RequestItems: { unproc: { Keys: [keys[2]] } } })).body);
  assert.strictEqual(r.Responses.unproc.length, 1, 'one key is always read (none read would be ProvisionedThroughputExceededException)');
  assert.deepStrictEqual(r.UnprocessedKeys, {});
  r = JSON.parse((await ddb('BatchGetItem', { RequestItems: { unproc: { Keys: keys } } })).body);
  assert.strictEqual(r.Responses.unproc.length, 3, 'then all of them');
});

test('IMDSv2 only, with rotating credentials the front accepts', async () => {
  const ud = Buffer.from('#!/bin/sh\nsleep 30\n').toString('base64');
  await ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'lt2', 'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0', 'LaunchTemplateData.UserData': ud });
  const r = await ec2({ Action: 'CreateFleet', Type: 'instant', 'TargetCapacitySpecification.TotalTargetCapacity': '1',
    'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'lt2', 'LaunchTemplateConfigs.1.Overrides.1.InstanceType': 't3.medium' });
  const id = /<item>(i-[0-9a-f]{17})<\/item>/.exec(r.body)[1];
  await new Promise((res) => setTimeout(res, 300));
  const envFile = fs.readFileSync(`/proc/${JSON.parse((await control('/instances')).body).find((i) => i.id === id).pid}/environ`).toString();
  const imds = /AWS_EC2_METADATA_SERVICE_ENDPOINT=([^\0]+)/.exec(envFile)[1].replace(/\/$/, '');
  assert.strictEqual((await request(imds + '/latest/meta-data/instance-id', { method: 'GET' })).status, 401);
  const tok = (await request(imds + '/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).body;
  const h = { 'x-aws-ec2-metadata-token': tok };
  assert.strictEqual((await request(imds + '/latest/meta-data/instance-id', { method: 'GET', headers: h })).body, id);
  const role = (await request(imds + '/latest/meta-data/iam/security-credentials/', { method: 'GET', headers: h })).body;
  const cred = JSON.parse((await request(imds + '/latest/meta-data/iam/security-credentials/' + role, { method: 'GET', headers: h })).body);
  const u = new URL(env.AWS_ENDPOINT_URL);
  const signer = new SignatureV4({ credentials: { accessKeyId: cred.AccessKeyId, secretAccessKey: cred.SecretAccessKey, sessionToken: cred.Token }, region: 'us-east-1', service: 'dynamodb', sha256: Sha256 });
  const req = await signer.sign({ method: 'POST', protocol: 'https:', hostname: u.hostname, port: Number(u.port), path: '/',
    headers: { host: u.host, 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
  assert.strictEqual((await request(env.AWS_ENDPOINT_URL + '/', { headers: req.headers, body: '{}' })).status, 200);
});

test('STS AssumeRoleWithWebIdentity issues credentials', async () => {
  const r = await request(env.AWS_ENDPOINT_URL + '/', { headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci&RoleSessionName=s&WebIdentityToken=jwt' });
  assert.strictEqual(r.status, 200, r.body);
  assert.match(r.body, /<AccessKeyId>ASIA/);
  const bad = await request(env.AWS_ENDPOINT_URL + '/', { headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=nope&WebIdentityToken=jwt' });
  assert.match(bad.body, /<ErrorResponse/);
});

test('GitHub: token auth, registration tokens, pagination', async () => {
  const gh = (p, method, token) => request(env.GITHUB_API_URL + p, { method: method || 'GET', headers: { authorization: `Bearer ${token || env.GITHUB_TOKEN}` } });
  assert.strictEqual((await gh('/repos/o/r/actions/runners', 'GET', 'nope')).status, 401);
  const t = await gh('/repos/o/r/actions/runners/registration-token', 'POST');
  assert.strictEqual(t.status, 201);
  const token = JSON.parse(t.body).token;
  for (let i = 0; i < 3; i++) {
    const r = await request(env.GITHUB_API_URL + '/_sim/register', { body: `token=${token}&name=r${i}&labels=a,b` });
    assert.strictEqual(r.status, 200);
  }
  const dupe = await request(env.GITHUB_API_URL + '/_sim/register', { body: `token=${token}&name=r0&labels=a` });
  assert.strictEqual(dupe.status, 409);
  const p1 = await gh('/repos/o/r/actions/runners?per_page=2');
  assert.strictEqual(JSON.parse(p1.body).runners.length, 2);
  assert.match(p1.headers.link, /rel="next"/);
  assert.ok(p1.headers['x-ratelimit-remaining']);
  await control('/faults', { github: ['secondary'] });
  const limited = await gh('/repos/o/r/actions/runners');
  assert.strictEqual(limited.status, 429);
  assert.strictEqual(limited.headers['retry-after'], '1');
});

test('stop leaves no process and no port behind', async () => {
  const s2 = new Stack();
  const e2 = s2.env;
  await s2.template('lt-stop', '(trap "" HUP TERM; sleep 300) &\necho $! > daemon.pid\nsleep 300\n');
  const { ids: [id] } = await s2.fleet('lt-stop', 1);
  const pidFile = path.join(s2.dir, 'instances', id, 'daemon.pid');
  await s2.until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim(), 5000, 'boot');
  const daemon = Number(fs.readFileSync(pidFile, 'utf8'));
  const inst = await s2.instance(id);
  const imds = /AWS_EC2_METADATA_SERVICE_ENDPOINT=([^\0]+)/.exec(fs.readFileSync(`/proc/${inst.pid}/environ`).toString())[1];
  s2.stop();
  assert.throws(() => process.kill(Number(e2.SIM_PID), 0), 'the supervisor is gone');
  assert.throws(() => process.kill(inst.pid, 0), 'the user data shell is gone');
  await sleep(100);
  assert.throws(() => process.kill(daemon, 0), 'a daemon that ignores SIGTERM is gone too');
  for (const url of [e2.SIM_CONTROL, e2.AWS_ENDPOINT_URL, e2.AWS_ENDPOINT_URL_HTTP, e2.GITHUB_API_URL, imds]) {
    await assert.rejects(plain(url, { method: 'GET', ca: s.ca }), /ECONNREFUSED/, `${url} is closed`);
  }
});
