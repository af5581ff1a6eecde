'use strict';
// Fault injection: set at start (--faults JSON) and at run time (POST
// /faults). Random faults use a seeded generator so a run can be repeated.
//   { "seed": 1,
//     "dynamodb": { "throttle": 0.1, "error5xx": 0.05, "drop": 0.02, "latencyMs": 50, "unprocessed": 0.3,
//                   "throttleCode": "ProvisionedThroughputExceededException", "error5xxCode": "ServiceUnavailable" },
//     "sqs": {...}, "ec2": {...}, "sts": {...},
//     "next": [ { "service": "dynamodb", "action": "GetItem", "count": 2, "code": "ThrottlingException", "status": 400 },
//               { "service": "ec2", "hostile": "truncated" },     // truncated, oversized, garbage, html, drip
//               { "service": "ec2", "action": "CreateFleet", "dropAnswer": true },  // done, then the answer is lost
//               { "service": "dynamodb", "action": "BatchGetItem", "unprocessed": true },  // half the keys unprocessed
//               { "service": "ec2", "action": "CreateFleet", "holdMs": 4000 } ],  // held, then carried out as usual
//             (any entry may carry "after": N: the first N calls it matches pass untouched)
//             (any entry may carry "key": an access key id: only requests it signed take it)
//     "capacity": 1,                      // CreateFleet launches at most this many (then InsufficientInstanceCapacity)
//     "spotCapacity": 0,                  // the same for spot launches only (the spot pools run dry, on-demand does not)
//     "instances": ["never-boot", "never-heartbeat", "never-register", "no-firewall"],  // the next instances, in order
//     "github": ["primary", "secondary", "secondaryNoHint", "5xx"],     // the next GitHub API calls (github.js LIMITS)
//     "unseenSec": 3                      // EC2's eventual consistency: a new instance is unknown to
//                                         // DescribeInstances, TerminateInstances and CreateTags for
//                                         // this long after its launch ("MIN-MAX": drawn, seeded)
//   }
const THROTTLE = { dynamodb: ['ThrottlingException', 400], sqs: ['ThrottlingException', 400], ec2: ['RequestLimitExceeded', 503], sts: ['Throttling', 400] };
const SERVER = { dynamodb: ['InternalServerError', 500], sqs: ['InternalFailure', 500], ec2: ['InternalError', 500], sts: ['InternalFailure', 500] };
// The HTTP status each service sends with a code, so a test may name only the code.
const STATUS = { ThrottlingException: 400, ProvisionedThroughputExceededException: 400, RequestThrottled: 403,
  RequestLimitExceeded: 503, Throttling: 400, InternalServerError: 500, InternalFailure: 500, InternalError: 500,
  ServiceUnavailable: 503, InsufficientInstanceCapacity: 500 };

