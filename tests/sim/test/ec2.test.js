'use strict';
// The EC2, instance, IMDS and STS simulators: every action, its errors, and
// the instances' process trees.
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { Stack, sleep } = require('../testlib');

let s;
before(() => { s = new Stack(); });
after(() => s.stop());

const code = (r) => (/<Code>([^<]+)<\/Code>/.exec(r.body) || [])[1];
const count = (r, re) => (r.body.match(re) || []).length;

test('EC2 errors: unknown action, missing Version, malformed and missing parameters', async () => {
  // An action EC2 has but the simulator does not (its required parameters
  // given, so the model check passes): InvalidAction.
  let r = await s.ec2({ Action: 'RunInstances', MinCount: '1', MaxCount: '1' });
  assert.strictEqual(r.status, 400);
  assert.strictEqual(code(r), 'InvalidAction');
  assert.match(r.body, /^<\?xml[^>]*>\n<Response><Errors><Error><Code>InvalidAction<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  r = await s.ec2({ Action: 'DescribeInstances', Version: '' });
  assert.strictEqual(code(r), 'MissingParameter');
  r = await s.ec2({ Action: 'CreateLaunchTemplate' });
  assert.strictEqual(code(r), 'MissingParameter');
  r = await s.ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'x', 'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0' });
  assert.strictEqual(code(r), 'InvalidLaunchTemplateName.MalformedException');
  r = await s.ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'bad-ami', 'LaunchTemplateData.ImageId': 'ami-xyz' });
  assert.strictEqual(code(r), 'InvalidAMIID.Malformed');
  r = await s.ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'bad-ud', 'LaunchTemplateData.UserData': 'not base64!' });
  assert.strictEqual(code(r), 'InvalidParameterValue');
  r = await s.ec2({ Action: 'DescribeInstances', 'InstanceId.1': 'i-nothex' });
  assert.strictEqual(code(r), 'InvalidInstanceID.Malformed');
  r = await s.ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'no-such-filter', 'Filter.1.Value.1': 'x' });
  assert.strictEqual(code(r), 'InvalidParameterValue');
  r = await s.ec2({ Action: 'DescribeInstances', MaxResults: '2' });
  assert.strictEqual(code(r), 'InvalidParameterValue');
  r = await s.ec2({ Action: 'TerminateInstances' });
  assert.strictEqual(code(r), 'MissingParameter');
  r = await s.ec2({ Action: 'DescribeLaunchTemplates', 'LaunchTemplateName.1': 'nope' });
  assert.strictEqual(code(r), 'InvalidLaunchTemplateName.NotFoundException');
  r = await s.ec2({ Action: 'DescribeLaunchTemplateVersions', LaunchTemplateId: 'lt-00000000000000000' });
  assert.strictEqual(code(r), 'InvalidLaunchTemplateId.NotFound');
});

test('EC2 refuses bad signatures with AuthFailure and stale ones with RequestExpired', async () => {
  let r = await s.ec2({ Action: 'DescribeInstances' }, { secret: 'wrong' });
  assert.strictEqual(r.status, 401);
  assert.strictEqual(code(r), 'AuthFailure');
  r = await s.ec2({ Action: 'DescribeInstances' }, { key: 'AKIDNOTKNOWN00000000' });
  assert.strictEqual(code(r), 'AuthFailure');
  r = await s.ec2({ Action: 'DescribeInstances' }, { date: new Date(Date.now() + 6 * 60000) });
  assert.strictEqual(code(r), 'RequestExpired');
  r = await s.ec2({ Action: 'DescribeInstances' }, { date: new Date(Date.now() + 4 * 60000) });
  assert.strictEqual(r.status, 200, 'four minutes off is still inside the window');
});

test('the plain HTTP listener serves the same routes', async () => {
  const r = await s.ec2({ Action: 'DescribeInstances' }, { url: s.env.AWS_ENDPOINT_URL_HTTP });
  assert.strictEqual(r.status, 200, r.body);
  assert.match(r.body, /<DescribeInstancesResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>/);
});

