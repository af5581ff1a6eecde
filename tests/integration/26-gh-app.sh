#!/bin/sh
# gh-runner as a GitHub App installation against the GitHub simulator: the
# JWT (signed here by lib/jwt.c, checked there by Node's crypto with the
# App's public key), installation tokens for a repository and for an
# organisation, Enterprise Server's /api/v3, the refusals (exit 3, one
# line), and bad usage (exit 2, no request).
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/app
K=$T_TMP/app.pem
openssl genrsa -traditional -out "$K" 2048 2>/dev/null
openssl rsa -in "$K" -pubout -out "$T_TMP/app.pub" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$K" -out "$T_TMP/app8.pem"
openssl genrsa -traditional -out "$T_TMP/other.pem" 2048 2>/dev/null
# App 101 (client id Iv23liSIM0000001): installed on the organisation octo
# (201), read-only there too (202), and on the user solo (203).
sim POST /github-apps "{\"id\":101,\"clientId\":\"Iv23liSIM0000001\",\"publicKeyFile\":\"$T_TMP/app.pub\",\"installations\":[
 {\"id\":201,\"account\":\"octo\",\"type\":\"Organization\",\"permissions\":{\"administration\":\"write\",\"organization_self_hosted_runners\":\"write\"}},
 {\"id\":202,\"account\":\"octo\",\"type\":\"Organization\",\"permissions\":{\"administration\":\"read\",\"organization_self_hosted_runners\":\"read\"}},
 {\"id\":203,\"account\":\"solo\",\"type\":\"User\",\"permissions\":{\"administration\":\"write\"}}]}" >/dev/null \
	|| { echo "not ok - the simulator took no App"; exit 1; }
PAT=$GITHUB_TOKEN
unset GITHUB_TOKEN
# app ARGS...: gh-runner as installation 201 of App 101.
app() { gh-runner --app-id 101 --installation-id 201 --private-key-file "$K" "$@"; }
# app_at URL ARGS...: the same against the API at URL.
app_at() { u=$1; shift; env GITHUB_API_URL="$u" gh-runner --app-id 101 --installation-id 201 --private-key-file "$K" "$@"; }
# calls: how many GitHub API calls the simulator has logged.
calls() { sim GET /calls | grep -c '"service": "github"'; }
one_line() { [ "$(wc -l < "$T_ERR")" -eq 1 ]; }

# --- the happy paths
expect 0 "App: a registration token for the repository" app registration-token
check "token and expiry" grep -Eq '^[A-Z0-9]{20,}	[0-9]{10}$' "$T_OUT"
TOKEN=$(cut -f1 "$T_OUT")
expect 0 "App: a registration token for the organisation" app --scope octo registration-token
expect 0 "App: a remove token (JSON)" app --json remove-token
check "as JSON" grep -Eq '^\{"token":"[A-Z0-9]{20,}","expiresAt":[0-9]{10}\}$' "$T_OUT"
expect 0 "the App's client id as --app-id" gh-runner --app-id Iv23liSIM0000001 --installation-id 201 --private-key-file "$K" registration-token
expect 0 "a PKCS#8 key" gh-runner --app-id 101 --installation-id 201 --private-key-file "$T_TMP/app8.pem" remove-token
expect 0 "all three from the environment (the key as PEM text)" \
	env GITHUB_APP_ID=101 GITHUB_APP_INSTALLATION_ID=201 GITHUB_APP_PRIVATE_KEY="$(cat "$K")" gh-runner registration-token
expect 0 "options over the environment" \
	env GITHUB_APP_ID=999 GITHUB_APP_INSTALLATION_ID=999 gh-runner --app-id 101 --installation-id 201 --private-key-file "$K" remove-token
expect 0 "an installation on a user: that user's repository" \
	gh-runner --app-id 101 --installation-id 203 --private-key-file "$K" --scope solo/tools registration-token
expect 1 "read permission is enough to list (none listed: exit 1)" \
	gh-runner --app-id 101 --installation-id 202 --private-key-file "$K" --scope octo list --label none
# A runner registered with the App's registration token, listed and
# removed with the App's installation token.
curl -fsS --cacert "$AWS_CA_BUNDLE" -d "token=$TOKEN&name=a1&labels=app" "$GITHUB_API_URL/_sim/register" >/dev/null
expect 0 "list with the App" app list --label app
check "the runner the App's token registered" grep -q '	a1	offline	idle	app$' "$T_OUT"
expect 0 "delete-offline with the App" app delete-offline --label app
check "deleted" [ "$(lines "$T_OUT")" -eq 1 ]
GITHUB_ACTIONS=true app registration-token > "$T_TMP/t" 2> "$T_TMP/e"
check "in Actions the installation token is masked" grep -Eq '^::add-mask::ghs_[0-9a-f]{36}$' "$T_TMP/e"
check "the key appears in no output" sh -c "! grep -qF -e '$(sed -n 2p "$K")' -e '$(sed -n 5p "$K")' $T_TMP/t $T_TMP/e"
inst=$(sed -n 's/^::add-mask::\(ghs_[0-9a-f]*\)$/\1/p' "$T_TMP/e")
check "nor the installation token elsewhere" sh -c "[ \$(grep -c '$inst' $T_TMP/e) -eq 1 ] && ! grep -q '$inst' $T_TMP/t"

# --- the action's entrypoint: the App's inputs reach gh-runner's
# variables, the key is masked line by line, a stray GITHUB_TOKEN goes.
# A stand-in refresh beside a copy of the entrypoint shows what it got.
mkdir "$T_TMP/sh"
cp sh/ec2rp-entrypoint sh/ec2rp-common.sh "$T_TMP/sh/"
cat > "$T_TMP/sh/ec2rp-refresh" <<X
#!/bin/sh
echo "token=\${GITHUB_TOKEN:-unset} app=\${GITHUB_APP_ID:-} inst=\${GITHUB_APP_INSTALLATION_ID:-}"
printf '%s\\n' "\${GITHUB_APP_PRIVATE_KEY:-}" | cmp -s - "$K" && echo key-intact
exit 0
X
chmod +x "$T_TMP/sh/ec2rp-refresh"
expect 0 "entrypoint with the App's inputs" env GITHUB_ACTIONS=true GITHUB_TOKEN=stray-token-0001 INPUT_MODE=refresh \
	INPUT_GITHUB_APP_ID=101 INPUT_GITHUB_APP_INSTALLATION_ID=201 INPUT_GITHUB_APP_PRIVATE_KEY="$(cat "$K")" "$T_TMP/sh/ec2rp-entrypoint"
check "the App's settings passed on, the stray token gone" out_has "token=unset app=101 inst=201"
check "the key intact" out_has "key-intact"
grep -v -- ----- "$K" | sed 's/^/::add-mask::/' > "$T_TMP/masks"
check "every line of the key's body masked" sh -c "! grep -Fxv -f $T_ERR $T_TMP/masks"
check "its BEGIN and END lines not" sh -c "! grep -q '^::add-mask::-----' $T_ERR"
check "each masked whole" grep -qxF "::add-mask::$(sed -n 2p "$K")" "$T_ERR"
expect 0 "entrypoint with a token input and the App's: the token stays (gh-runner refuses the pair)" \
	env INPUT_MODE=refresh INPUT_GITHUB_TOKEN=input-token-0001 INPUT_GITHUB_APP_ID=101 "$T_TMP/sh/ec2rp-entrypoint"
check "kept" out_has "token=input-token-0001"

# --- Enterprise Server: the API under /api/v3, pages included
for i in $(seq 1 105); do
	curl -fsS --cacert "$AWS_CA_BUNDLE" -d "token=$TOKEN&name=g$i&labels=ghes" "$GITHUB_API_URL/_sim/register" >/dev/null
done
expect 0 "GHES: App token and two pages under /api/v3" app_at "$GITHUB_API_URL/api/v3" list --label ghes
check "all 105 listed" [ "$(lines "$T_OUT")" -eq 105 ]
expect 0 "GHES: a trailing slash" app_at "$GITHUB_API_URL/api/v3/" --scope octo registration-token
expect 0 "GHES: delete-offline over two pages" app_at "$GITHUB_API_URL/api/v3" delete-offline --label ghes
check "deleted all 105" [ "$(lines "$T_OUT")" -eq 105 ]
expect 3 "another API prefix is not the API" app_at "$GITHUB_API_URL/api/v4" registration-token
check "one line" one_line

# --- refusals: exit 3, one line naming GitHub's reason
expect 3 "a key that is not the App's" gh-runner --app-id 101 --installation-id 201 --private-key-file "$T_TMP/other.pem" list
check "GitHub's reason" err_has "A JSON web token could not be decoded"
check "one line" one_line
expect 3 "an App GitHub does not know" gh-runner --app-id 999 --installation-id 201 --private-key-file "$K" list
expect 3 "an unknown installation" gh-runner --app-id 101 --installation-id 999 --private-key-file "$K" list
check "names the installation" err_has "GitHub App 101 has no installation 999"
check "one line" one_line
# The simulator's clock ten minutes ahead: the JWT has expired there.
sim POST /clock '{"skewSeconds":700}' >/dev/null
expect 3 "an expired JWT (this clock ten minutes behind GitHub's)" app list
check "says so" err_has "'Expiration time' claim ('exp') must be a numeric value"
check "one line" one_line
# Two minutes behind: the JWT ends more than ten minutes ahead there.
sim POST /clock '{"skewSeconds":-120}' >/dev/null
expect 3 "a JWT too far ahead (this clock two minutes fast)" app list
check "says so" err_has "is too far in the future"
sim POST /clock '{"skewSeconds":0}' >/dev/null
expect 3 "read permission gets no registration token" \
	gh-runner --app-id 101 --installation-id 202 --private-key-file "$K" --scope octo registration-token
check "GitHub's reason" err_has "Resource not accessible by integration"
check "and the permission it needs (X-Accepted-GitHub-Permissions)" err_has "(the token needs the permission organization_self_hosted_runners=write)"
expect 3 "an installation on another account" gh-runner --app-id 101 --installation-id 203 --private-key-file "$K" registration-token
expect 3 "an organisation scope with a user's installation" \
	gh-runner --app-id 101 --installation-id 203 --private-key-file "$K" --scope solo registration-token

# --- bad usage and bad keys: exit 2 before any request
# The first two against the simulator itself, which logs every call; the
# rest against a closed port, where a request would end in exit 4.
n0=$(calls)
expect 2 "an App and GITHUB_TOKEN" env GITHUB_TOKEN="$PAT" gh-runner --app-id 101 --installation-id 201 --private-key-file "$K" list
check "says they exclude each other" err_has "exclude each other"
check "the token is not echoed" sh -c "! grep -qF '$PAT' $T_ERR"
expect 2 "a 1024-bit key" gh-runner --app-id 101 --installation-id 201 --private-key-file tests/unit/data/jwt/rsa1024.pem list
check "says how many bits" err_has "1024-bit RSA key"
check "no request reached GitHub" [ "$(calls)" -eq "$n0" ]
no() { env GITHUB_API_URL=http://127.0.0.1:9 "$@"; }
printf '%s\n' "$PAT" > "$T_TMP/tok"
expect 2 "an App and --token-file" no gh-runner --token-file "$T_TMP/tok" --app-id 101 --installation-id 201 --private-key-file "$K" list
expect 2 "GITHUB_APP_ID and GITHUB_TOKEN" no GITHUB_TOKEN="$PAT" GITHUB_APP_ID=101 gh-runner list
expect 2 "no installation id" no gh-runner --app-id 101 --private-key-file "$K" list
check "names it" err_has "--installation-id or GITHUB_APP_INSTALLATION_ID"
expect 2 "no key" no gh-runner --app-id 101 --installation-id 201 list
check "names it" err_has "--private-key-file or GITHUB_APP_PRIVATE_KEY"
expect 2 "no App id" no gh-runner --installation-id 201 --private-key-file "$K" list
check "names it" err_has "--app-id or GITHUB_APP_ID"
expect 2 "a malformed App id" no gh-runner --app-id 'a"b' --installation-id 201 --private-key-file "$K" list
expect 2 "a malformed installation id" no gh-runner --app-id 101 --installation-id 12x --private-key-file "$K" list
expect 2 "installation id 0" no gh-runner --app-id 101 --installation-id 0 --private-key-file "$K" list
expect 2 "a certificate for a key" no gh-runner --app-id 101 --installation-id 201 --private-key-file tests/unit/data/jwt/cert.pem list
check "one line naming the file" sh -c "one_line() { [ \$(wc -l < $T_ERR) -eq 1 ]; }; one_line && grep -q -- '--private-key-file' $T_ERR"
expect 2 "an EC key" no gh-runner --app-id 101 --installation-id 201 --private-key-file tests/unit/data/jwt/ec-pkcs8.pem list
expect 2 "an encrypted key" no gh-runner --app-id 101 --installation-id 201 --private-key-file tests/unit/data/jwt/encrypted-pkcs8.pem list
expect 2 "a key with escaped newlines in GITHUB_APP_PRIVATE_KEY" \
	no GITHUB_APP_ID=101 GITHUB_APP_INSTALLATION_ID=201 GITHUB_APP_PRIVATE_KEY="$(awk '{printf "%s\\n", $0}' "$K")" gh-runner list
check "names the variable" err_has "GITHUB_APP_PRIVATE_KEY"
check "and shows none of the key" sh -c "! grep -qF '$(sed -n 2p "$K")' $T_ERR"
expect 5 "an unreadable key file" no gh-runner --app-id 101 --installation-id 201 --private-key-file "$T_TMP/none.pem" list

# --- refresh as the App, then a runner registered with the token it stored
export INPUT_AMI=ami-0123456789abcdef0 EC2RP_COLD_TIMEOUT_SEC=60
expect 2 "refresh: an App id without its key" env GITHUB_APP_ID=101 GITHUB_APP_INSTALLATION_ID=201 ec2rp-refresh
check "names the missing input" err_has "invalid input github-app-private-key: is required with github-app-id"
expect 3 "refresh as an App installation that may only read runners" env GITHUB_APP_ID=101 GITHUB_APP_INSTALLATION_ID=202 GITHUB_APP_PRIVATE_KEY="$(cat "$K")" ec2rp-refresh
check "fails naming the permission it lacks" sh -c "grep -q 'could not get a registration token from GitHub' '$T_ERR' && grep -q 'needs the permission administration=write' '$T_ERR'"
check "in one line that says nothing was changed" [ "$(grep -c 'nothing was changed' "$T_ERR")" -eq 1 ]
check "before any request to AWS (no table, queue or template made)" \
	[ "$(sim GET /calls | jq '[.[] | select(.service != "github" and .service != "sts")] | length')" -eq 0 ]
expect 0 "refresh as the App (no GITHUB_TOKEN)" env GITHUB_APP_ID=101 GITHUB_APP_INSTALLATION_ID=201 GITHUB_APP_PRIVATE_KEY="$(cat "$K")" ec2rp-refresh
check "the registration token fetched (no remove token any more)" [ "$(grep -c 'registration token renewed' "$T_ERR")" -eq 1 ]
check "the registration token stored" sh -c "state-get --kind config registration-token | cut -f2 | grep -Eqx '[A-Z0-9]{20,}'"
expect 0 "a provision registers with it" env GITHUB_RUN_ID=2601 ec2rp-provision
check "its runner is online for run 2601 (listed as the App)" [ "$(app list --label 2601 --status online 2>/dev/null | wc -l | tr -d ' ')" -eq 1 ]
expect 0 "release" env GITHUB_RUN_ID=2601 ec2rp-release
done_testing
