'use strict';
// Real instance types with their vCPUs, memory (MiB), CPU manufacturer (as
// InstanceRequirements names it) and architecture, for InstanceRequirements
// matching. Ordered cheapest first within a size, Intel first. Sizes and
// manufacturers as AWS's instance type pages list them (m6a: AMD EPYC;
// t4g, m7g, c7g: AWS Graviton, arm64).
module.exports = [
  ['t3.medium', 2, 4096], ['t3.large', 2, 8192], ['t3.xlarge', 4, 16384], ['t3.2xlarge', 8, 32768],
  ['m5.large', 2, 8192], ['m5.xlarge', 4, 16384], ['m5.2xlarge', 8, 32768], ['m5.4xlarge', 16, 65536],
  ['m6i.large', 2, 8192], ['m6i.xlarge', 4, 16384], ['m6i.2xlarge', 8, 32768], ['m6i.4xlarge', 16, 65536],
  ['m7i.large', 2, 8192], ['m7i.xlarge', 4, 16384], ['m7i.2xlarge', 8, 32768],
  ['c5.large', 2, 4096], ['c5.xlarge', 4, 8192], ['c5.2xlarge', 8, 16384], ['c5.4xlarge', 16, 32768],
  ['c6i.large', 2, 4096], ['c6i.xlarge', 4, 8192], ['c6i.2xlarge', 8, 16384], ['c6i.4xlarge', 16, 32768],
  ['c7i.large', 2, 4096], ['c7i.xlarge', 4, 8192],
  ['r5.large', 2, 16384], ['r5.xlarge', 4, 32768], ['r5.2xlarge', 8, 65536],
  ['r6i.large', 2, 16384], ['r6i.xlarge', 4, 32768], ['r6i.2xlarge', 8, 65536],
].map(([name, vcpu, mem]) => ({ name, vcpu, mem, cpu: 'intel', arch: 'x86_64' })).concat([
  ['m6a.large', 2, 8192], ['m6a.xlarge', 4, 16384], ['m6a.2xlarge', 8, 32768],
].map(([name, vcpu, mem]) => ({ name, vcpu, mem, cpu: 'amd', arch: 'x86_64' }))).concat([
  ['t4g.medium', 2, 4096], ['t4g.large', 2, 8192], ['t4g.xlarge', 4, 16384],
  ['m7g.large', 2, 8192], ['m7g.xlarge', 4, 16384], ['m7g.2xlarge', 8, 32768],
  ['c7g.large', 2, 4096], ['c7g.xlarge', 4, 8192], ['c7g.2xlarge', 8, 16384],
].map(([name, vcpu, mem]) => ({ name, vcpu, mem, cpu: 'amazon-web-services', arch: 'arm64' })));