test('launch template versions: create, default, describe with the data', async () => {
  const ud = Buffer.from('echo v1\n').toString('base64');
  let r = await s.ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'lt-ver', 'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0',
    'LaunchTemplateData.UserData': ud, 'LaunchTemplateData.IamInstanceProfile.Name': 'runner-profile', 'LaunchTemplateData.SecurityGroupId.1': 'sg-0123456789abcdef0',
    'LaunchTemplateData.MetadataOptions.HttpTokens': 'required' });
  assert.strictEqual(r.status, 200, r.body);
  const id = /<launchTemplateId>(lt-[0-9a-f]{17})<\/launchTemplateId>/.exec(r.body)[1];
  assert.match(r.body, /<defaultVersionNumber>1<\/defaultVersionNumber><latestVersionNumber>1<\/latestVersionNumber>/);
  r = await s.ec2({ Action: 'CreateLaunchTemplateVersion', LaunchTemplateId: id, SourceVersion: '1', 'LaunchTemplateData.ImageId': 'ami-0fedcba9876543210' });
  assert.match(r.body, /<versionNumber>2<\/versionNumber><defaultVersion>false<\/defaultVersion>/);
  assert.match(r.body, /<imageId>ami-0fedcba9876543210<\/imageId><userData>/, 'SourceVersion data is kept');
  r = await s.ec2({ Action: 'CreateLaunchTemplateVersion', LaunchTemplateName: 'lt-ver', 'LaunchTemplateData.ImageId': 'ami-0aaaaaaaaaaaaaaaa' });
  assert.doesNotMatch(r.body, /<userData>/, 'without SourceVersion nothing is inherited');
  r = await s.ec2({ Action: 'ModifyLaunchTemplate', LaunchTemplateName: 'lt-ver', SetDefaultVersion: '2' });
  assert.match(r.body, /<defaultVersionNumber>2<\/defaultVersionNumber><latestVersionNumber>3<\/latestVersionNumber>/);
  r = await s.ec2({ Action: 'ModifyLaunchTemplate', LaunchTemplateName: 'lt-ver', SetDefaultVersion: '9' });
  assert.strictEqual(code(r), 'InvalidLaunchTemplateId.VersionNotFound');
  r = await s.ec2({ Action: 'DescribeLaunchTemplates', 'LaunchTemplateName.1': 'lt-ver' });
  assert.strictEqual(count(r, /<item>/g), 1);
  assert.match(r.body, /<launchTemplateName>lt-ver<\/launchTemplateName>/);
  r = await s.ec2({ Action: 'DescribeLaunchTemplateVersions', LaunchTemplateName: 'lt-ver', 'LaunchTemplateVersion.1': '$Default' });
  assert.strictEqual(count(r, /<versionNumber>/g), 1);
  assert.match(r.body, /<versionNumber>2<\/versionNumber><defaultVersion>true<\/defaultVersion>/);
  assert.match(r.body, new RegExp(`<userData>${ud}</userData>`));
  assert.match(r.body, /<iamInstanceProfile><name>runner-profile<\/name><\/iamInstanceProfile>/);
  assert.match(r.body, /<securityGroupIdSet><item>sg-0123456789abcdef0<\/item><\/securityGroupIdSet>/);
  assert.match(r.body, /<metadataOptions><httpTokens>required<\/httpTokens><\/metadataOptions>/);
  r = await s.ec2({ Action: 'DescribeLaunchTemplateVersions', LaunchTemplateName: 'lt-ver', 'LaunchTemplateVersion.1': '$Latest' });
  assert.match(r.body, /<versionNumber>3<\/versionNumber>/);
  r = await s.ec2({ Action: 'DescribeLaunchTemplateVersions', LaunchTemplateName: 'lt-ver' });
  assert.strictEqual(count(r, /<versionNumber>/g), 3);
});

test('user data: 16 KB decoded, in new templates and new versions', async () => {
  const ud = (n) => Buffer.alloc(n, 'x').toString('base64');
  assert.ok(ud(16384).length > 16384, 'the text sent is longer than the limit');
  let r = await s.ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'ud-max', 'LaunchTemplateData.UserData': ud(16384) });
  assert.strictEqual(r.status, 200, 'exactly 16384 decoded bytes: fine');
  r = await s.ec2({ Action: 'CreateLaunchTemplate', LaunchTemplateName: 'ud-over', 'LaunchTemplateData.UserData': ud(16385) });
  assert.strictEqual(code(r), 'InvalidParameterValue');
  assert.match(r.body, /16384/);
  r = await s.ec2({ Action: 'CreateLaunchTemplateVersion', LaunchTemplateName: 'ud-max', 'LaunchTemplateData.UserData': ud(16385) });
  assert.strictEqual(code(r), 'InvalidParameterValue', 'a new version is held to it too');
  r = await s.ec2({ Action: 'CreateLaunchTemplateVersion', LaunchTemplateName: 'ud-max', 'LaunchTemplateData.UserData': ud(16383) });
  assert.strictEqual(r.status, 200);
});

