'use strict';
// Checks requests and the simulator's own answers against AWS's service
// models: the JSON models AWS publishes in the aws-sdk package (apis/*.json),
// so that neither our tools nor our simulator can drift from AWS's shapes
// together. Request checks give the error the service would (EC2:
// UnknownParameter, MissingParameter, InvalidParameterValue); answers that
// do not fit the model are counted as failures (the test run reports them).
const fs = require('fs');

const FILES = { ec2: 'ec2-2016-11-15', sts: 'sts-2011-06-15', iam: 'iam-2010-05-08', dynamodb: 'dynamodb-2012-08-10', sqs: 'sqs-2012-11-05' };

class ModelError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

class Models {
  constructor() { this.cache = {}; this.checked = 0; this.rejected = 0; this.answers = 0; this.failures = []; }

  model(svc) {
    if (!this.cache[svc]) this.cache[svc] = JSON.parse(fs.readFileSync(require.resolve(`aws-sdk/apis/${FILES[svc]}.min.json`), 'utf8'));
    return this.cache[svc];
  }

  // A member reference: its own traits (locationName, queryName) over the
  // shape it names (or the inline shape).
  resolve(svc, ref) {
    if (!ref) return { type: 'structure', members: {} };
    if (!ref.shape) return ref;
    const base = this.model(svc).shapes[ref.shape];
    return Object.assign({}, base, ref, { shape: undefined });
  }

  fail(what) { this.failures.push(what); if (this.failures.length > 200) this.failures.shift(); }
  // rejected: requests the model refused (a tool that sends one has a bug);
  // failed: the simulator's own answers that did not fit.
  report() {
    return { checked: this.checked, rejected: this.rejected, answers: this.answers, failed: this.failures.length,
      failures: this.failures.slice(-20), refusals: this.refusals || [] };
  }
  refused(svc, action, e) {
    this.rejected++;
    this.refusals = (this.refusals || []).concat(`${svc} ${action}: ${e.code}: ${e.message}`).slice(-20);
  }

  // --- Query protocols (EC2, STS): the parameters as a tree of names.
  // EC2 names a member by queryName, else its locationName capitalised,
  // else its own name capitalised; its lists are flattened (Name.N). The
  // plain Query protocol (STS) uses member names and Name.member.N.
  wireName(svc, name, ref) {
    if (svc !== 'ec2') return name;
    const n = ref.queryName || ref.locationName || name;
    return n.charAt(0).toUpperCase() + n.slice(1);
  }

  // Throws ModelError for a request EC2 or STS would refuse.
  checkQuery(svc, action, params) {
    const op = this.model(svc).operations[action];
    if (!op) throw new ModelError('InvalidAction', `The action ${action} is not valid for this web service.`);
    const tree = {};
    for (const [k, v] of Object.entries(params)) {
      if (k === 'Action' || k === 'Version') continue;
      const parts = k.split('.');
      let node = tree;
      for (let i = 0; i < parts.length - 1; i++) {
        if (typeof node[parts[i]] === 'string') throw new ModelError(svc === 'ec2' ? 'UnknownParameter' : 'InvalidParameterValue', `The parameter ${k} is not recognized`);
        node = node[parts[i]] = node[parts[i]] || {};
      }
      if (typeof node[parts[parts.length - 1]] === 'object') throw new ModelError(svc === 'ec2' ? 'UnknownParameter' : 'InvalidParameterValue', `The parameter ${k} is not recognized`);
      node[parts[parts.length - 1]] = v;
    }
    this.checked++;
    this.queryNode(svc, this.resolve(svc, op.input), tree, '');
  }

