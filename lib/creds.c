#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "creds.h"
#include "endpoint.h"
#include "file.h"
#include "ini.h"
#include "isotime.h"
#include "uri.h"
#include "xml.h"

/* The token lives six hours; it is renewed a minute early. */
#define IMDS_TTL 21600

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void
wipe(struct buf *b)
{
	if (b->p)
		memset(b->p, 0, b->cap);
	buf_free(b);
}

void
creds_free(struct creds *c)
{
	if (c == NULL)
		return;
	wipe(&c->access_key);
	wipe(&c->secret_key);
	wipe(&c->session_token);
	buf_free(&c->profile_region);
	c->expires = 0;
	c->account[0] = c->partition[0] = '\0';
}

int
creds_fresh(const struct creds *c, long long now)
{
	return c->access_key.len > 0 && (c->expires == 0 || now < c->expires - 300);
}

static int
set(struct creds *c, const char *ak, const char *sk, const char *tok, const char *source)
{
	buf_reset(&c->access_key);
	buf_reset(&c->secret_key);
	buf_reset(&c->session_token);
	c->source = source;
	c->account[0] = c->partition[0] = '\0';
	return buf_adds(&c->access_key, ak) || buf_adds(&c->secret_key, sk) ||
	    buf_adds(&c->session_token, tok ? tok : "");
}