test('CreateFleet: spot, several overrides, no match, bad input', async () => {
  await s.template('lt-fleet', 'sleep 30\n');
  const base = { Action: 'CreateFleet', Type: 'instant', 'TargetCapacitySpecification.TotalTargetCapacity': '1',
    'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'lt-fleet' };
  // memory 8 GiB exactly and 2 vCPUs among c*/r*: none; among m5*/t3*: t3.large first
  let r = await s.ec2(Object.assign({}, base, { 'TargetCapacitySpecification.DefaultTargetCapacityType': 'spot',
    'LaunchTemplateConfigs.1.Overrides.1.SubnetId': 'subnet-0123456789abcdef0', 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Min': '2',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Max': '2', 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.MemoryMiB.Min': '8192',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.MemoryMiB.Max': '8192',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.AllowedInstanceType.1': 'c*',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.AllowedInstanceType.2': 'r*',
    'LaunchTemplateConfigs.1.Overrides.2.SubnetId': 'subnet-0123456789abcdef1', 'LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.VCpuCount.Min': '2',
    'LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.VCpuCount.Max': '2', 'LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.MemoryMiB.Min': '8192',
    'LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.MemoryMiB.Max': '8192',
    'LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.AllowedInstanceType.1': 'm5*',
    'LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.AllowedInstanceType.2': 't3.*' }));
  assert.strictEqual(r.status, 200, r.body);
  assert.match(r.body, /<instanceType>t3.large<\/instanceType><lifecycle>spot<\/lifecycle>/);
  assert.match(r.body, /<subnetId>subnet-0123456789abcdef1<\/subnetId>/);
  assert.match(r.body, /<errorSet><\/errorSet>/);
  const id = /<item>(i-[0-9a-f]{17})<\/item>/.exec(r.body)[1];
  r = await s.ec2({ Action: 'DescribeInstances', 'InstanceId.1': id });
  assert.match(r.body, /<instanceLifecycle>spot<\/instanceLifecycle>/);
  // requirements nothing matches: an error in errorSet, no instance
  r = await s.ec2(Object.assign({}, base, { 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Min': '64',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.MemoryMiB.Min': '1' }));
  assert.strictEqual(r.status, 200);
  assert.match(r.body, /<errorCode>InvalidFleetConfiguration<\/errorCode>/);
  assert.match(r.body, /<fleetInstanceSet><\/fleetInstanceSet>/);
  r = await s.ec2(Object.assign({}, base, { 'LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Min': '2' }));
  assert.strictEqual(code(r), 'MissingParameter', 'MemoryMiB is required with InstanceRequirements');
  r = await s.ec2(Object.assign({}, base, { Type: 'maintain' }));
  assert.strictEqual(code(r), 'InvalidParameterValue');
  r = await s.ec2(Object.assign({}, base, { 'TargetCapacitySpecification.TotalTargetCapacity': '0' }));
  assert.strictEqual(code(r), 'InvalidTargetCapacitySpecification');
  r = await s.ec2(Object.assign({}, base, { 'TargetCapacitySpecification.DefaultTargetCapacityType': 'reserved' }));
  assert.strictEqual(code(r), 'InvalidParameterValue');
  r = await s.ec2(Object.assign({}, base, { 'LaunchTemplateConfigs.1.Overrides.1.SubnetId': 'subnet-zz' }));
  assert.strictEqual(code(r), 'InvalidSubnetID.Malformed');
  r = await s.ec2(Object.assign({}, base, { 'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': 'missing' }));
  assert.strictEqual(code(r), 'InvalidLaunchTemplateName.NotFoundException');
  r = await s.ec2({ Action: 'CreateFleet', Type: 'instant', 'TargetCapacitySpecification.TotalTargetCapacity': '1' });
  assert.strictEqual(code(r), 'MissingParameter');
  r = await s.ec2(Object.assign({}, base, { 'LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version': '7' }));
  assert.strictEqual(code(r), 'InvalidLaunchTemplateId.VersionNotFound');
  await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': id });
});

test('VPCs, subnets and zones: DescribeSubnets, and what CreateFleet refuses', async () => {
  // The default VPC has a default subnet in each of us-east-1's six zones.
  let r = await s.ec2({ Action: 'DescribeSubnets', 'Filter.1.Name': 'default-for-az', 'Filter.1.Value.1': 'true' });
  assert.strictEqual(r.status, 200, r.body);
  assert.strictEqual(count(r, /<vpcId>vpc-0123456789abcdef0<\/vpcId>/g), 6);
  assert.deepStrictEqual([...r.body.matchAll(/<availabilityZone>([^<]+)</g)].map((m) => m[1]).sort(),
    ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => 'us-east-1' + z));
  r = await s.ec2({ Action: 'DescribeSubnets', 'SubnetId.1': 'subnet-01234567', 'SubnetId.2': 'subnet-0fedcba9876543210' });
  assert.match(r.body, /<subnetId>subnet-01234567<\/subnetId>.*<vpcId>vpc-0123456789abcdef0<\/vpcId>.*<availabilityZone>us-east-1b</);
  assert.match(r.body, /<subnetId>subnet-0fedcba9876543210<\/subnetId>.*<vpcId>vpc-0fedcba9876543210<\/vpcId>/);
  r = await s.ec2({ Action: 'DescribeSubnets', 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-0fedcba9876543210' });
  assert.strictEqual(count(r, /<subnetId>/g), 1);
  r = await s.ec2({ Action: 'DescribeSubnets', 'SubnetId.1': 'subnet-0123456789abcdef0', 'SubnetId.2': 'subnet-0aaaaaaaaaaaaaaaa' });
  assert.strictEqual(code(r), 'InvalidSubnetID.NotFound');
  assert.match(r.body, /The subnet ID 'subnet-0aaaaaaaaaaaaaaaa' does not exist/);
  r = await s.ec2({ Action: 'DescribeSubnets', 'SubnetId.1': 'subnet-zz' });
  assert.strictEqual(code(r), 'InvalidSubnetID.Malformed');
  r = await s.ec2({ Action: 'DescribeSubnets', 'Filter.1.Name': 'no-such-filter', 'Filter.1.Value.1': 'x' });
  assert.strictEqual(code(r), 'InvalidParameterValue');

  await s.template('lt-net', 'sleep 30\n');
  const two = (a, b) => ({ 'LaunchTemplateConfigs.1.Overrides.1.SubnetId': a, 'LaunchTemplateConfigs.1.Overrides.2.SubnetId': b,
    'LaunchTemplateConfigs.1.Overrides.2.InstanceType': 't3.medium' });
  // Two subnets of one zone: the whole request is refused, nothing launched.
  const before = (await s.control('/instances')).json().length;
  r = (await s.fleet('lt-net', 1, two('subnet-0123456789abcdef1', 'subnet-01234567'))).r;
  assert.strictEqual(code(r), 'InvalidFleetConfig', r.body);
  assert.match(r.body, /subnet-0123456789abcdef1 and subnet-01234567 .*us-east-1b/);
  assert.strictEqual((await s.control('/instances')).json().length, before);
  r = (await s.fleet('lt-net', 1, two('subnet-0123456789abcdef1', 'subnet-0aaaaaaaaaaaaaaaa'))).r;
  assert.strictEqual(code(r), 'InvalidSubnetID.NotFound');
  // The same subnet in two overrides is one zone's one subnet: not refused.
  let f = await s.fleet('lt-net', 1, two('subnet-0123456789abcdef2', 'subnet-0123456789abcdef2'));
  assert.strictEqual(f.ids.length, 1, f.r.body);
  // Where an instance runs: its subnet's zone and VPC, in DescribeInstances.
  r = await s.ec2({ Action: 'DescribeInstances', 'InstanceId.1': f.ids[0] });
  assert.match(r.body, /<placement><availabilityZone>us-east-1c<\/availabilityZone><\/placement><subnetId>subnet-0123456789abcdef2<\/subnetId><vpcId>vpc-0123456789abcdef0<\/vpcId>/);
  // No subnet: a default subnet of the default VPC.
  f = await s.fleet('lt-net', 1);
  r = await s.ec2({ Action: 'DescribeInstances', 'InstanceId.1': f.ids[0] });
  assert.match(r.body, /<subnetId>subnet-0123456789abcdef0<\/subnetId><vpcId>vpc-0123456789abcdef0<\/vpcId>/);
});

test('eventual consistency: a new instance is unknown to EC2 for the window the test sets', async () => {
  await s.template('lt-ec', 'sleep 30\n');
  await s.control('/faults', { unseenSec: 1 });
  const { ids } = await s.fleet('lt-ec', 1);
  await s.control('/reset-faults', {});
  let r = await s.ec2({ Action: 'DescribeInstances', 'InstanceId.1': ids[0] });
  assert.strictEqual(code(r), 'InvalidInstanceID.NotFound', 'by id: refused');
  r = await s.ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'instance-id', 'Filter.1.Value.1': ids[0] });
  assert.strictEqual(count(r, /<instanceId>/g), 0, 'by filter: not listed');
  r = await s.ec2({ Action: 'CreateTags', 'ResourceId.1': ids[0], 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' });
  assert.strictEqual(code(r), 'InvalidInstanceID.NotFound');
  r = await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': ids[0] });
  assert.strictEqual(code(r), 'InvalidInstanceID.NotFound', 'not terminated either');
  assert.notStrictEqual((await s.instance(ids[0])).state, 'shutting-down', 'it runs on');
  await sleep(1100);
  r = await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': ids[0] });
  assert.strictEqual(r.status, 200, 'then EC2 knows it');
  // Random windows (fault tests): drawn from the seeded generator, counted.
  await s.control('/faults', { unseenSec: '0-2' });
  await s.fleet('lt-ec', 1);
  assert.strictEqual((await s.control('/faults')).json().injected['eventual-consistency'], 1);
  await s.control('/reset-faults', {});
});

test('DescribeInstances: filters, tags, pages; CreateTags', async () => {
  await s.template('lt-desc', 'sleep 30\n');
  const { ids } = await s.fleet('lt-desc', 7, { 'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'pool', 'TagSpecification.1.Tag.1.Value': 'p7' });
  assert.strictEqual(ids.length, 7);
  let r = await s.ec2({ Action: 'CreateTags', 'ResourceId.1': ids[0], 'ResourceId.2': ids[1], 'Tag.1.Key': 'role', 'Tag.1.Value': 'odd' });
  assert.match(r.body, /<return>true<\/return>/);
  r = await s.ec2({ Action: 'CreateTags', 'ResourceId.1': 'i-00000000000000000', 'Tag.1.Key': 'role', 'Tag.1.Value': 'x' });
  assert.strictEqual(code(r), 'InvalidInstanceID.NotFound');
  r = await s.ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'tag:role', 'Filter.1.Value.1': 'odd' });
  assert.strictEqual(count(r, /<instanceId>/g), 2);
  r = await s.ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'tag-key', 'Filter.1.Value.1': 'role', 'Filter.2.Name': 'tag:pool', 'Filter.2.Value.1': 'p7' });
  assert.strictEqual(count(r, /<instanceId>/g), 2);
  r = await s.ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'instance-id', 'Filter.1.Value.1': ids[3], 'Filter.1.Value.2': ids[4] });
  assert.strictEqual(count(r, /<instanceId>/g), 2);
  r = await s.ec2({ Action: 'DescribeInstances', 'InstanceId.1': ids[5] });
  assert.match(r.body, new RegExp(`<instanceId>${ids[5]}</instanceId>`));
  assert.match(r.body, /<tagSet><item><key>pool<\/key><value>p7<\/value><\/item><\/tagSet>/);
  // pages of 5: 5 + 2, the token leads to the rest, no token on the last
  const seen = [];
  let token = '';
  for (let pages = 0; pages < 5; pages++) {
    r = await s.ec2(Object.assign({ Action: 'DescribeInstances', MaxResults: '5', 'Filter.1.Name': 'tag:pool', 'Filter.1.Value.1': 'p7' }, token ? { NextToken: token } : {}));
    seen.push(...[...r.body.matchAll(/<instanceId>(i-[0-9a-f]+)<\/instanceId>/g)].map((m) => m[1]));
    const m = /<nextToken>([^<]+)<\/nextToken>/.exec(r.body);
    if (!m) break;
    token = m[1];
  }
  assert.deepStrictEqual(seen.sort(), [...ids].sort());
  // state filter: terminating moves them out of running
  r = await s.ec2({ Action: 'TerminateInstances', ...Object.fromEntries(ids.map((id, i) => [`InstanceId.${i + 1}`, id])) });
  assert.strictEqual(count(r, /<name>shutting-down<\/name>/g), 7);
  r = await s.ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'tag:pool', 'Filter.1.Value.1': 'p7', 'Filter.2.Name': 'instance-state-name', 'Filter.2.Value.1': 'running' });
  assert.strictEqual(count(r, /<instanceId>/g), 0);
  await sleep(500);
  r = await s.ec2({ Action: 'DescribeInstances', 'InstanceId.1': ids[0] });
  assert.match(r.body, /<instanceState><code>48<\/code><name>terminated<\/name><\/instanceState>/);
  r = await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': ids[0] });
  assert.match(r.body, /<previousState><code>48<\/code><name>terminated<\/name><\/previousState>/, 'terminating twice is harmless');
});