class Faults {
  // holding: requests held (holdMs) right now; a reset does not end them.
  constructor() { this.holding = 0; this.reset(); }
  reset() {
    this.cfg = {};
    this.next = [];
    this.instances = [];
    this.github = [];
    this.capacityLeft = null;
    this.spotLeft = null;
    this.unseen = 0;
    this.rejectNames = new Set();
    this.seed = 1;
    this.injected = {};
  }
  set(cfg) {
    if (cfg.seed !== undefined) this.seed = Number(cfg.seed) || 1;
    for (const s of ['dynamodb', 'sqs', 'ec2', 'sts']) if (cfg[s]) this.cfg[s] = Object.assign({}, this.cfg[s], cfg[s]);
    if (Array.isArray(cfg.next)) this.next.push(...cfg.next.map((n) => Object.assign({ count: 1 }, n)));
    if (cfg.capacity !== undefined) this.capacityLeft = cfg.capacity === null ? null : Number(cfg.capacity);
    if (cfg.spotCapacity !== undefined) this.spotLeft = cfg.spotCapacity === null ? null : Number(cfg.spotCapacity);
    if (cfg.unseenSec !== undefined) this.unseen = cfg.unseenSec;
    if (Array.isArray(cfg.instances)) this.instances.push(...cfg.instances);
    if (Array.isArray(cfg.github)) this.github.push(...cfg.github);
  }
  rand() { // mulberry32
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  count(kind) { this.injected[kind] = (this.injected[kind] || 0) + 1; }
  // What to do to one call: null, or { drop }, or { status, code, message }, plus latencyMs.
  // A "next" fault with "key" applies only to requests signed with that
  // access key id (a test's own call, not an agent's meanwhile).
  decide(service, action, key) {
    const out = { latencyMs: 0, fault: null };
    const c = this.cfg[service] || {};
    out.latencyMs = Number(c.latencyMs) || 0;
    const i = this.next.findIndex((n) => n.service === service && (!n.action || n.action === action) && (!n.key || n.key === key));
    if (i >= 0 && this.next[i].after > 0) this.next[i].after--; // the first "after" calls pass untouched
    else if (i >= 0) {
      const n = this.next[i];
      if (--n.count <= 0) this.next.splice(i, 1);
      // holdMs: no fault, only a wait (the stack's own control: a test
      // acts while one request of a phase is in flight).
      if (n.holdMs) { this.count('hold'); out.latencyMs += Number(n.holdMs) || 0; out.hold = true; return out; }
      this.count(n.code || (n.hostile ? 'hostile-' + n.hostile : n.dropAnswer ? 'drop-answer' : n.unprocessed ? 'unprocessed-keys' : 'drop'));
      out.fault = n.drop ? { drop: true } : n.dropAnswer ? { dropAnswer: true } : n.hostile ? { hostile: n.hostile }
        : n.unprocessed ? { unprocessed: true }
        : { status: n.status || STATUS[n.code] || 400, code: n.code || 'InternalError', message: n.message || 'Injected fault' };
      return out;
    }
    if (c.drop && this.rand() < c.drop) { this.count('drop'); out.fault = { drop: true }; return out; }
    // A table under load: BatchGetItem answers part of the keys (sim.js).
    if (c.unprocessed && action === 'BatchGetItem' && this.rand() < c.unprocessed) {
      this.count('unprocessed-keys'); out.fault = { unprocessed: true }; return out;
    }
    if (c.throttle && this.rand() < c.throttle) {
      const code = c.throttleCode || THROTTLE[service][0], status = STATUS[code] || THROTTLE[service][1];
      this.count(code);
      out.fault = { status, code, message: 'Rate exceeded' }; return out;
    }
    if (c.error5xx && this.rand() < c.error5xx) {
      const code = c.error5xxCode || SERVER[service][0], status = STATUS[code] || SERVER[service][1];
      this.count(code);
      out.fault = { status, code, message: 'We encountered an internal error. Please try again.' }; return out;
    }
    return out;
  }
  capacity(n, usage) {
    if (usage === 'spot' && this.spotLeft !== null) {
      const ok = Math.min(n, this.spotLeft);
      this.spotLeft -= ok;
      n = ok;
    }
    if (this.capacityLeft === null) return n;
    const ok = Math.min(n, this.capacityLeft);
    this.capacityLeft -= ok;
    if (ok < n) this.count('InsufficientInstanceCapacity');
    return ok;
  }
  instanceFault() {
    const f = this.instances.shift() || null;
    if (f) this.count(f);
    return f;
  }
  // How long a new instance stays unknown to EC2's other actions (ms).
  unseenMs() {
    const p = String(this.unseen || 0).split('-').map(Number);
    if (p.some((x) => !(x >= 0))) return 0;
    const sec = p.length === 2 ? p[0] + this.rand() * (p[1] - p[0]) : p[0];
    if (sec > 0) this.count('eventual-consistency');
    return sec * 1000;
  }
  markRegistration(id) { this.rejectNames.add(id); }
  rejectRegistration(name) { return this.rejectNames.has(name); }
  githubLimit() { const f = this.github.shift() || null; if (f) this.count('github-' + f); return f; }
}

module.exports = { Faults };