  queryNode(svc, shape, node, at) {
    const unknown = (p) => new ModelError(svc === 'ec2' ? 'UnknownParameter' : 'InvalidParameterValue', `The parameter ${p} is not recognized`);
    const bad = (p, why) => new ModelError(svc === 'ec2' ? 'InvalidParameterValue' : 'ValidationError', `Value for parameter ${p} is invalid: ${why}`);
    const type = shape.type || 'string';
    if (type === 'structure') {
      if (typeof node !== 'object') throw unknown(at);
      const byWire = {};
      for (const [name, ref] of Object.entries(shape.members || {})) byWire[this.wireName(svc, name, ref)] = { name, ref };
      for (const [k, v] of Object.entries(node)) {
        const m = byWire[k];
        if (!m) throw unknown(at ? `${at}.${k}` : k);
        this.queryNode(svc, this.resolve(svc, m.ref), v, at ? `${at}.${k}` : k);
      }
      for (const req of shape.required || []) {
        const w = this.wireName(svc, req, shape.members[req]);
        if (!(w in node)) {
          const p = at ? `${at}.${w}` : w;
          throw svc === 'ec2' ? new ModelError('MissingParameter', `The request must contain the parameter ${p}`)
            : new ModelError('ValidationError', `1 validation error detected: Value null at '${p}' failed to satisfy constraint: Member must not be null`);
        }
      }
      return;
    }
    if (type === 'list') {
      if (typeof node !== 'object') throw unknown(at);
      let items = node;
      if (svc !== 'ec2' && !shape.flattened) {
        if (Object.keys(node).some((k) => k !== 'member')) throw unknown(`${at}.${Object.keys(node).find((k) => k !== 'member')}`);
        items = node.member || {};
      }
      for (const [k, v] of Object.entries(items)) {
        if (!/^[1-9][0-9]*$/.test(k)) throw unknown(`${at}.${k}`);
        this.queryNode(svc, this.resolve(svc, shape.member), v, `${at}.${k}`);
      }
      return;
    }
    if (typeof node !== 'string') throw unknown(at);
    this.scalar(shape, node, at, bad);
  }

  scalar(shape, v, at, bad) {
    const type = shape.type || 'string';
    if (type === 'integer' || type === 'long') {
      if (!/^-?[0-9]+$/.test(v)) throw bad(at, 'not an integer');
      if (shape.min !== undefined && Number(v) < shape.min) throw bad(at, `below ${shape.min}`);
      if (shape.max !== undefined && Number(v) > shape.max) throw bad(at, `above ${shape.max}`);
    } else if (type === 'boolean') {
      if (v !== 'true' && v !== 'false') throw bad(at, 'not a boolean');
    } else if (type === 'double' || type === 'float') {
      if (!/^-?[0-9]+(\.[0-9]+)?$/.test(v)) throw bad(at, 'not a number');
    } else if (type === 'timestamp') {
      if (Number.isNaN(Date.parse(v)) && !/^[0-9]+$/.test(v)) throw bad(at, 'not a timestamp');
    } else if (type === 'string') {
      if (shape.enum && !shape.enum.includes(v)) throw bad(at, `must be one of ${shape.enum.join(', ')}`);
      if (shape.min !== undefined && v.length < shape.min) throw bad(at, `shorter than ${shape.min}`);
      if (shape.max !== undefined && v.length > shape.max) throw bad(at, `longer than ${shape.max}`);
      if (shape.pattern && !new RegExp(`^(?:${shape.pattern})$`, 'u').test(v)) throw bad(at, 'does not match the pattern');
    }
  }

  // --- JSON 1.0 protocols (DynamoDB, SQS): the body against the input shape.
  checkJson(svc, action, body) {
    const op = this.model(svc).operations[action];
    const code = svc === 'sqs' ? 'InvalidParameterValue' : 'ValidationException';
    if (!op) throw new ModelError('UnknownOperationException', `Unknown operation ${action}`);
    let doc;
    try { doc = body.length ? JSON.parse(body.toString()) : {}; } catch (e) { throw new ModelError('SerializationException', 'Start of structure or map found where not expected'); }
    this.checked++;
    this.jsonNode(svc, this.resolve(svc, op.input), doc, '', code);
  }