test('an instance: its environment, root, console, and a tree that terminate kills', async () => {
  // user data that leaves a daemon behind and exits, as boot scripts do
  await s.template('lt-env', 'env > env.txt\nls "$EC2RP_ROOT/opt/actions-runner" > runner.txt\necho to-console\n' +
    '(trap "" HUP; sleep 300) &\necho $! > daemon.pid\nexit 0\n');
  const { ids: [id] } = await s.fleet('lt-env', 1);
  const idir = path.join(s.dir, 'instances', id);
  await s.until(() => fs.existsSync(path.join(idir, 'daemon.pid')) && fs.readFileSync(path.join(idir, 'daemon.pid'), 'utf8').trim(), 5000, 'user data');
  const env = fs.readFileSync(path.join(idir, 'env.txt'), 'utf8');
  assert.doesNotMatch(env, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|GITHUB_TOKEN/, 'no keys: the instance uses its metadata');
  assert.match(env, new RegExp(`^AWS_ENDPOINT_URL=${s.env.AWS_ENDPOINT_URL}$`, 'm'));
  assert.match(env, /^AWS_EC2_METADATA_SERVICE_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/$/m);
  assert.match(env, new RegExp(`^EC2RP_ROOT=${idir}/root$`, 'm'));
  assert.match(env, /^PATH=[^\n]*\/build\/bin:/m);
  assert.match(env, /^AWS_REGION=us-east-1$/m);
  assert.match(env, /^AWS_CA_BUNDLE=/m);
  assert.match(env, /^GITHUB_API_URL=/m);
  assert.match(fs.readFileSync(path.join(idir, 'runner.txt'), 'utf8'), /config\.sh/);
  assert.match(fs.readFileSync(path.join(idir, 'console.log'), 'utf8'), /to-console/);
  const daemon = Number(fs.readFileSync(path.join(idir, 'daemon.pid'), 'utf8'));
  await s.until(async () => (await s.instance(id)).exited, 3000, 'user data to exit');
  const inst = await s.instance(id);
  assert.strictEqual(inst.state, 'running', 'user data ending does not stop the instance');
  assert.strictEqual(inst.alive, true, 'the daemon is still in the group');
  process.kill(daemon, 0);
  await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': id });
  await s.until(() => { try { process.kill(daemon, 0); return false; } catch (e) { return true; } }, 3000, 'the daemon to die');
  assert.strictEqual((await s.instance(id)).alive, false);
});

