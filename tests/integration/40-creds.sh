#!/bin/sh
# The credential chain against the stack: each source on its own, in the
# standard order, and the failures.
. tests/integration/lib.sh
stack_start
state-init >/dev/null
printf v | state-put config x
KEY=$AWS_ACCESS_KEY_ID
SECRET=$AWS_SECRET_ACCESS_KEY
# nokeys CMD...: CMD with no credentials in the environment and no files.
nokeys() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN HOME="$T_TMP/home" "$@"; }
mkdir -p "$T_TMP/home"

expect 5 "no credentials anywhere: exit 5" nokeys state-scan
check "says where it looked" err_has "no AWS credentials"
expect 2 "only one of the key pair: exit 2" env -u AWS_SECRET_ACCESS_KEY state-scan

printf 'a.jwt.token\n' > "$T_TMP/jwt"
expect 0 "web identity through STS" nokeys env AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/jwt" \
	AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci state-scan --kind config
check "AssumeRoleWithWebIdentity was called" sh -c "curl -fsS $SIM_CONTROL/calls | grep -q AssumeRoleWithWebIdentity"
expect 3 "web identity with a malformed role ARN: refused" nokeys env AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/jwt" \
	AWS_ROLE_ARN=not-an-arn state-scan
expect 2 "web identity without a role ARN: exit 2" nokeys env AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/jwt" state-scan

mkdir -p "$T_TMP/home/.aws"
printf '[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n[ci]\naws_access_key_id=%s\naws_secret_access_key = %s\n' \
	"$KEY" "$SECRET" > "$T_TMP/home/.aws/credentials"
expect 0 "profile from ~/.aws/credentials with AWS_PROFILE" nokeys env AWS_PROFILE=ci state-scan --kind config
expect 3 "the default profile's wrong key is refused" nokeys state-scan --kind config
printf '[profile cfg]\naws_access_key_id=%s\naws_secret_access_key=%s\n' "$KEY" "$SECRET" > "$T_TMP/config"
expect 0 "profile from AWS_CONFIG_FILE" nokeys env AWS_CONFIG_FILE="$T_TMP/config" AWS_PROFILE=cfg state-scan --kind config
expect 2 "an unknown profile: exit 2" nokeys env AWS_PROFILE=nosuch state-scan

# Container credentials from a local endpoint with an authorization token.
cat > "$T_TMP/creds.js" <<X
require('http').createServer((q, r) => {
  if (q.headers.authorization !== 'Bearer ctok') { r.writeHead(403); return r.end(); }
  r.writeHead(200, { 'content-type': 'application/json' });
  r.end(JSON.stringify({ AccessKeyId: '$KEY', SecretAccessKey: '$SECRET', Expiration: new Date(Date.now() + 3600e3).toISOString() }));
}).listen(0, '127.0.0.1', function () { require('fs').writeFileSync('$T_TMP/port', String(this.address().port)); });
X
node "$T_TMP/creds.js" &
cpid=$!
i=0; while [ ! -s "$T_TMP/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$T_TMP/port")
mkdir -p "$T_TMP/empty"
# (a profile comes before container credentials in the chain: no files here)
expect 0 "container credentials (full URI + token)" nokeys env HOME="$T_TMP/empty" AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$port/creds" \
	AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer ctok" state-scan --kind config
expect 3 "container credentials with a wrong token: refused" nokeys env HOME="$T_TMP/empty" AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$port/creds" \
	AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer nope" state-scan
kill "$cpid"
expect 0 "environment keys win over a broken profile" env HOME="$T_TMP/home" AWS_PROFILE=nosuch state-scan --kind config
done_testing