/* A credentials file's text (at most 1 MiB), or NULL with e set. */
static char *
slurp(const char *path, const char *what, struct err *e)
{
	struct buf b = BUF_INIT;

	if (file_read(path, 1024 * 1024, what, &b, e)) {
		wipe(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* The JSON document container credentials, IMDS and the shared file have. */
static int
from_doc(struct creds *c, const cJSON *d, const char *source, struct err *e)
{
	const cJSON *ak = cJSON_GetObjectItemCaseSensitive(d, "AccessKeyId");
	const cJSON *sk = cJSON_GetObjectItemCaseSensitive(d, "SecretAccessKey");
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(d, "Token");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(d, "Expiration");
	int r = -1;

	/* credential_process's name for it (the shared file uses that form). */
	if (tok == NULL)
		tok = cJSON_GetObjectItemCaseSensitive(d, "SessionToken");
	if (!cJSON_IsString(ak) || !cJSON_IsString(sk)) {
		err_set(e, ERR_PERMANENT, "%s credentials: malformed response", source);
	} else if (set(c, ak->valuestring, sk->valuestring,
	    cJSON_IsString(tok) ? tok->valuestring : NULL, source)) {
		err_set(e, ERR_LOCAL, "out of memory");
	} else {
		c->expires = 0;
		if (cJSON_IsString(exp) && isotime_parse(exp->valuestring, &c->expires))
			c->expires = 0;
		r = 0;
	}
	return r;
}

static int
from_json(struct creds *c, const char *body, const char *source, struct err *e)
{
	cJSON *d = cJSON_Parse(body);
	int r = from_doc(c, d, source, e);

	cJSON_Delete(d);
	return r;
}

static int
web_identity(struct creds *c, struct http *h, const char *token_file, struct err *e)
{
	const char *role = env("AWS_ROLE_ARN");
	const char *session = env("AWS_ROLE_SESSION_NAME");
	struct buf url = BUF_INIT, body = BUF_INIT, region = BUF_INIT;
	struct http_response resp = { 0 };
	struct xml *doc = NULL, *cr;
	char *token = slurp(token_file, "AWS_WEB_IDENTITY_TOKEN_FILE", e);
	char code[64], msg[256];
	const char *hdrs[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	int r = -1;

	if (role == NULL) {
		err_set(e, ERR_INPUT, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
		goto done;
	}
	if (token == NULL)
		goto done;
	if (*token == '\0') {
		err_set(e, ERR_LOCAL, "AWS_WEB_IDENTITY_TOKEN_FILE is empty");
		goto done;
	}
	token[strcspn(token, "\r\n")] = '\0';
	if (endpoint_region(&region, NULL, e) == 0) {
		if (endpoint_url(&url, "sts", region.p, e))
			goto done;
	} else if (env("AWS_ENDPOINT_URL_STS") || env("AWS_ENDPOINT_URL")) {
		if (endpoint_url(&url, "sts", "us-east-1", e))
			goto done;
	} else if (buf_adds(&url, "https://sts.amazonaws.com/")) {
		err_nomem(e);
		goto done;
	}
	if (!session)
		session = "ec2-runner-pool";
	buf_adds(&body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=");
	uri_encode(&body, role, strlen(role), 0);
	buf_adds(&body, "&RoleSessionName=");
	uri_encode(&body, session, strlen(session), 0);
	buf_adds(&body, "&WebIdentityToken=");
	uri_encode(&body, token, strlen(token), 0);
	if (body.failed) {
		err_nomem(e);
		goto done;
	}
	if (http_request(h, "POST", url.p, hdrs, body.p, body.len, &resp, e))
		goto done;
	if (xml_parse(resp.body.p ? resp.body.p : "", resp.body.len, &doc, e))
		goto done;
	if (resp.status != 200) {
		if (!xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)))
			snprintf(code, sizeof(code), "HTTP %ld", resp.status);
		err_set(e, resp.status >= 500 ? ERR_TEMPORARY : ERR_PERMANENT,
		    "web identity: STS refused AssumeRoleWithWebIdentity: %s", code);
		err_code(e, code);
		goto done;
	}
	cr = xml_find(doc, "AssumeRoleWithWebIdentityResult/Credentials");
	if (cr && set(c, xml_text(cr, "AccessKeyId"), xml_text(cr, "SecretAccessKey"),
	    xml_text(cr, "SessionToken"), "web-identity")) {
		err_nomem(e);
		goto done;
	}
	if (cr == NULL || c->access_key.len == 0) {
		err_set(e, ERR_PERMANENT, "web identity: STS answer has no credentials");
		goto done;
	}
	if (isotime_parse(xml_text(cr, "Expiration"), &c->expires))
		c->expires = 0;
	r = 0;
done:
	if (token) {
		memset(token, 0, strlen(token));
		free(token);
	}
	wipe(&body);
	buf_free(&url);
	buf_free(&region);
	http_response_free(&resp);
	xml_free(doc);
	return r;
}

/* The shared file named by var, else ~/.aws/name; NULL when there is none
 * (or it cannot be read: as the SDKs do, the chain then goes on). */
static char *
aws_file(const char *var, const char *name)
{
	const char *home = env("HOME");
	struct err ignored;
	char path[1024];

	if (env(var))
		return slurp(env(var), var, &ignored);
	if (home == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/.aws/%s", home, name);
	return slurp(path, name, &ignored);
}

/* 1 found, 0 not there, -1 error. The config file's region is kept too. */
static int
profile(struct creds *c, struct err *e)
{
	const char *name = env("AWS_PROFILE") ? env("AWS_PROFILE") : "default";
	char *cred = aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
	char *conf = aws_file("AWS_CONFIG_FILE", "config");
	struct buf ak = BUF_INIT, sk = BUF_INIT, tok = BUF_INIT;
	char section[160];
	int r = 0;

	snprintf(section, sizeof(section), strcmp(name, "default") ? "profile %s" : "%s", name);
	if (conf)
		ini_get(conf, section, "region", &c->profile_region);
	if (cred && ini_get(cred, name, "aws_access_key_id", &ak) &&
	    ini_get(cred, name, "aws_secret_access_key", &sk)) {
		ini_get(cred, name, "aws_session_token", &tok);
		r = 1;
	} else if (conf && ini_get(conf, section, "aws_access_key_id", &ak) &&
	    ini_get(conf, section, "aws_secret_access_key", &sk)) {
		ini_get(conf, section, "aws_session_token", &tok);
		r = 1;
	} else if (env("AWS_PROFILE") && !(cred && ini_has_section(cred, name)) &&
	    !(conf && ini_has_section(conf, section))) {
		err_set(e, ERR_INPUT, "AWS_PROFILE names a profile that no config file has");
		r = -1;
	}
	if (ak.failed || sk.failed || tok.failed || c->profile_region.failed)
		r = err_nomem(e);
	if (r == 1) {
		c->expires = 0;
		if (set(c, ak.p, sk.p, tok.p, "profile"))
			r = err_nomem(e);
	}
	wipe(&ak);
	wipe(&sk);
	wipe(&tok);
	if (cred) {
		memset(cred, 0, strlen(cred));
		free(cred);
	}
	free(conf);
	return r;
}

/* GET url with one header line (NULL for none). A transport failure is
 * ERR_TEMPORARY, "WHAT unreachable": the endpoint may be back later. */
static int
get(struct http *h, const char *url, const char *header, const char *what, struct http_response *resp,
    struct err *e)
{
	const char *hdrs[2] = { header, NULL };

	if (http_request(h, "GET", url, hdrs, NULL, 0, resp, e) == 0)
		return 0;
	err_set(e, ERR_TEMPORARY, "%s unreachable", what);
	return -1;
}

static int
container(struct creds *c, struct http *h, struct err *e)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tokfile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tok = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	struct buf url = BUF_INIT, auth = BUF_INIT;
	struct http_response resp = { 0 };
	char *filetok = tokfile ? slurp(tokfile, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", e) : NULL;
	int r = -1;

	if (tokfile && filetok == NULL)
		goto done;
	if (rel ? buf_addf(&url, "http://169.254.170.2%s", rel) : buf_adds(&url, full)) {
		err_nomem(e);
		goto done;
	}
	if (filetok || tok) {
		const char *t = filetok ? filetok : tok;

		if (buf_addf(&auth, "Authorization: %.*s", (int)strcspn(t, "\r\n"), t)) {
			err_nomem(e);
			goto done;
		}
	}
	if (get(h, url.p, auth.len ? auth.p : NULL, "container credentials endpoint", &resp, e))
		goto done;
	if (resp.status != 200) {
		err_set(e, ERR_PERMANENT, "container credentials endpoint answered HTTP %ld", resp.status);
		goto done;
	}
	r = from_json(c, resp.body.p ? resp.body.p : "", "container", e);
done:
	free(filetok);
	wipe(&auth);
	buf_free(&url);
	http_response_free(&resp);
	return r;
}

void
imds_free(struct imds *md)
{
	if (md == NULL)
		return;
	memset(md, 0, sizeof(*md));
}

int
imds_get(struct imds *md, struct http *h, const char *path, long long now, struct buf *out,
    struct err *e)
{
	const char *base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *dis = env("AWS_EC2_METADATA_DISABLED");
	long saved_connect = h->connect_timeout_ms, saved_total = h->timeout_ms;
	struct http_response resp = { 0 };
	struct buf url = BUF_INIT, hdr = BUF_INIT;
	size_t bl;
	int r = -1, tries;

	if (dis && strcmp(dis, "true") == 0) {
		err_set(e, ERR_LOCAL, "instance metadata is disabled (AWS_EC2_METADATA_DISABLED)");
		return -1;
	}
	if (base == NULL)
		base = "http://169.254.169.254";
	bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	h->connect_timeout_ms = 1000;
	h->timeout_ms = 3000;
	/* A second try gets a new token when the old one was refused. */
	for (tries = 0; tries < 2; tries++) {
		if (md->token[0] == '\0' || now >= md->expires) {
			const char *th[] = { "X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL };

			buf_reset(&url);
			if (buf_addf(&url, "%.*s/latest/api/token", (int)bl, base)) {
				err_nomem(e);
				goto done;
			}
			if (http_request(h, "PUT", url.p, th, "", 0, &resp, e)) {
				err_set(e, ERR_LOCAL, "no instance metadata service");
				goto done;
			}
			if (resp.status != 200 || resp.body.len == 0 || resp.body.len >= sizeof(md->token)) {
				err_set(e, ERR_PERMANENT, "instance metadata refused a session token (HTTP %ld)",
				    resp.status);
				goto done;
			}
			memcpy(md->token, resp.body.p, resp.body.len);
			md->token[resp.body.len] = '\0';
			md->expires = now + IMDS_TTL - 60;
		}
		buf_reset(&url);
		buf_reset(&hdr);
		if (buf_addf(&url, "%.*s/latest/%s", (int)bl, base, path) ||
		    buf_addf(&hdr, "X-aws-ec2-metadata-token: %s", md->token)) {
			err_nomem(e);
			goto done;
		}
		if (get(h, url.p, hdr.p, "instance metadata", &resp, e))
			goto done;
		if (resp.status == 401) {
			imds_free(md);
			continue;
		}
		break;
	}
	if (resp.status == 404) {
		err_set(e, ERR_PERMANENT, "instance metadata has no %s", path);
		goto done;
	}
	if (resp.status != 200) {
		err_set(e, resp.status >= 500 ? ERR_TEMPORARY : ERR_PERMANENT,
		    "instance metadata answered HTTP %ld for %s", resp.status, path);
		goto done;
	}
	buf_reset(out);
	r = buf_add(out, resp.body.p ? resp.body.p : "", resp.body.len) ? err_nomem(e) : 0;
done:
	h->connect_timeout_ms = saved_connect;
	h->timeout_ms = saved_total;
	wipe(&hdr);
	buf_free(&url);
	http_response_free(&resp);
	return r;
}

static int
instance(struct creds *c, struct http *h, struct imds *md, long long now, struct err *e)
{
	struct buf role = BUF_INIT, path = BUF_INIT, doc = BUF_INIT;
	int r = -1;

	if (imds_get(md, h, "meta-data/iam/security-credentials/", now, &role, e))
		goto done;
	role.p[strcspn(role.p, "\r\n")] = '\0';
	if (role.p[0] == '\0') {
		err_set(e, ERR_LOCAL, "the instance has no IAM role");
		goto done;
	}
	if (buf_addf(&path, "meta-data/iam/security-credentials/%s", role.p)) {
		err_nomem(e);
		goto done;
	}
	if (imds_get(md, h, path.p, now, &doc, e))
		goto done;
	r = from_json(c, doc.p, "imds", e);
done:
	buf_free(&role);
	buf_free(&path);
	wipe(&doc);
	return r;
}

/* The caller's clock decides: credentials already expired are no use. */
static int
unexpired(const struct creds *c, long long now, struct err *e)
{
	if (c->expires == 0 || c->expires > now)
		return 0;
	err_set(e, ERR_TEMPORARY, "the %s credentials expired %lld s ago (is the clock right?)", c->source,
	    now - c->expires);
	return -1;
}

/* The links that talk to a service, in the chain's order. */
static int
remote(struct creds *c, struct http *h, struct imds *md, long long now, struct err *e)
{
	struct imds mine = { { 0 }, 0 };
	int r;

	if (env("AWS_WEB_IDENTITY_TOKEN_FILE"))
		return web_identity(c, h, env("AWS_WEB_IDENTITY_TOKEN_FILE"), e);
	if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
		return container(c, h, e);
	r = instance(c, h, md ? md : &mine, now, e);
	imds_free(&mine);
	if (r && e->cls == ERR_LOCAL)
		err_set(e, ERR_LOCAL, "no AWS credentials: none in the environment, web identity, "
		    "profile files, container or instance metadata");
	return r;
}

/* The shared file's text, or NULL: only a regular file of this user's
 * that nobody else may read or write (anything else is not the mode's). */
static char *
shared_text(const char *path)
{
	struct buf b = BUF_INIT;
	struct stat st;
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) ||
	    st.st_size > 65536) {
		close(fd);
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && b.len < 65536)
		buf_add(&b, chunk, (size_t)n);
	memset(chunk, 0, sizeof(chunk));
	close(fd);
	if (n < 0 || b.failed || b.len == 0) {
		wipe(&b);
		return NULL;
	}
	return buf_take(&b);
}

int
creds_shared_read(struct creds *c, const char *path, long long now, long long margin)
{
	char *text = shared_text(path);
	const cJSON *ver, *acct, *part;
	struct err ignored;
	cJSON *d;
	int r = 0;

	if (text == NULL)
		return 0;
	d = cJSON_Parse(text);
	memset(text, 0, strlen(text));
	free(text);
	ver = cJSON_GetObjectItemCaseSensitive(d, "Version");
	acct = cJSON_GetObjectItemCaseSensitive(d, "AccountId");
	part = cJSON_GetObjectItemCaseSensitive(d, "Partition");
	/* A malformed or stale file is no file: the chain goes on. */
	if (cJSON_IsNumber(ver) && ver->valueint == 1 && from_doc(c, d, "shared", &ignored) == 0 &&
	    (c->expires == 0 || now < c->expires - margin)) {
		if (cJSON_IsString(acct) && strlen(acct->valuestring) == 12 &&
		    strspn(acct->valuestring, "0123456789") == 12 && cJSON_IsString(part) &&
		    strlen(part->valuestring) < sizeof(c->partition)) {
			snprintf(c->account, sizeof(c->account), "%s", acct->valuestring);
			snprintf(c->partition, sizeof(c->partition), "%s", part->valuestring);
		}
		r = 1;
	} else {
		set(c, "", "", "", "shared");
		c->expires = 0;
	}
	cJSON_Delete(d);
	return r;
}

int
creds_shared_json(const struct creds *c, struct buf *out, struct err *e)
{
	struct tm tm;
	time_t t = (time_t)c->expires;
	char when[32] = "";

	if (c->expires && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_reset(out);
	/* The values are an access key, base64 and digits: nothing to escape,
	 * and checked so, since a quote would break the document. */
	if (strpbrk(c->access_key.p ? c->access_key.p : "", "\"\\") ||
	    strpbrk(c->secret_key.p ? c->secret_key.p : "", "\"\\") ||
	    strpbrk(c->session_token.p ? c->session_token.p : "", "\"\\")) {
		err_set(e, ERR_PERMANENT, "the %s credentials have a character JSON would need to escape", c->source);
		return -1;
	}
	buf_addf(out, "{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"",
	    c->access_key.p ? c->access_key.p : "", c->secret_key.p ? c->secret_key.p : "");
	if (c->session_token.len)
		buf_addf(out, ",\"SessionToken\":\"%s\"", c->session_token.p);
	if (when[0])
		buf_addf(out, ",\"Expiration\":\"%s\"", when);
	if (c->account[0])
		buf_addf(out, ",\"AccountId\":\"%s\",\"Partition\":\"%s\"", c->account, c->partition);
	buf_adds(out, "}\n");
	return out->failed ? err_nomem(e) : 0;
}

int
creds_load(struct creds *c, struct http *h, struct imds *md, long long now, struct err *e)
{
	const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
	const char *shared = env("EC2RP_CREDENTIALS_FILE");
	int r;

	/* The mode's one lookup, while it has time left. */
	if (shared && creds_shared_read(c, shared, now, CREDS_SHARED_MIN_SEC))
		return 0;

	if (ak && sk) {
		c->expires = 0;
		return set(c, ak, sk, env("AWS_SESSION_TOKEN"), "environment") ? err_nomem(e) : 0;
	}
	if (ak || sk) {
		err_set(e, ERR_INPUT, "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set");
		return -1;
	}
	/* Web identity comes before the files; the other remote links after. */
	r = env("AWS_WEB_IDENTITY_TOKEN_FILE") ? 0 : profile(c, e);
	if (r)
		return r > 0 ? 0 : -1;
	if (remote(c, h, md, now, e))
		return -1;
	return unexpired(c, now, e);
}