test('IMDSv2: tokens, metadata, tags, user data; an instance terminates itself', async () => {
  const script = 'sleep 30\n';
  await s.template('lt-imds', script);
  const { ids: [id] } = await s.fleet('lt-imds', 1, { 'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'ec2rp:pool', 'TagSpecification.1.Tag.1.Value': 'big' });
  const inst = await s.until(async () => { const i = await s.instance(id); return i.pid && i; }, 3000, 'boot');
  const environ = fs.readFileSync(`/proc/${inst.pid}/environ`).toString();
  const imds = /AWS_EC2_METADATA_SERVICE_ENDPOINT=([^\0]+)/.exec(environ)[1].replace(/\/$/, '');
  const get = (p, tok) => s.request(imds + p, { method: 'GET', headers: tok ? { 'x-aws-ec2-metadata-token': tok } : {} });
  assert.strictEqual((await get('/latest/meta-data/instance-id')).status, 401);
  assert.strictEqual((await get('/latest/meta-data/instance-id', 'made-up')).status, 401);
  assert.strictEqual((await s.request(imds + '/latest/api/token', { method: 'PUT' })).status, 400, 'a TTL is required');
  assert.strictEqual((await s.request(imds + '/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21601' } })).status, 400);
  const short = (await s.request(imds + '/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '1' } })).body;
  const tok = (await s.request(imds + '/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '300' } })).body;
  assert.strictEqual((await get('/latest/meta-data/instance-id', tok)).body, id);
  assert.strictEqual((await get('/latest/meta-data/instance-type', tok)).body, 't3.medium');
  assert.strictEqual((await get('/latest/meta-data/placement/availability-zone', tok)).body, 'us-east-1a');
  assert.strictEqual((await get('/latest/meta-data/placement/region', tok)).body, 'us-east-1');
  assert.strictEqual((await get('/latest/user-data', tok)).body, script);
  assert.strictEqual((await get('/latest/meta-data/tags/instance/ec2rp:pool', tok)).body, 'big');
  assert.strictEqual((await get('/latest/meta-data/tags/instance/nope', tok)).status, 404);
  assert.strictEqual((await get('/latest/meta-data/nothing-here', tok)).status, 404);
  // rotating credentials: each fetch is a new key pair with the set lifetime
  await s.control('/imds-credential-ttl', { seconds: 120 });
  const role = (await get('/latest/meta-data/iam/security-credentials/', tok)).body;
  const c1 = JSON.parse((await get('/latest/meta-data/iam/security-credentials/' + role, tok)).body);
  const c2 = JSON.parse((await get('/latest/meta-data/iam/security-credentials/' + role, tok)).body);
  assert.strictEqual(c1.Code, 'Success');
  assert.notStrictEqual(c1.AccessKeyId, c2.AccessKeyId);
  const left = Date.parse(c1.Expiration) - Date.now();
  assert.ok(left > 100000 && left <= 120000, `expires in ${left} ms`);
  await s.control('/imds-credential-ttl', { seconds: 3600 });
  await sleep(1100);
  assert.strictEqual((await get('/latest/meta-data/instance-id', short)).status, 401, 'an expired token is refused');
  // a key from the metadata needs its session token
  const creds = { key: c1.AccessKeyId, secret: c1.SecretAccessKey };
  assert.match((await s.ec2({ Action: 'DescribeInstances' }, creds)).body, /AuthFailure/);
  creds.token = c1.Token;
  const who = await s.sts({ Action: 'GetCallerIdentity' }, creds);
  assert.match(who.body, new RegExp(`<Arn>arn:aws:sts::123456789012:assumed-role/${role}/${id}</Arn>`));
  const r = await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': id }, creds);
  assert.strictEqual(r.status, 200, r.body);
  await s.until(async () => (await s.instance(id)).state === 'terminated', 3000, 'terminated');
  await assert.rejects(get('/latest/meta-data/instance-id', tok), 'the metadata listener is gone');
});

test('STS: web identity keys work, GetCallerIdentity needs a signature, errors are STS-shaped', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const r = await s.request(s.env.AWS_ENDPOINT_URL + '/', { headers: form,
    body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci&RoleSessionName=gha&WebIdentityToken=jwt' });
  assert.strictEqual(r.status, 200, r.body);
  assert.match(r.body, /^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><AssumeRoleWithWebIdentityResult><Credentials>/);
  const get = (t) => /<(\w+)>([^<]*)<\/\1>/.exec(r.body.slice(r.body.indexOf(`<${t}>`)))[2];
  const creds = { key: get('AccessKeyId'), secret: get('SecretAccessKey'), token: get('SessionToken') };
  assert.ok(Date.parse(get('Expiration')) > Date.now() + 3000000);
  const who = await s.sts({ Action: 'GetCallerIdentity' }, creds);
  assert.strictEqual(who.status, 200, who.body);
  assert.match(who.body, /<Arn>arn:aws:sts::123456789012:assumed-role\/ci\/gha<\/Arn>/);
  assert.strictEqual((await s.ddb('ListTables', {}, creds)).status, 200, 'the DynamoDB front accepts them');
  assert.match((await s.ddb('ListTables', {}, Object.assign({}, creds, { token: 'other' }))).body, /UnrecognizedClientException/);
  const me = await s.sts({ Action: 'GetCallerIdentity' });
  assert.match(me.body, /<Account>123456789012<\/Account>/);
  const unsigned = await s.request(s.env.AWS_ENDPOINT_URL + '/', { headers: form, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  assert.notStrictEqual(unsigned.status, 200);
  const bad = await s.sts({ Action: 'GetCallerIdentity' }, { secret: 'wrong' });
  assert.strictEqual(bad.status, 403);
  assert.match(bad.body, /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code>/);
  const noToken = await s.request(s.env.AWS_ENDPOINT_URL + '/', { headers: form,
    body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci&RoleSessionName=s&WebIdentityToken=' });
  assert.match(noToken.body, /<Code>InvalidIdentityToken<\/Code>/);
  const shortToken = await s.request(s.env.AWS_ENDPOINT_URL + '/', { headers: form,
    body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci&WebIdentityToken=jwt' });
  assert.match(shortToken.body, /<Code>ValidationError<\/Code><Message>1 validation error detected: Value null at 'RoleSessionName'/);
  const badArn = await s.request(s.env.AWS_ENDPOINT_URL + '/', { headers: form,
    body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A12%3Arole%2Fci&RoleSessionName=s&WebIdentityToken=jwt0' });
  assert.match(badArn.body, /<Code>ValidationError<\/Code>/);
  const other = await s.sts({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/ci', RoleSessionName: 's' });
  assert.match(other.body, /<Code>InvalidAction<\/Code>/);
});

test('ghosts: listed, described in pages and terminated like any instance, with no process behind them; the call log in windows', async () => {
  const tags = { 'ec2-runner-pool:pool': 'ghostpool', 'ec2-runner-pool:resource-class': 'large' };
  let r = await s.control('/ghosts', { count: 0 });
  assert.strictEqual(r.status, 400);
  const c0 = (await s.control('/calls/count')).json().count;
  r = await s.control('/ghosts', { count: 7, tags, ageSeconds: 3600 });
  assert.strictEqual(r.status, 201);
  const ids = r.json().ids;
  assert.strictEqual(ids.length, 7);
  const mine = (await s.control('/instances')).json().filter((i) => ids.includes(i.id));
  assert.strictEqual(mine.length, 7);
  for (const i of mine) {
    assert.strictEqual(i.state, 'running');
    assert.strictEqual(i.ghost, true);
    assert.strictEqual(i.pid, null);
    assert.ok(Date.now() - Date.parse(i.launchTime) >= 3500 * 1000);
  }
  // Pages of 5 by the pool's tag: 5, then 2.
  const f = { Action: 'DescribeInstances', 'Filter.1.Name': 'tag:ec2-runner-pool:pool', 'Filter.1.Value.1': 'ghostpool', MaxResults: '5' };
  r = await s.ec2(f);
  assert.strictEqual(count(r, /<instanceId>/g), 5);
  const next = /<nextToken>([^<]+)</.exec(r.body)[1];
  r = await s.ec2(Object.assign({}, f, { NextToken: next }));
  assert.strictEqual(count(r, /<instanceId>/g), 2);
  r = await s.ec2({ Action: 'TerminateInstances', 'InstanceId.1': ids[0], 'InstanceId.2': ids[1] });
  assert.strictEqual(r.status, 200);
  assert.strictEqual(count(r, /<name>shutting-down<\/name>/g), 2);
  await s.until(async () => (await s.instance(ids[0])).state === 'terminated', 3000, 'the ghost terminated');
  // The window: only what came after c0 (the three EC2 calls above).
  const w = (await s.control(`/calls?from=${c0}`)).json();
  assert.deepStrictEqual(w.map((c) => c.action), ['DescribeInstances', 'DescribeInstances', 'TerminateInstances']);
});