  jsonNode(svc, shape, v, at, code) {
    const bad = (why) => new ModelError(code, `1 validation error detected: Value at '${at || 'body'}' ${why}`);
    const type = shape.type || 'string';
    if (type === 'structure') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('must be an object');
      for (const [k, x] of Object.entries(v)) {
        const ref = (shape.members || {})[k];
        if (!ref) throw bad(`has an unknown member '${k}'`);
        this.jsonNode(svc, this.resolve(svc, ref), x, at ? `${at}.${k}` : k, code);
      }
      for (const req of shape.required || []) if (!(req in v)) throw bad(`is missing the required member '${req}'`);
    } else if (type === 'list') {
      if (!Array.isArray(v)) throw bad('must be a list');
      if (shape.min !== undefined && v.length < shape.min) throw bad(`must have at least ${shape.min} items`);
      if (shape.max !== undefined && v.length > shape.max) throw bad(`must have at most ${shape.max} items`);
      v.forEach((x, i) => this.jsonNode(svc, this.resolve(svc, shape.member), x, `${at}.${i + 1}`, code));
    } else if (type === 'map') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('must be a map');
      for (const [k, x] of Object.entries(v)) {
        this.jsonNode(svc, this.resolve(svc, shape.key), k, `${at}.key`, code);
        this.jsonNode(svc, this.resolve(svc, shape.value), x, `${at}.${k}`, code);
      }
    } else if (type === 'integer' || type === 'long') {
      if (!Number.isInteger(v)) throw bad('must be an integer');
      if (shape.min !== undefined && v < shape.min) throw bad(`must be at least ${shape.min}`);
      if (shape.max !== undefined && v > shape.max) throw bad(`must be at most ${shape.max}`);
    } else if (type === 'boolean') {
      if (typeof v !== 'boolean') throw bad('must be a boolean');
    } else if (type === 'double' || type === 'float' || type === 'timestamp') {
      if (typeof v !== 'number') throw bad('must be a number');
    } else if (type === 'blob') {
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw bad('must be base64');
    } else {
      if (typeof v !== 'string') throw bad('must be a string');
      if (shape.enum && !shape.enum.includes(v)) throw bad(`must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.min !== undefined && v.length < shape.min) throw bad(`must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && v.length > shape.max) throw bad(`must have length less than or equal to ${shape.max}`);
    }
  }

  // --- Answers: every element of an EC2 or STS answer must be a member of
  // the operation's output shape under its wire name (locationName; lists'
  // items as their member's locationName). Counts a failure, never throws.
  checkAnswer(svc, action, xml) {
    this.answers++;
    const op = this.model(svc).operations[action];
    if (!op) return this.fail(`${svc} ${action}: no such operation in the model`);
    let root;
    try { root = parseXml(xml); } catch (e) { return this.fail(`${svc} ${action}: answer is not XML: ${e.message}`); }
    let shape = this.resolve(svc, op.output);
    let kids = root.children;
    if (svc === 'sts' || svc === 'iam') {
      // <XResponse><XResult>...</XResult><ResponseMetadata/></XResponse>
      const result = root.children.find((c) => c.name === (op.output && op.output.resultWrapper));
      kids = result ? result.children : [];
    }
    const problem = this.answerNode(svc, shape, kids, action);
    if (problem) this.fail(`${svc} ${action}: ${problem}`);
  }

  answerNode(svc, shape, kids, at) {
    const type = shape.type || 'string';
    if (type === 'structure') {
      const byName = {};
      for (const [name, ref] of Object.entries(shape.members || {})) byName[ref.locationName || name] = ref;
      for (const c of kids) {
        if (at.indexOf('/') < 0 && (c.name === 'requestId' || c.name === 'RequestId')) continue;
        const ref = byName[c.name];
        if (!ref) return `<${c.name}> is not a member of ${at}`;
        const p = this.answerNode(svc, this.resolve(svc, ref), c.children, `${at}/${c.name}`);
        if (p) return p;
      }
      return null;
    }
    if (type === 'list') {
      const m = this.resolve(svc, shape.member);
      const item = (shape.member && shape.member.locationName) || 'member';
      for (const c of kids) {
        if (c.name !== item) return `<${c.name}> in list ${at} (items are <${item}>)`;
        const p = this.answerNode(svc, m, c.children, `${at}/${item}`);
        if (p) return p;
      }
      return null;
    }
    if (kids.length) return `${at} is a ${type} but has elements`;
    return null;
  }
}

// A small XML reader for the simulator's own answers: elements and text.
function parseXml(s) {
  s = s.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack = [{ name: '#doc', children: [] }];
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let m;
  while ((m = re.exec(s))) {
    if (m[5] !== undefined) continue;
    if (m[1]) {
      const top = stack.pop();
      if (!top || top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top && top.name}>`);
      continue;
    }
    const el = { name: m[2], children: [] };
    stack[stack.length - 1].children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (stack.length !== 1 || stack[0].children.length !== 1) throw new Error('unbalanced');
  return stack[0].children[0];
}

module.exports = { Models, ModelError, parseXml };
