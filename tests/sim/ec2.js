'use strict';
// The EC2 simulator: launch templates, CreateFleet (instant), instances as
// local process trees running their user data, per-instance IMDSv2, and the
// Query-protocol XML of the real API.
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawn } = require('child_process');
const catalogue = require('./catalogue');

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const STATE_CODES = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function hex(n) { return crypto.randomBytes(n).toString('hex').slice(0, n); }
function reqId() { return crypto.randomUUID(); }
// Whether any process of an instance's group is left (its user data may
// have exited and left children behind).
function groupAlive(proc) {
  if (!proc) return false;
  try { process.kill(-proc.pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

// The account (uid) of the local TCP socket at port local connected to
// port remote on 127.0.0.1 (/proc/net/tcp's uid column); -1 if not found.
function peerUid(local, remote) {
  const hexPort = (p) => p.toString(16).toUpperCase().padStart(4, '0');
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines = [];
    try { lines = fs.readFileSync(f, 'utf8').split('\n').slice(1); } catch (e) { continue; }
    for (const l of lines) {
      const c = l.trim().split(/\s+/);
      if (c.length > 7 && c[1].endsWith(':' + hexPort(local)) && c[2].endsWith(':' + hexPort(remote))) return Number(c[7]);
    }
  }
  return -1;
}

class Ec2Error extends Error {
  constructor(code, message, status) { super(message); this.code = code; this.status = status || 400; }
}

// Seconds from a timing setting: "S", or "MIN-MAX" drawn uniformly; 0 unset.
function draw(spec) {
  const p = String(spec || '').split('-').map(Number);
  if (!spec || p.some((x) => !(x >= 0))) return 0;
  return p.length === 1 ? p[0] : p[0] + Math.random() * (p[1] - p[0]);
}

// SIGKILLs every process whose environment carries SIM_INSTANCE_ID=id (the
// simulator sets it for each instance's user data; children inherit it).
function killTagged(id) {
  const want = Buffer.from(`SIM_INSTANCE_ID=${id}\0`);
  let pids = [];
  try { pids = fs.readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)); } catch (e) { return; }
  for (const pid of pids) {
    let env;
    try { env = fs.readFileSync(`/proc/${pid}/environ`); } catch (e) { continue; }
    if (env.indexOf(want) === 0 || env.indexOf(Buffer.concat([Buffer.from([0]), want])) >= 0) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch (e) { /* gone */ }
    }
  }
}

// Items of a Query list: prefix.1, prefix.2, ... (or prefix.1.sub).
function list(p, prefix) {
  const out = [];
  for (let i = 1; ; i++) {
    const keys = Object.keys(p).filter((k) => k === `${prefix}.${i}` || k.startsWith(`${prefix}.${i}.`));
    if (!keys.length) break;
    out.push(i);
  }
  return out;
}
function sub(p, prefix) { // the parameters below prefix, with it removed
  const o = {};
  for (const [k, v] of Object.entries(p)) if (k.startsWith(prefix + '.')) o[k.slice(prefix.length + 1)] = v;
  return o;
}

