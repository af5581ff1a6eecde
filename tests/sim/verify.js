'use strict';
// SigV4 verification by an independent implementation (@smithy/signature-v4):
// the request is re-signed with the same time, headers and body, and the
// signatures compared. Errors are shaped per protocol like AWS's.
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;_-]+), ?Signature=([0-9a-f]{64})$/;

function amzDateToMs(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

class Verifier {
  constructor(clock) {
    this.keys = new Map(); // access key -> { secret, token, expires (ms) }
    this.clock = clock;    // () => ms, the stack's notion of now
  }
  addKey(accessKey, secret, token, expiresMs, arn) {
    this.keys.set(accessKey, { secret, token: token || null, expires: expiresMs || 0, arn: arn || null });
  }
  // Returns { ok: true, accessKey, ... } when the request is signed right,
  // else { code, message } (and skew: true when only the time is off).
  async check(req, body, url) {
    const auth = req.headers['authorization'];
    if (!auth) return { code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
    const m = AUTH_RE.exec(auth);
    if (!m) return { code: 'IncompleteSignature', message: 'Authorization header is malformed' };
    const [, ak, date, region, service, signed, signature] = m;
    const key = this.keys.get(ak);
    if (!key) return { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const now = this.clock();
    if (key.expires && key.expires < now) return { code: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
    if (key.token && req.headers['x-amz-security-token'] !== key.token) {
      return { code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    }
    const t = amzDateToMs(req.headers['x-amz-date']);
    if (isNaN(t) || Math.abs(t - now) > 5 * 60 * 1000) {
      return { code: 'InvalidSignatureException', message: 'Signature expired: request time is more than 5 minutes from the server time', skew: true };
    }
    // A declared payload hash must be the body's: the signature covers the
    // header, not the bytes, so an unchecked header would let a body change.
    const declared = req.headers['x-amz-content-sha256'];
    if (declared && declared !== 'UNSIGNED-PAYLOAD' &&
        declared !== require('crypto').createHash('sha256').update(body).digest('hex')) {
      return { code: 'SignatureDoesNotMatch', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
    }
    const headers = {};
    for (const h of signed.split(';')) {
      if (req.headers[h] === undefined) return { code: 'IncompleteSignature', message: `Signed header ${h} is missing` };
      headers[h] = req.headers[h];
    }
    const query = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const signer = new SignatureV4({
      credentials: { accessKeyId: ak, secretAccessKey: key.secret, sessionToken: key.token || undefined },
      region, service, sha256: Sha256, uriEscapePath: true, applyChecksum: false,
    });
    const signedReq = await signer.sign({
      method: req.method, protocol: 'https:', hostname: headers.host || '', path: url.pathname,
      query, headers, body,
    }, { signingDate: new Date(t), signingRegion: region, signingService: service });
    const want = /Signature=([0-9a-f]{64})/.exec(signedReq.headers.authorization || signedReq.headers.Authorization)[1];
    if (want !== signature || date !== req.headers['x-amz-date'].slice(0, 8)) {
      return { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
    }
    return { ok: true, accessKey: ak, region, service };
  }
}

module.exports = { Verifier, AUTH_RE };
