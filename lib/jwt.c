#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "jwt.h"
#include "num.h"

/* The PEM decoder hands the key's DER to the key decoder as it goes, in
 * chunks. Once the key decoder has failed (a malformed key, or bytes after
 * the key) it must get nothing more: its program has stopped, and a push
 * would run it past its end (a NULL dereference the fuzzer found). */
static void
feed(void *ctx, const void *src, size_t len)
{
	br_skey_decoder_context *dc = ctx;

	if (dc->err == 0)
		br_skey_decoder_push(dc, src, len);
}

/* The object's name without what BearSSL keeps of a CRLF banner's end
 * ("RSA PRIVATE KEY-----\r"): trailing dashes and control characters;
 * other bytes outside printable ASCII as '?', for messages. */
static void
object_name(const char *name, char *out, size_t sz)
{
	size_t n = strlen(name), i;

	while (n && (name[n - 1] == '-' || (unsigned char)name[n - 1] <= ' '))
		n--;
	for (i = 0; i < n && i + 1 < sz; i++)
		out[i] = (unsigned char)name[i] < ' ' || (unsigned char)name[i] > '~' ? '?' : name[i];
	out[i] = '\0';
}

/* 1 if the n bytes at s hold the string w. */
static int
holds(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w), i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(s + i, w, m) == 0)
			return 1;
	return 0;
}

int
jwt_key_read(struct jwt_key *k, const char *pem, size_t n, const char *what, struct err *e)
{
	br_pem_decoder_context pc;
	const br_rsa_private_key *sk;
	const unsigned char *p = (const unsigned char *)pem;
	size_t left = n, used;
	int inside = 0, done = 0, tail = 0;
	char other[48] = "";

	memset(k, 0, sizeof(*k));
	br_skey_decoder_init(&k->dc);
	br_pem_decoder_init(&pc);
	/* OpenSSL's encrypted PKCS#1 keys carry headers in the object. */
	if (holds(pem, n, "Proc-Type:")) {
		err_set(e, ERR_INPUT, "%s holds an encrypted key: give it without a passphrase", what);
		return -1;
	}
	while (!done) {
		if (left == 0) {
			/* A final newline ends an END line that has none. */
			if (tail)
				break;
			p = (const unsigned char *)"\n";
			left = 1;
			tail = 1;
		}
		used = br_pem_decoder_push(&pc, p, left);
		p += used;
		left -= used;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ: {
			char name[48];

			object_name(br_pem_decoder_name(&pc), name, sizeof(name));
			if (strcmp(name, "RSA PRIVATE KEY") == 0 || strcmp(name, "PRIVATE KEY") == 0) {
				br_pem_decoder_setdest(&pc, feed, &k->dc);
				inside = 1;
			} else {
				br_pem_decoder_setdest(&pc, NULL, NULL);
				if (other[0] == '\0')
					snprintf(other, sizeof(other), "%s", name);
			}
			break;
		}
		case BR_PEM_END_OBJ:
			done = inside;
			break;
		case BR_PEM_ERROR:
			err_set(e, ERR_INPUT, "%s is not valid PEM", what);
			goto fail;
		}
	}
	if (!done) {
		if (inside)
			err_set(e, ERR_INPUT, "%s ends inside its key (no END line)", what);
		else if (strcmp(other, "ENCRYPTED PRIVATE KEY") == 0)
			err_set(e, ERR_INPUT, "%s holds an encrypted key: give it without a passphrase", what);
		else if (other[0])
			err_set(e, ERR_INPUT, "%s holds no private key (a PEM %s)", what, other);
		else
			err_set(e, ERR_INPUT, "%s holds no PEM private key (-----BEGIN RSA PRIVATE KEY-----)", what);
		goto fail;
	}
	if (br_skey_decoder_last_error(&k->dc) != 0) {
		err_set(e, ERR_INPUT, "%s holds a malformed private key", what);
		goto fail;
	}
	if (br_skey_decoder_key_type(&k->dc) != BR_KEYTYPE_RSA || (sk = br_skey_decoder_get_rsa(&k->dc)) == NULL) {
		err_set(e, ERR_INPUT, "%s holds a key that is not RSA (a GitHub App's key is)", what);
		goto fail;
	}
	if (sk->n_bitlen < JWT_MIN_BITS || sk->n_bitlen > JWT_MAX_BITS) {
		err_set(e, ERR_INPUT, "%s holds a %u-bit RSA key: %d to %d bits needed", what, (unsigned)sk->n_bitlen,
		    JWT_MIN_BITS, JWT_MAX_BITS);
		goto fail;
	}
	memset(&pc, 0, sizeof(pc));
	return 0;