function globToRe(g) {
  return new RegExp('^' + g.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

// The account's network. Amazon VPC User Guide, "Default VPCs": each
// Region has a default VPC (172.31.0.0/16) with a default subnet (a /20) in
// each Availability Zone. Ours is us-east-1 with its six zones (their zone
// ids, which map to names per account, are ours). Besides the default
// subnets: one more in the default VPC, in us-east-1b beside that zone's
// default subnet, and a second VPC with one subnet, so that the refusals
// below can be seen.
const DEFAULT_VPC = 'vpc-0123456789abcdef0';
function network() {
  const vpcs = new Map([[DEFAULT_VPC, { cidr: '172.31.0.0/16', isDefault: true }],
    ['vpc-0fedcba9876543210', { cidr: '10.0.0.0/16', isDefault: false }]]);
  const subnets = new Map();
  'abcdef'.split('').forEach((z, i) => subnets.set(`subnet-0123456789abcdef${i}`,
    { vpc: DEFAULT_VPC, zone: `us-east-1${z}`, zoneId: `use1-az${i + 1}`, cidr: `172.31.${i * 16}.0/20`, defaultForAz: true }));
  subnets.set('subnet-01234567', { vpc: DEFAULT_VPC, zone: 'us-east-1b', zoneId: 'use1-az2', cidr: '172.31.96.0/20', defaultForAz: false });
  subnets.set('subnet-0fedcba9876543210', { vpc: 'vpc-0fedcba9876543210', zone: 'us-east-1a', zoneId: 'use1-az1', cidr: '10.0.0.0/24', defaultForAz: false });
  return { vpcs, subnets };
}

const TEMPLATE_FIELDS = ['ImageId', 'UserData', 'IamInstanceProfile.Name', 'IamInstanceProfile.Arn', 'KeyName',
  'InstanceType', 'MetadataOptions.HttpTokens', 'MetadataOptions.HttpEndpoint', 'MetadataOptions.InstanceMetadataTags',
  'MetadataOptions.HttpPutResponseHopLimit', 'InstanceInitiatedShutdownBehavior'];

class Ec2 {
  constructor(opts) {
    this.dir = opts.dir;
    this.env = opts.instanceEnv; // () => base environment for instances
    this.verifier = opts.verifier;
    this.faults = opts.faults;
    this.clock = opts.clock;
    this.account = opts.account || { spotRole: true };
    this.fleetTokens = new Map(); // ClientToken -> { params, answer }
    this.runnerDir = opts.runnerDir;
    this.templates = new Map(); // name -> { id, name, versions: [data], defaultVersion, created }
    this.instances = new Map(); // id -> instance
    this.credTtl = 3600;
    // AMIs: what each has baked in. Unknown ids have both the tools and the
    // runner (a pool AMI); a stock AMI has neither.
    this.images = new Map();
    Object.assign(this, network());
  }

  // arch: what uname -m says on it (the simulator runs every instance on
  // this host, so an aarch64 image only gets as far as choosing downloads).
  // EC2 takes a spot instance back: the interruption notice in its metadata
  // (spot/instance-action, {"action","time"} as EC2's user guide shows it),
  // then the termination at that time; or only a rebalance recommendation
  // (events/recommendations/rebalance, {"noticeTime"}). Not EC2's API: the
  // simulator's control.
  spotInterrupt(id, seconds, rebalanceOnly) {
    const inst = this.instances.get(id);
    if (!inst || inst.state !== 'running') return false;
    const at = new Date(this.clock() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    if (rebalanceOnly) {
      inst.rebalance = new Date(this.clock()).toISOString().replace(/\.\d+Z$/, 'Z');
      return true;
    }
    inst.spotAction = { action: 'terminate', time: at };
    setTimeout(() => { if (inst.state === 'running') this.end(inst, 'terminated'); }, seconds * 1000).unref();
    return true;
  }

  setImage(id, spec) { this.images.set(id, { tools: spec.tools !== false, runner: spec.runner !== false, arch: spec.arch || '' }); }

  handle(action, p) {
    const fn = this['a' + action];
    if (!fn) throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
    return fn.call(this, p);
  }

  wrap(action, inner) {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS}"><requestId>${reqId()}</requestId>${inner}</${action}Response>`;
  }

  templateData(p, prefix) {
    const d = {};
    for (const f of TEMPLATE_FIELDS) if (p[`${prefix}.${f}`] !== undefined) d[f] = p[`${prefix}.${f}`];
    const sgs = list(p, `${prefix}.SecurityGroupId`).map((i) => p[`${prefix}.SecurityGroupId.${i}`]);
    if (sgs.length) d.SecurityGroupIds = sgs;
    if (d.UserData !== undefined && !/^[A-Za-z0-9+/=]*$/.test(d.UserData)) {
      throw new Ec2Error('InvalidParameterValue', 'Invalid BASE64 encoding of user data.');
    }
    // "User data is limited to 16 KB, in raw form, before it is
    // base64-encoded" (EC2 User Guide, "Work with instance user data"): the
    // decoded bytes count, not the 4/3 longer text sent. The wording of the
    // refusal is ours (AWS publishes none for launch templates).
    if (d.UserData && Buffer.from(d.UserData, 'base64').length > 16384) {
      throw new Ec2Error('InvalidParameterValue', 'User data is limited to 16384 bytes');
    }
    if (d.ImageId !== undefined && !/^ami-[0-9a-f]{8,17}$/.test(d.ImageId)) {
      throw new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${d.ImageId}"`);
    }
    return d;
  }

  findTemplate(p) {
    const name = p.LaunchTemplateName, id = p.LaunchTemplateId;
    for (const t of this.templates.values()) if (t.name === name || t.id === id) return t;
    if (name) throw new Ec2Error('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
    if (id) throw new Ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateName or LaunchTemplateId');
  }

  version(t, v) {
    if (v === undefined || v === '$Default') return t.defaultVersion;
    if (v === '$Latest') return t.versions.length;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > t.versions.length) {
      throw new Ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${v}`);
    }
    return n;
  }

  templateXml(t) {
    return `<launchTemplateId>${t.id}</launchTemplateId><launchTemplateName>${esc(t.name)}</launchTemplateName>` +
      `<createTime>${t.created}</createTime><defaultVersionNumber>${t.defaultVersion}</defaultVersionNumber>` +
      `<latestVersionNumber>${t.versions.length}</latestVersionNumber>`;
  }

  dataXml(d) {
    let x = '';
    if (d.ImageId) x += `<imageId>${esc(d.ImageId)}</imageId>`;
    if (d.UserData) x += `<userData>${esc(d.UserData)}</userData>`;
    if (d.KeyName) x += `<keyName>${esc(d.KeyName)}</keyName>`;
    if (d.InstanceType) x += `<instanceType>${esc(d.InstanceType)}</instanceType>`;
    if (d['IamInstanceProfile.Name'] || d['IamInstanceProfile.Arn']) {
      x += '<iamInstanceProfile>' + (d['IamInstanceProfile.Name'] ? `<name>${esc(d['IamInstanceProfile.Name'])}</name>` : '') +
        (d['IamInstanceProfile.Arn'] ? `<arn>${esc(d['IamInstanceProfile.Arn'])}</arn>` : '') + '</iamInstanceProfile>';
    }
    if (d.SecurityGroupIds) x += '<securityGroupIdSet>' + d.SecurityGroupIds.map((s) => `<item>${esc(s)}</item>`).join('') + '</securityGroupIdSet>';
    const mo = ['HttpTokens', 'HttpEndpoint', 'InstanceMetadataTags', 'HttpPutResponseHopLimit'].filter((k) => d['MetadataOptions.' + k]);
    if (mo.length) x += '<metadataOptions>' + mo.map((k) => `<${k[0].toLowerCase() + k.slice(1)}>${esc(d['MetadataOptions.' + k])}</${k[0].toLowerCase() + k.slice(1)}>`).join('') + '</metadataOptions>';
    if (d.InstanceInitiatedShutdownBehavior) x += `<instanceInitiatedShutdownBehavior>${esc(d.InstanceInitiatedShutdownBehavior)}</instanceInitiatedShutdownBehavior>`;
    return x;
  }

  // The tags a request's TagSpecifications give resources of one type.
  tagsFor(p, type) {
    const tags = {};
    for (const i of list(p, 'TagSpecification')) {
      const ts = sub(p, `TagSpecification.${i}`);
      if (ts.ResourceType !== type) continue;
      for (const j of list(ts, 'Tag')) tags[ts[`Tag.${j}.Key`]] = ts[`Tag.${j}.Value`] || '';
    }
    return tags;
  }

  aCreateLaunchTemplate(p) {
    const name = p.LaunchTemplateName;
    if (!name) throw new Ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateName');
    if (!/^[a-zA-Z0-9().\-/_]{3,128}$/.test(name)) throw new Ec2Error('InvalidLaunchTemplateName.MalformedException', 'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.');
    if (this.templates.has(name)) throw new Ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    const t = { id: 'lt-' + hex(17), name, versions: [this.templateData(p, 'LaunchTemplateData')], defaultVersion: 1, created: new Date(this.clock()).toISOString(),
      tags: this.tagsFor(p, 'launch-template') };
    this.templates.set(name, t);
    return this.wrap('CreateLaunchTemplate', `<launchTemplate>${this.templateXml(t)}</launchTemplate>`);
  }

  aCreateLaunchTemplateVersion(p) {
    const t = this.findTemplate(p);
    let data = this.templateData(p, 'LaunchTemplateData');
    if (p.SourceVersion) data = Object.assign({}, t.versions[this.version(t, p.SourceVersion) - 1], data);
    t.versions.push(data);
    const n = t.versions.length;
    return this.wrap('CreateLaunchTemplateVersion', `<launchTemplateVersion><launchTemplateId>${t.id}</launchTemplateId>` +
      `<launchTemplateName>${esc(t.name)}</launchTemplateName><versionNumber>${n}</versionNumber><defaultVersion>false</defaultVersion>` +
      `<launchTemplateData>${this.dataXml(data)}</launchTemplateData></launchTemplateVersion>`);
  }

  aModifyLaunchTemplate(p) {
    const t = this.findTemplate(p);
    if (p.SetDefaultVersion !== undefined) t.defaultVersion = this.version(t, p.SetDefaultVersion);
    return this.wrap('ModifyLaunchTemplate', `<launchTemplate>${this.templateXml(t)}</launchTemplate>`);
  }

  aDescribeLaunchTemplates(p) {
    const names = list(p, 'LaunchTemplateName').map((i) => p[`LaunchTemplateName.${i}`]);
    const items = [];
    for (const n of names) {
      if (!this.templates.has(n)) throw new Ec2Error('InvalidLaunchTemplateName.NotFoundException', `At least one of the launch templates specified in the request does not exist.`);
      items.push(this.templates.get(n));
    }
    const all = names.length ? items : [...this.templates.values()];
    return this.wrap('DescribeLaunchTemplates', '<launchTemplates>' + all.map((t) => `<item>${this.templateXml(t)}</item>`).join('') + '</launchTemplates>');
  }

  aDescribeLaunchTemplateVersions(p) {
    const t = this.findTemplate(p);
    const vs = list(p, 'LaunchTemplateVersion').map((i) => this.version(t, p[`LaunchTemplateVersion.${i}`]));
    const nums = vs.length ? vs : t.versions.map((_, i) => i + 1);
    return this.wrap('DescribeLaunchTemplateVersions', '<launchTemplateVersionSet>' + nums.map((n) =>
      `<item><launchTemplateId>${t.id}</launchTemplateId><launchTemplateName>${esc(t.name)}</launchTemplateName>` +
      `<versionNumber>${n}</versionNumber><defaultVersion>${n === t.defaultVersion}</defaultVersion>` +
      `<launchTemplateData>${this.dataXml(t.versions[n - 1])}</launchTemplateData></item>`).join('') + '</launchTemplateVersionSet>');
  }

  // Instance types allowed by one override.
  candidates(o) {
    const num = (k) => (o[k] === undefined ? undefined : Number(o[k]));
    const vmin = num('InstanceRequirements.VCpuCount.Min'), vmax = num('InstanceRequirements.VCpuCount.Max');
    const mmin = num('InstanceRequirements.MemoryMiB.Min'), mmax = num('InstanceRequirements.MemoryMiB.Max');
    // The wire name is the model's locationName: AllowedInstanceType.N.
    const globs = list(o, 'InstanceRequirements.AllowedInstanceType').map((i) => o[`InstanceRequirements.AllowedInstanceType.${i}`]);
    if (o.InstanceType) return catalogue.filter((c) => c.name === o.InstanceType);
    if (Object.keys(o).some((k) => k.startsWith('InstanceRequirements.'))) {
      if (vmin === undefined || mmin === undefined) throw new Ec2Error('MissingParameter', 'InstanceRequirements requires VCpuCount and MemoryMiB');
    }
    for (const g of globs) if (!/^[a-z0-9.*-]+$/.test(g)) throw new Ec2Error('InvalidParameterValue', `Invalid AllowedInstanceType value ${g}`);
    // CpuManufacturer.N (locationName in aws-sdk's ec2 model): the values of
    // @aws-sdk/client-ec2's CpuManufacturer enum; the default is any.
    const makers = list(o, 'InstanceRequirements.CpuManufacturer').map((i) => o[`InstanceRequirements.CpuManufacturer.${i}`]);
    for (const m of makers) if (!['intel', 'amd', 'amazon-web-services', 'apple'].includes(m)) throw new Ec2Error('InvalidParameterValue', `Invalid CpuManufacturer value ${m}`);
    return catalogue.filter((c) => (vmin === undefined || c.vcpu >= vmin) && (vmax === undefined || c.vcpu <= vmax) &&
      (mmin === undefined || c.mem >= mmin) && (mmax === undefined || c.mem <= mmax) &&
      (!globs.length || globs.some((g) => globToRe(g).test(c.name))) && (!makers.length || makers.includes(c.cpu)));
  }

  // ClientToken, as EC2 documents idempotency: the same token with the same
  // parameters answers what the first request answered and launches
  // nothing; with other parameters it is IdempotentParameterMismatch.
  aCreateFleet(p) {
    const token = p.ClientToken;
    if (token !== undefined) {
      if (!/^[\x21-\x7e]{1,64}$/.test(token)) throw new Ec2Error('InvalidParameterValue', 'ClientToken must be 1-64 ASCII characters');
      const same = JSON.stringify(Object.entries(p).filter(([k]) => k !== 'ClientToken').sort());
      const seen = this.fleetTokens.get(token);
      if (seen && seen.params !== same) throw new Ec2Error('IdempotentParameterMismatch', 'The client token has been used with other parameters');
      if (seen) return seen.answer;
      const answer = this.createFleet(p);
      this.fleetTokens.set(token, { params: same, answer });
      return answer;
    }
    return this.createFleet(p);
  }

  createFleet(p) {
    if (p.Type !== 'instant') throw new Ec2Error('InvalidParameterValue', 'This simulator supports only Type=instant fleets');
    const total = Number(p['TargetCapacitySpecification.TotalTargetCapacity']);
    if (!Number.isInteger(total) || total < 1) throw new Ec2Error('InvalidTargetCapacitySpecification', 'TotalTargetCapacity must be a positive integer');
    const usage = p['TargetCapacitySpecification.DefaultTargetCapacityType'] || 'on-demand';
    if (!['spot', 'on-demand'].includes(usage)) throw new Ec2Error('InvalidParameterValue', `Invalid DefaultTargetCapacityType ${usage}`);
    // Spot needs the account's service-linked role AWSServiceRoleForEC2Spot
    // (EC2 User Guide, "Service-linked role for Spot Instances"). EC2
    // creates it when the caller may iam:CreateServiceLinkedRole; the pool's
    // policies do not grant that, so here its absence refuses the launch,
    // in the code and words reported from AWS (kops #16475,
    // cdk-github-runners #182).
    if (usage === 'spot' && !this.account.spotRole) {
      throw new Ec2Error('AuthFailure.ServiceLinkedRoleCreationNotPermitted', 'The provided credentials do not have permission to create the service-linked role for EC2 Spot Instances.', 403);
    }
    const cfgs = list(p, 'LaunchTemplateConfigs');
    if (!cfgs.length) throw new Ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateConfigs');
    // Every (template, override, matching type) is one launch option; the
    // first is used, as the lowest-price strategy would pick one pool.
    const options = [];
    let mismatch = null;
    for (const ci of cfgs) {
      const c = sub(p, `LaunchTemplateConfigs.${ci}`);
      const t = this.findTemplate({ LaunchTemplateName: c['LaunchTemplateSpecification.LaunchTemplateName'], LaunchTemplateId: c['LaunchTemplateSpecification.LaunchTemplateId'] });
      const version = this.version(t, c['LaunchTemplateSpecification.Version']);
      const overrides = list(c, 'Overrides').map((i) => sub(c, `Overrides.${i}`));
      if (!overrides.length) overrides.push({});
      this.fleetSubnets(overrides);
      for (const o of overrides) {
        if (o.SubnetId && !/^subnet-[0-9a-f]{8,17}$/.test(o.SubnetId)) throw new Ec2Error('InvalidSubnetID.Malformed', `Invalid subnet id: "${o.SubnetId}"`);
        if (o.ImageId && !/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(o.ImageId)) throw new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${o.ImageId}"`);
        // An override's ImageId replaces the template's AMI
        // (FleetLaunchTemplateOverridesRequest.ImageId in EC2's model).
        const data = o.ImageId ? Object.assign({}, t.versions[version - 1], { ImageId: o.ImageId }) : t.versions[version - 1];
        const image = this.images.get(data.ImageId) || {};
        const amiArch = ['aarch64', 'arm64'].includes(image.arch) ? 'arm64' : 'x86_64';
        for (const ty of this.candidates(o)) {
          // With InstanceRequirements EC2 picks only types of the AMI's
          // architecture (the InstanceRequirements CpuManufacturers docs of
          // the EC2 API reference / @aws-sdk/client-ec2: "Instances will be
          // launched with a compatible CPU architecture based on the AMI");
          // an explicit InstanceType of another architecture is refused
          // (the message is EC2's RunInstances wording as we know it, not
          // checked against a published source).
          if (ty.arch !== amiArch) {
            if (o.InstanceType) mismatch = { type: ty.arch, ami: amiArch };
            continue;
          }
          options.push({ type: ty.name, subnet: o.SubnetId || this.defaultSubnet(), t, version, data });
        }
      }
    }
    const tags = this.tagsFor(p, 'instance');
    const errors = [];
    let ok = total;
    if (!options.length && mismatch) {
      errors.push({ code: 'InvalidParameterValue', message: `The architecture '${mismatch.type}' of the specified instance type does not match the architecture '${mismatch.ami}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.` });
      ok = 0;
    } else if (!options.length) {
      errors.push({ code: 'InvalidFleetConfiguration', message: 'Your requested instance requirements match no instance types' });
      ok = 0;
    } else {
      const cap = this.faults.capacity(total, usage);
      if (cap < total) {
        // One error a pool that ran dry, naming its override (type, subnet,
        // zone), as CreateFleetError.LaunchTemplateAndOverrides carries it.
        // Which override fields EC2 fills in for a capacity error is our
        // reading of the model, not checked against a real answer.
        const o = options[0];
        errors.push({ code: 'InsufficientInstanceCapacity', message: `We currently do not have sufficient ${o.type} capacity in the Availability Zone you requested.`,
          overrides: `<overrides><instanceType>${o.type}</instanceType><subnetId>${o.subnet}</subnetId><availabilityZone>${this.zoneOf(o.subnet)}</availabilityZone></overrides>` });
        ok = cap;
      }
    }
    const launched = [];
    for (let i = 0; i < ok; i++) launched.push(this.launch(options[0], options[0].data, tags, usage));
    const byType = {};
    for (const inst of launched) (byType[inst.type + ' ' + inst.subnet] = byType[inst.type + ' ' + inst.subnet] || []).push(inst);
    const set = Object.values(byType).map((g) => `<item><instanceIds>${g.map((x) => `<item>${x.id}</item>`).join('')}</instanceIds>` +
      `<instanceType>${g[0].type}</instanceType><lifecycle>${usage}</lifecycle><launchTemplateAndOverrides><launchTemplateSpecification>` +
      `<launchTemplateId>${options[0].t.id}</launchTemplateId><version>${options[0].version}</version></launchTemplateSpecification>` +
      `<overrides><subnetId>${g[0].subnet}</subnetId><instanceType>${g[0].type}</instanceType></overrides></launchTemplateAndOverrides></item>`).join('');
    const errs = errors.map((e) => `<item>${e.overrides ? `<launchTemplateAndOverrides>${e.overrides}</launchTemplateAndOverrides>` : ''}` +
      `<errorCode>${e.code}</errorCode><errorMessage>${esc(e.message)}</errorMessage><lifecycle>${usage}</lifecycle></item>`).join('');
    return this.wrap('CreateFleet', `<fleetId>fleet-${crypto.randomUUID()}</fleetId><errorSet>${errs}</errorSet><fleetInstanceSet>${set}</fleetInstanceSet>`);
  }

  // The overrides' subnets: each one the account has (else EC2's
  // InvalidSubnetID.NotFound), and two different subnets never in one zone:
  // "An EC2 Fleet request can't span different subnets from the same
  // Availability Zone" (EC2 User Guide, "EC2 Fleet limitations"). The code
  // is InvalidFleetConfig, as other projects report it; AWS publishes no
  // message for it, the one here is ours.
  fleetSubnets(overrides) {
    const byZone = new Map();
    for (const o of overrides) {
      if (!o.SubnetId) continue;
      if (!/^subnet-[0-9a-f]{8,17}$/.test(o.SubnetId)) throw new Ec2Error('InvalidSubnetID.Malformed', `Invalid subnet id: "${o.SubnetId}"`);
      const sn = this.subnets.get(o.SubnetId);
      if (!sn) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${o.SubnetId}' does not exist`);
      const other = byZone.get(sn.zone);
      if (other && other !== o.SubnetId) {
        throw new Ec2Error('InvalidFleetConfig', `The fleet request includes subnets ${other} and ${o.SubnetId} of one Availability Zone (${sn.zone}); a fleet cannot span different subnets from the same Availability Zone`);
      }
      byZone.set(sn.zone, o.SubnetId);
    }
  }
  // Without a subnet EC2 launches into a default subnet of the default VPC.
  defaultSubnet() {
    for (const [id, sn] of this.subnets) if (sn.defaultForAz && sn.vpc === DEFAULT_VPC) return id;
    throw new Ec2Error('MissingInput', 'No subnets found for the default VPC. Please specify a subnet.');
  }
  zoneOf(subnet) { return (this.subnets.get(subnet) || {}).zone || ''; }

  // DescribeSubnets: by id (an unknown one is InvalidSubnetID.NotFound, the
  // whole call refused, as DescribeInstances does with ids) and the filters
  // vpc-id, availability-zone and default-for-az.
  aDescribeSubnets(p) {
    const ids = list(p, 'SubnetId').map((i) => p[`SubnetId.${i}`]);
    for (const id of ids) if (!/^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw new Ec2Error('InvalidSubnetID.Malformed', `Invalid subnet id: "${id}"`);
    const missing = ids.filter((id) => !this.subnets.has(id));
    if (missing.length) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${missing.join(', ')}' does not exist`);
    const filters = list(p, 'Filter').map((i) => ({ name: p[`Filter.${i}.Name`], values: list(p, `Filter.${i}.Value`).map((j) => p[`Filter.${i}.Value.${j}`]) }));
    const field = { 'vpc-id': 'vpc', 'availability-zone': 'zone', 'default-for-az': 'defaultForAz' };
    for (const f of filters) if (!field[f.name]) throw new Ec2Error('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    let all = (ids.length ? ids : [...this.subnets.keys()]).map((id) => Object.assign({ id }, this.subnets.get(id)));
    for (const f of filters) all = all.filter((sn) => f.values.includes(String(sn[field[f.name]])));
    const items = all.map((sn) => `<item><subnetId>${sn.id}</subnetId><subnetArn>arn:aws:ec2:us-east-1:123456789012:subnet/${sn.id}</subnetArn>` +
      `<state>available</state><ownerId>123456789012</ownerId><vpcId>${sn.vpc}</vpcId><cidrBlock>${sn.cidr}</cidrBlock>` +
      `<availableIpAddressCount>4091</availableIpAddressCount><availabilityZone>${sn.zone}</availabilityZone>` +
      `<availabilityZoneId>${sn.zoneId}</availabilityZoneId><defaultForAz>${sn.defaultForAz}</defaultForAz>` +
      `<mapPublicIpOnLaunch>${sn.defaultForAz}</mapPublicIpOnLaunch></item>`);
    return this.wrap('DescribeSubnets', `<subnetSet>${items.join('')}</subnetSet>`);
  }
  launch(opt, data, tags, usage) {
    const id = 'i-' + hex(17);
    const inst = {
      id, type: opt.type, subnet: opt.subnet, usage, image: data.ImageId || 'ami-00000000', tags: Object.assign({}, tags),
      state: 'pending', launchTime: new Date(this.clock()).toISOString().replace(/\.\d+Z$/, '.000Z'), userData: data.UserData || '',
      dir: path.join(this.dir, 'instances', id), proc: null, imds: null, imdsPort: 0, fault: this.faults.instanceFault(),
      shutdownBehavior: data.InstanceInitiatedShutdownBehavior || 'stop',
      // EC2's eventual consistency (see seen()).
      seenAt: this.clock() + this.faults.unseenMs(),
    };
    // Its VPC and a private address in its subnet: what AWS puts in the
    // request context of its role's credentials (aws:Ec2InstanceSourceVpc,
    // aws:Ec2InstanceSourcePrivateIPv4; tests/sim/iam.js).
    const sn = this.subnets.get(inst.subnet) || {};
    inst.vpcId = sn.vpc;
    const n = this.instances.size + 4;
    inst.privateIp = sn.cidr ? sn.cidr.replace(/\.\d+\/\d+$/, `.${n % 250 + 4}`) : undefined;
    const image = this.images.get(inst.image) || { tools: true, runner: true };
    inst.baked = image.tools;
    inst.arch = image.arch;
    this.instances.set(id, inst);
    fs.mkdirSync(path.join(inst.dir, 'root', 'opt'), { recursive: true });
    if (image.runner && this.runnerDir && fs.existsSync(this.runnerDir)) {
      fs.cpSync(this.runnerDir, path.join(inst.dir, 'root', 'opt', 'actions-runner'), { recursive: true });
    }
    if (inst.fault === 'never-register') this.faults.markRegistration(id);
    if (inst.fault === 'never-boot') return inst;
    // SIM_BOOT_SEC ("S" or "MIN-MAX"): how long EC2 takes from the launch to
    // the user data starting (docs/benchmarks.md); unset, at once.
    this.startImds(inst).then(() => new Promise((ok) => setTimeout(ok, draw(process.env.SIM_BOOT_SEC) * 1000))).then(() => {
      if (inst.state !== 'pending') return;
      inst.state = 'running';
      this.boot(inst);
    });
    return inst;
  }

  // Ghosts: instances EC2 runs and lists, with no process, no metadata
  // service and no agent behind them (not EC2's: the stack's control, for
  // pools too large to run an agent each; tests/bench/scale.sh). Every
  // action treats them as any running instance; nothing ever boots them.
  ghosts(spec) {
    const n = Number(spec.count);
    if (!Number.isInteger(n) || n < 1 || n > 20000) throw new Ec2Error('InvalidParameterValue', 'count must be 1 to 20000');
    const subnet = spec.subnet || this.defaultSubnet();
    if (!this.subnets.has(subnet)) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${subnet}' does not exist`);
    const launched = new Date(this.clock() - (Number(spec.ageSeconds) || 0) * 1000).toISOString().replace(/\.\d+Z$/, '.000Z');
    const ids = [];
    for (let i = 0; i < n; i++) {
      const id = 'i-' + hex(17);
      this.instances.set(id, { id, type: spec.type || 'm5.large', subnet, usage: spec.usage === 'spot' ? 'spot' : 'on-demand',
        image: spec.image || 'ami-0123456789abcdef0', tags: Object.assign({}, spec.tags || {}), state: 'running', launchTime: launched,
        userData: '', dir: null, proc: null, imds: null, imdsPort: 0, fault: null, shutdownBehavior: 'terminate', seenAt: 0,
        vpcId: this.subnets.get(subnet).vpc, ghost: true });
      ids.push(id);
    }
    return ids;
  }

  boot(inst) {
    const script = Buffer.from(inst.userData, 'base64').toString('utf8');
    const base = this.env();
    // The OS's shutdown reaches the hypervisor (tests/sim/bin), never the
    // host; a stock AMI has no tools on its PATH.
    let PATH = base.PATH.split(':').filter((d) => inst.baked || !fs.existsSync(path.join(d, 'ec2rp')));
    // no-firewall: an AMI with neither iptables nor nft (the hardened mode
    // must refuse to serve on it): only the shutdown commands.
    let simBin = path.join(__dirname, 'bin');
    if (inst.fault === 'no-firewall') {
      simBin = path.join(inst.dir, 'sim-bin');
      fs.mkdirSync(simBin, { recursive: true });
      for (const c of ['halt', 'poweroff', 'shutdown', 'gpasswd']) fs.symlinkSync(path.join(__dirname, 'bin', c), path.join(simBin, c));
    }
    PATH = [simBin].concat(PATH).join(':');
    const env = Object.assign({}, base, {
      PATH,
      // The stack's CA, as an AMI's trust store holds github.com's.
      CURL_CA_BUNDLE: base.AWS_CA_BUNDLE,
      EC2RP_ARCH: inst.arch || '',
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${inst.imdsPort}/`,
      EC2RP_ROOT: path.join(inst.dir, 'root'),
      SIM_INSTANCE_ID: inst.id,
      SIM_AGENT_FAULT: inst.fault || '',
      HOME: path.join(inst.dir, 'root'),
      // The runner account is the host's, shared by every simulated
      // instance: its home is the instance's own, and the agent's clean-up
      // must not kill the account's processes on other instances. A test
      // whose one instance has an account of its own says so
      // (SIM_RUNNER_OWN_ACCOUNT=1): then the clean-up is a real instance's.
      EC2RP_RUNNER_HOME: path.join(inst.dir, 'root', 'home', 'runner'),
      EC2RP_RUNNER_KILL_ACCOUNT: base.SIM_RUNNER_OWN_ACCOUNT === '1' ? '1' : '0',
    });
    const out = fs.openSync(path.join(inst.dir, 'console.log'), 'a');
    inst.proc = spawn('/bin/sh', ['-c', script], { cwd: inst.dir, env, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    inst.proc.on('exit', () => { inst.exited = true; });
  }

  startImds(inst) {
    const tokens = new Map(); // token -> expiry (ms)
    const role = 'ec2-runner-pool-instance';
    inst.imds = http.createServer((req, res) => {
      const send = (code, body, type) => { res.writeHead(code, { 'content-type': type || 'text/plain' }); res.end(body); };
      const u = req.url;
      if (req.method === 'PUT' && u === '/latest/api/token') {
        const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
        if (!(ttl >= 1 && ttl <= 21600)) return send(400, 'Bad TTL');
        const t = crypto.randomBytes(24).toString('base64');
        tokens.set(t, Date.now() + ttl * 1000);
        return send(200, t);
      }
      // Not EC2's: the simulated OS halting (tests/sim/bin/shutdown); EC2
      // sees the instance stop, and terminates it when the launch asked so.
      if (req.method === 'POST' && u === '/_sim/shutdown') { send(200, 'ok'); this.osShutdown(inst); return undefined; }
      // Not EC2's either: the simulated OS firewall (tests/sim/bin/iptables).
      // An account refused the metadata address gets no answer from it, as
      // the kernel's owner match drops its packets; the peer's account is
      // read from /proc/net/tcp, as the kernel knows it.
      if (inst.blockedUids && inst.blockedUids.size && inst.blockedUids.has(peerUid(req.socket.remotePort, inst.imdsPort))) {
        req.socket.destroy();
        return undefined;
      }
      if (req.method === 'POST' && u === '/_sim/firewall') {
        let b = '';
        req.on('data', (c) => { b += c; });
        req.on('end', () => {
          const uid = Number((JSON.parse(b || '{}') || {}).uid);
          if (!Number.isInteger(uid) || uid < 0) return send(400, 'bad uid');
          (inst.blockedUids = inst.blockedUids || new Set()).add(uid);
          return send(200, 'ok');
        });
        return undefined;
      }
      if (req.method !== 'GET') return send(405, 'Method Not Allowed');
      if (!(tokens.get(req.headers['x-aws-ec2-metadata-token']) > Date.now())) return send(401, 'Unauthorized');
      const md = {
        '/latest/meta-data/instance-id': inst.id,
        '/latest/meta-data/instance-type': inst.type,
        '/latest/meta-data/ami-id': inst.image,
        '/latest/meta-data/placement/availability-zone': this.zoneOf(inst.subnet),
        '/latest/meta-data/placement/region': 'us-east-1',
        '/latest/meta-data/iam/security-credentials/': role,
        '/latest/user-data': Buffer.from(inst.userData, 'base64').toString('utf8'),
        '/latest/meta-data/tags/instance': Object.keys(inst.tags).join('\n'),
      };
      if (u === `/latest/meta-data/iam/security-credentials/${role}`) {
        const ak = 'ASIA' + hex(16).toUpperCase();
        const sk = crypto.randomBytes(30).toString('base64');
        const token = crypto.randomBytes(48).toString('base64');
        const expires = this.clock() + this.credTtl * 1000;
        // An instance that must never heartbeat gets credentials nothing accepts.
        if (inst.fault !== 'never-heartbeat') this.verifier.addKey(ak, sk, token, expires, `arn:aws:sts::123456789012:assumed-role/${role}/${inst.id}`);
        return send(200, JSON.stringify({ Code: 'Success', LastUpdated: new Date(this.clock()).toISOString(), Type: 'AWS-HMAC',
          AccessKeyId: ak, SecretAccessKey: sk, Token: token, Expiration: new Date(expires).toISOString().replace(/\.\d+Z$/, 'Z') }), 'application/json');
      }
      if (u === '/latest/meta-data/spot/instance-action') return inst.spotAction ? send(200, JSON.stringify(inst.spotAction), 'application/json') : send(404, 'Not Found');
      if (u === '/latest/meta-data/events/recommendations/rebalance') return inst.rebalance ? send(200, JSON.stringify({ noticeTime: inst.rebalance }), 'application/json') : send(404, 'Not Found');
      if (u.startsWith('/latest/meta-data/tags/instance/')) {
        const k = decodeURIComponent(u.slice('/latest/meta-data/tags/instance/'.length));
        return k in inst.tags ? send(200, inst.tags[k]) : send(404, 'Not Found');
      }
      return u in md ? send(200, md[u]) : send(404, 'Not Found');
    });
    return new Promise((resolve) => inst.imds.listen(0, '127.0.0.1', () => { inst.imdsPort = inst.imds.address().port; resolve(); }));
  }

  kill(inst) {
    if (inst.imds) { inst.imds.close(); inst.imds = null; }
    // The group, not the leader: user data that backgrounds a daemon and
    // exits leaves the daemon in the group.
    if (inst.proc) {
      try { process.kill(-inst.proc.pid, 'SIGTERM'); } catch (e) { /* gone */ }
      const p = inst.proc;
      setTimeout(() => { try { process.kill(-p.pid, 'SIGKILL'); } catch (e) { /* gone */ } killTagged(inst.id); }, 1500).unref();
    }
    // On EC2 nothing outlives its instance: what left the group (setsid, as
    // the runner does for jobs) still carries the instance's id. A ghost
    // never ran anything (and a /proc walk per ghost would cost the stack
    // seconds when a thousand end).
    if (!inst.ghost) killTagged(inst.id);
  }

  // The instance stops running: 'terminated' (through shutting-down) or
  // 'stopped' (through stopping), a moment later, as EC2 reports it.
  end(inst, final) {
    inst.state = final === 'terminated' ? 'shutting-down' : 'stopping';
    this.kill(inst);
    setTimeout(() => { inst.state = final; }, 300).unref();
  }

  // The instance's OS shut down: InstanceInitiatedShutdownBehavior decides
  // (EC2 API reference, RequestLaunchTemplateData: stop, the default, or
  // terminate).
  osShutdown(inst) {
    if (inst.state !== 'running' && inst.state !== 'pending') return;
    this.end(inst, inst.shutdownBehavior === 'terminate' ? 'terminated' : 'stopped');
  }

  // Whether EC2's other actions know the instance yet. "Eventual
  // consistency in the Amazon EC2 API" (EC2 Developer Guide): right after a
  // launch, DescribeInstances and TerminateInstances may answer
  // InvalidInstanceID.NotFound for it, which "does not mean the instance
  // does not exist"; how long is not published: the tests set it
  // (faults.js, unseenSec).
  seen(inst) { return this.clock() >= inst.seenAt; }

  ids(p) {
    const ids = list(p, 'InstanceId').map((i) => p[`InstanceId.${i}`]);
    for (const id of ids) if (!/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw new Ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    const missing = ids.filter((id) => !this.instances.has(id) || !this.seen(this.instances.get(id)));
    if (missing.length) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
    return ids;
  }

  aTerminateInstances(p) {
    const ids = this.ids(p);
    if (!ids.length) throw new Ec2Error('MissingParameter', 'The request must contain the parameter InstanceId');
    const items = ids.map((id) => {
      const inst = this.instances.get(id);
      const prev = inst.state;
      if (prev !== 'terminated') this.end(inst, 'terminated');
      return `<item><instanceId>${id}</instanceId><previousState><code>${STATE_CODES[prev]}</code><name>${prev}</name></previousState>` +
        `<currentState><code>${STATE_CODES[inst.state]}</code><name>${inst.state}</name></currentState></item>`;
    });
    return this.wrap('TerminateInstances', `<instancesSet>${items.join('')}</instancesSet>`);
  }

  aDescribeInstances(p) {
    const ids = this.ids(p);
    const filters = list(p, 'Filter').map((i) => ({ name: p[`Filter.${i}.Name`], values: list(p, `Filter.${i}.Value`).map((j) => p[`Filter.${i}.Value.${j}`]) }));
    const known = ['instance-state-name', 'instance-id', 'tag-key', 'instance-type'];
    // Checked up front: an empty result must not hide a bad filter.
    for (const f of filters) {
      if (!known.includes(f.name) && !/^tag:./.test(f.name || '')) throw new Ec2Error('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    }
    let all = ids.length ? ids.map((id) => this.instances.get(id)) : [...this.instances.values()].filter((i) => this.seen(i));
    for (const f of filters) {
      const test = (inst) => {
        if (f.name === 'instance-state-name') return f.values.includes(inst.state);
        if (f.name === 'instance-id') return f.values.includes(inst.id);
        if (f.name === 'tag-key') return f.values.some((v) => v in inst.tags);
        if (f.name && f.name.startsWith('tag:')) return f.values.includes(inst.tags[f.name.slice(4)]);
        return f.values.includes(inst.type); // instance-type
      };
      all = all.filter(test);
    }
    const max = p.MaxResults ? Number(p.MaxResults) : 1000;
    if (!(max >= 5 && max <= 1000)) throw new Ec2Error('InvalidParameterValue', 'Value for parameter MaxResults must be between 5 and 1000');
    const start = p.NextToken ? Number(Buffer.from(p.NextToken, 'base64').toString()) || 0 : 0;
    const page = all.slice(start, start + max);
    const next = start + max < all.length ? `<nextToken>${Buffer.from(String(start + max)).toString('base64')}</nextToken>` : '';
    const items = page.map((inst) => `<item><reservationId>r-${inst.id.slice(2)}</reservationId><ownerId>123456789012</ownerId><instancesSet><item>` +
      `<instanceId>${inst.id}</instanceId><imageId>${inst.image}</imageId><instanceState><code>${STATE_CODES[inst.state]}</code><name>${inst.state}</name></instanceState>` +
      `<instanceType>${inst.type}</instanceType><launchTime>${inst.launchTime}</launchTime>` +
      `<placement><availabilityZone>${this.zoneOf(inst.subnet)}</availabilityZone></placement><subnetId>${inst.subnet}</subnetId>` +
      `<vpcId>${(this.subnets.get(inst.subnet) || {}).vpc || ''}</vpcId>` +
      (inst.usage === 'spot' ? '<instanceLifecycle>spot</instanceLifecycle>' : '') +
      `<tagSet>${Object.entries(inst.tags).map(([k, v]) => `<item><key>${esc(k)}</key><value>${esc(v)}</value></item>`).join('')}</tagSet></item></instancesSet></item>`);
    return this.wrap('DescribeInstances', `<reservationSet>${items.join('')}</reservationSet>${next}`);
  }

  aCreateTags(p) {
    const ids = list(p, 'ResourceId').map((i) => p[`ResourceId.${i}`]);
    for (const id of ids) if (!this.instances.has(id) || !this.seen(this.instances.get(id))) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    for (const id of ids) for (const j of list(p, 'Tag')) this.instances.get(id).tags[p[`Tag.${j}.Key`]] = p[`Tag.${j}.Value`] || '';
    return this.wrap('CreateTags', '<return>true</return>');
  }

  // Each launch template's default version, as the instances get it.
  inspectTemplates() {
    return [...this.templates.values()].map((t) => ({ name: t.name, id: t.id, defaultVersion: t.defaultVersion,
      data: t.versions[t.defaultVersion - 1] }));
  }

  inspect() {
    return [...this.instances.values()].map((i) => ({ id: i.id, state: i.state, type: i.type, subnet: i.subnet, usage: i.usage,
      tags: i.tags, pid: i.proc ? i.proc.pid : null, alive: groupAlive(i.proc), exited: !!i.exited, fault: i.fault || null, launchTime: i.launchTime, imdsPort: i.imdsPort || null, image: i.image, ghost: !!i.ghost }));
  }

  close() {
    for (const inst of this.instances.values()) {
      if (inst.proc) { try { process.kill(-inst.proc.pid, 'SIGKILL'); } catch (e) { /* gone */ } }
      killTagged(inst.id);
      if (inst.imds) inst.imds.close();
    }
  }
}

module.exports = { Ec2, Ec2Error };
