#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "sigv4.h"
#include "uri.h"

struct hdr {
	char *name;  /* lower-case */
	char *value; /* trimmed, inner whitespace runs collapsed */
	size_t order;
};

static void
hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
sigv4_hex_sha256(const void *data, size_t n, char out[65])
{
	br_sha256_context c;
	unsigned char d[32];

	br_sha256_init(&c);
	br_sha256_update(&c, data, n);
	br_sha256_out(&c, d);
	hex(d, 32, out);
}

static void
hmac(const unsigned char *key, size_t keylen, const char *msg, unsigned char out[32])
{
	br_hmac_key_context kc;
	br_hmac_context c;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, keylen);
	br_hmac_init(&c, &kc, 0);
	br_hmac_update(&c, msg, strlen(msg));
	br_hmac_out(&c, out);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian), so the
 * signer needs neither gmtime nor the TZ environment. */
static void
civil(long long days, long long *y, unsigned *m, unsigned *d)
{
	long long z = days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

int
sigv4_amz_date(long long t, char out[17])
{
	long long days, secs, y;
	unsigned m, d;
	int i;
	unsigned v[6];

	if (t < 0 || t > 253402300799LL) /* 9999-12-31T23:59:59Z */
		return -1;
	days = t / 86400;
	secs = t % 86400;
	civil(days, &y, &m, &d);
	v[0] = (unsigned)y;
	v[1] = m;
	v[2] = d;
	v[3] = (unsigned)(secs / 3600);
	v[4] = (unsigned)(secs / 60 % 60);
	v[5] = (unsigned)(secs % 60);
	/* YYYYMMDDTHHMMSSZ, written digit by digit. */
	out[0] = (char)('0' + v[0] / 1000);
	out[1] = (char)('0' + v[0] / 100 % 10);
	out[2] = (char)('0' + v[0] / 10 % 10);
	out[3] = (char)('0' + v[0] % 10);
	for (i = 1; i < 6; i++) {
		int at = 4 + (i - 1) * 2 + (i >= 3);

		out[at] = (char)('0' + v[i] / 10);
		out[at + 1] = (char)('0' + v[i] % 10);
	}
	out[8] = 'T';
	out[15] = 'Z';
	out[16] = '\0';
	return 0;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The path is sent as is, so a '%' must start a real escape. */
int
sigv4_path_ok(const char *path)
{
	for (; *path; path++)
		if (*path == '%' && !(is_hex(path[1]) && is_hex(path[2])))
			return 0;
	return 1;
}

int
sigv4_canonical_path(struct buf *out, const char *path, int normalize)
{
	struct buf norm = BUF_INIT;
	const char **segs;
	size_t *lens;
	size_t nseg = 0, i, len = strlen(path);
	const char *p = path, *end = path + len;
	int r = -1, dir = 0; /* dir: the normalised path ends in '/' */

	if (len == 0)
		return buf_addc(out, '/');
	if (!normalize)
		return uri_encode(out, path, len, 1);
	/* Remove dot segments and empty segments (RFC 3986 5.2.4). */
	segs = calloc(len + 1, sizeof(*segs));
	lens = calloc(len + 1, sizeof(*lens));
	if (segs == NULL || lens == NULL)
		goto done;
	while (p < end) {
		const char *s = p;
		size_t n;

		while (p < end && *p != '/')
			p++;
		n = (size_t)(p - s);
		/* "/a/b/.." is "/a/", as in RFC 3986's examples. */
		dir = p < end;
		if (p < end)
			p++;
		if (n == 0 || (n == 1 && s[0] == '.')) {
			dir = dir || n == 1;
			continue;
		}
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (nseg > 0)
				nseg--;
			dir = 1;
			continue;
		}
		segs[nseg] = s;
		lens[nseg++] = n;
	}
	if (buf_addc(&norm, '/'))
		goto done;
	for (i = 0; i < nseg; i++) {
		if (buf_add(&norm, segs[i], lens[i]))
			goto done;
		if ((i + 1 < nseg || dir) && buf_addc(&norm, '/'))
			goto done;
	}
	r = uri_encode(out, norm.p, norm.len, 1);
done:
	free(segs);
	free(lens);
	buf_free(&norm);
	return r;
}

struct param {
	char *kv; /* "name=value", both encoded */
	size_t namelen;
};

static int
cmp_param(const void *a, const void *b)
{
	const struct param *x = a, *y = b;
	size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
	int c = memcmp(x->kv, y->kv, n);

	if (c)
		return c;
	if (x->namelen != y->namelen)
		return x->namelen < y->namelen ? -1 : 1;
	return strcmp(x->kv + x->namelen, y->kv + y->namelen);
}

/* Decodes then re-encodes one name or value into out. */
static int
reencode(struct buf *out, const char *s, size_t n)
{
	struct buf dec = BUF_INIT;
	int r;

	r = uri_decode(&dec, s, n, 0);
	if (r == 0)
		r = uri_encode(out, dec.p ? dec.p : "", dec.len, 0);
	buf_free(&dec);
	return r;
}

int
sigv4_canonical_query(struct buf *out, const char *query)
{
	struct param *ps = NULL;
	size_t np = 0, cap = 0, i;
	const char *p = query;
	int r = -1;

	if (query == NULL || *query == '\0')
		return 0;
	while (*p) {
		const char *s = p, *eq;
		size_t n;
		struct buf kv = BUF_INIT;

		while (*p && *p != '&')
			p++;
		n = (size_t)(p - s);
		if (*p)
			p++;
		if (n == 0)
			continue;
		eq = memchr(s, '=', n);
		if (np == cap) {
			struct param *q = realloc(ps, (cap ? cap * 2 : 8) * sizeof(*ps));

			if (q == NULL)
				goto done;
			ps = q;
			cap = cap ? cap * 2 : 8;
		}
		if (reencode(&kv, s, eq ? (size_t)(eq - s) : n)) {
			buf_free(&kv);
			goto done;
		}
		ps[np].namelen = kv.len;
		if (buf_addc(&kv, '=') ||
		    (eq && reencode(&kv, eq + 1, n - (size_t)(eq - s) - 1))) {
			buf_free(&kv);
			goto done;
		}
		ps[np++].kv = buf_take(&kv);
		if (ps[np - 1].kv == NULL)
			goto done;
	}
	if (np > 1)
		qsort(ps, np, sizeof(*ps), cmp_param);
	for (i = 0; i < np; i++)
		if ((i && buf_addc(out, '&')) || buf_adds(out, ps[i].kv))
			goto done;
	r = 0;
done:
	for (i = 0; i < np; i++)
		free(ps[i].kv);
	free(ps);
	return r;
}

static int
cmp_hdr(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Lower-cases a name; trims a value and collapses runs of whitespace
 * (including folded line breaks) into one space. */
static char *
clean(const char *s, int is_name)
{
	size_t n = strlen(s), i, o = 0;
	char *r = malloc(n + 1);
	int space = 0;

	if (r == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (is_name) {
			r[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = o > 0;
			continue;
		}
		if (space)
			r[o++] = ' ';
		space = 0;
		r[o++] = c;
	}
	r[o] = '\0';
	return r;
}

static void
free_hdrs(struct hdr *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

/* Appends the canonical headers block and fills signed with the list. */
static int
canonical_headers(struct buf *out, struct buf *signed_list, const struct sigv4_input *in,
    const char *amz_date, const char *payload_hash)
{
	size_t n = 0, i, max = in->nheaders + 3;
	struct hdr *h = calloc(max, sizeof(*h));
	const char *extra_name[3], *extra_value[3];
	size_t nextra = 0;
	int r = -1;

	if (h == NULL)
		return -1;
	extra_name[nextra] = "x-amz-date";
	extra_value[nextra++] = amz_date;
	if (in->session_token && *in->session_token && !in->omit_session_token) {
		extra_name[nextra] = "x-amz-security-token";
		extra_value[nextra++] = in->session_token;
	}
	if (in->sign_body_header) {
		extra_name[nextra] = "x-amz-content-sha256";
		extra_value[nextra++] = payload_hash;
	}
	for (i = 0; i < in->nheaders + nextra; i++) {
		const char *name = i < in->nheaders ? in->headers[i].name : extra_name[i - in->nheaders];
		const char *value = i < in->nheaders ? in->headers[i].value : extra_value[i - in->nheaders];

		h[n].name = clean(name, 1);
		h[n].value = clean(value, 0);
		h[n].order = i;
		n++;
		if (h[n - 1].name == NULL || h[n - 1].value == NULL)
			goto done;
	}
	qsort(h, n, sizeof(*h), cmp_hdr);
	for (i = 0; i < n; i++) {
		int first = i == 0 || strcmp(h[i].name, h[i - 1].name) != 0;
		int last = i + 1 == n || strcmp(h[i].name, h[i + 1].name) != 0;

		if (first) {
			if ((i && buf_addc(signed_list, ';')) || buf_adds(signed_list, h[i].name) ||
			    buf_adds(out, h[i].name) || buf_addc(out, ':'))
				goto done;
		} else if (buf_addc(out, ',')) {
			goto done;
		}
		if (buf_adds(out, h[i].value) || (last && buf_addc(out, '\n')))
			goto done;
	}
	r = 0;
done:
	free_hdrs(h, n);
	return r;
}

int
sigv4_signing_key(const char *secret, const char *date, const char *region,
    const char *service, unsigned char key[32])
{
	struct buf k = BUF_INIT;
	unsigned char a[32], b[32];

	/* kDate = HMAC("AWS4" + kSecret, Date) */
	if (buf_adds(&k, "AWS4") || buf_adds(&k, secret)) {
		memset(key, 0, 32);
		if (k.p)
			memset(k.p, 0, k.len);
		buf_free(&k);
		return -1;
	}
	hmac((const unsigned char *)k.p, k.len, date, a);
	/* kRegion = HMAC(kDate, Region); kService = HMAC(kRegion, Service) */
	hmac(a, 32, region, b);
	hmac(b, 32, service, a);
	/* kSigning = HMAC(kService, "aws4_request") */
	hmac(a, 32, "aws4_request", key);
	memset(k.p, 0, k.len);
	buf_free(&k);
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	return 0;
}

int
sigv4_sign(const struct sigv4_input *in, struct sigv4_output *out, struct err *e)
{
	struct buf *cr = &out->canonical_request, *sts = &out->string_to_sign;
	struct buf signed_list = BUF_INIT;
	char date[9], crhash[65];
	unsigned char key[32], sig[32];

	buf_reset(cr);
	buf_reset(sts);
	buf_reset(&out->authorization);
	if (sigv4_amz_date(in->now, out->amz_date)) {
		err_set(e, ERR_INPUT, "signing time out of range");
		return -1;
	}
	if (!sigv4_path_ok(in->path ? in->path : "/")) {
		err_set(e, ERR_INPUT, "malformed percent-escape in the path");
		return -1;
	}
	memcpy(date, out->amz_date, 8);
	date[8] = '\0';
	sigv4_hex_sha256(in->body ? in->body : "", in->body ? in->body_len : 0, out->payload_hash);

	/* Canonical request: method, path, query, headers, signed headers, payload hash. */
	if (buf_adds(cr, in->method) || buf_addc(cr, '\n') ||
	    sigv4_canonical_path(cr, in->path ? in->path : "/", in->normalize_path) ||
	    buf_addc(cr, '\n'))
		goto nomem;
	if (sigv4_canonical_query(cr, in->query)) {
		err_set(e, ERR_INPUT, "malformed percent-escape in the query string");
		goto fail;
	}
	if (buf_addc(cr, '\n') ||
	    canonical_headers(cr, &signed_list, in, out->amz_date, out->payload_hash) ||
	    buf_addc(cr, '\n') || buf_add(cr, signed_list.p, signed_list.len) ||
	    buf_addc(cr, '\n') || buf_adds(cr, out->payload_hash))
		goto nomem;

	/* String to sign: algorithm, time, scope, hash of the canonical request. */
	sigv4_hex_sha256(cr->p, cr->len, crhash);
	if (buf_addf(sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date,
	    date, in->region, in->service, crhash))
		goto nomem;

	if (sigv4_signing_key(in->secret_key, date, in->region, in->service, key))
		goto nomem;
	hmac(key, 32, sts->p, sig);
	memset(key, 0, sizeof(key));
	hex(sig, 32, out->signature);
	if (buf_addf(&out->authorization,
	    "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
	    in->access_key, date, in->region, in->service, signed_list.p, out->signature))
		goto nomem;
	buf_free(&signed_list);
	return 0;
nomem:
	err_set(e, ERR_LOCAL, "out of memory while signing");
fail:
	buf_free(&signed_list);
	return -1;
}

void
sigv4_output_free(struct sigv4_output *out)
{
	if (out == NULL)
		return;
	buf_free(&out->canonical_request);
	buf_free(&out->string_to_sign);
	buf_free(&out->authorization);
}