fail:
	memset(&pc, 0, sizeof(pc));
	jwt_key_wipe(k);
	return -1;
}

void
jwt_key_wipe(struct jwt_key *k)
{
	if (k)
		memset(k, 0, sizeof(*k));
}

int
jwt_issuer_ok(const char *iss)
{
	size_t n = strlen(iss);

	return n > 0 && n <= JWT_ISS_MAX &&
	    strspn(iss, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

int
jwt_signing_input(struct buf *out, const char *iss, long long now, struct err *e)
{
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	struct buf claims = BUF_INIT;
	long long id;
	int r;

	if (!jwt_issuer_ok(iss)) {
		err_set(e, ERR_INPUT, "the App id must be its client id or numeric id (1-%d of A-Z a-z 0-9 . _ -)",
		    JWT_ISS_MAX);
		return -1;
	}
	/* The numeric id as a number, as GitHub's examples send it; the
	 * client id (the issuer GitHub recommends) as a string. */
	if (num_parse(iss, 1, 999999999999999999LL, &id) == 0)
		buf_addf(&claims, "{\"iat\":%lld,\"exp\":%lld,\"iss\":%lld}", now - JWT_IAT_BACK, now + JWT_LIFETIME, id);
	else
		buf_addf(&claims, "{\"iat\":%lld,\"exp\":%lld,\"iss\":\"%s\"}", now - JWT_IAT_BACK, now + JWT_LIFETIME, iss);
	base64_url_encode(out, header, sizeof(header) - 1);
	buf_addc(out, '.');
	r = claims.failed ? -1 : base64_url_encode(out, claims.p, claims.len);
	buf_free(&claims);
	if (r || out->failed)
		return err_nomem(e);
	return 0;
}

int
jwt_sign(struct buf *out, const char *iss, long long now, const struct jwt_key *k, struct err *e)
{
	const br_rsa_private_key *sk = br_skey_decoder_get_rsa(&k->dc);
	unsigned char hash[br_sha256_SIZE], sig[JWT_MAX_BITS / 8];
	br_sha256_context h;
	size_t start = out->len;
	int r = -1;

	if (sk == NULL || sk->n_bitlen < JWT_MIN_BITS || sk->n_bitlen > JWT_MAX_BITS) {
		err_set(e, ERR_INPUT, "no usable private key to sign with");
		return -1;
	}
	if (jwt_signing_input(out, iss, now, e))
		return -1;
	/* RS256: RSASSA-PKCS1-v1_5 over the SHA-256 of the signing input. */
	br_sha256_init(&h);
	br_sha256_update(&h, out->p + start, out->len - start);
	br_sha256_out(&h, hash);
	if (!br_rsa_pkcs1_sign_get_default()(BR_HASH_OID_SHA256, hash, sizeof(hash), sk, sig)) {
		err_set(e, ERR_INPUT, "the private key could not sign (a malformed key)");
		goto done;
	}
	if (buf_addc(out, '.') || base64_url_encode(out, sig, (sk->n_bitlen + 7) / 8)) {
		err_nomem(e);
		goto done;
	}
	r = 0;
done:
	memset(sig, 0, sizeof(sig));
	memset(&h, 0, sizeof(h));
	return r;
}
