/* The GitHub App's JWT: base64url, the signing input, the PEM key reader
 * (PKCS#1 and PKCS#8; what it refuses and how it says so) and RS256
 * signatures, checked against tokens OpenSSL signed with the same test key
 * and against the key's modulus as OpenSSL printed it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "jwt.h"
#include "t.h"

#define DATA "tests/unit/data/jwt/"
#define NOW 1700000000LL
/* OpenSSL's: the header and claims base64url-encoded with `openssl base64`,
 * signed with `openssl dgst -sha256 -sign rsa2048.pem`. */
#define HDR "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
#define NUMERIC HDR ".eyJpYXQiOjE2OTk5OTk5NDAsImV4cCI6MTcwMDAwMDU0MCwiaXNzIjoxMjM0NX0"
#define CLIENT HDR ".eyJpYXQiOjE2OTk5OTk5NDAsImV4cCI6MTcwMDAwMDU0MCwiaXNzIjoiSXYyM2xpVEVTVDAxMjMifQ"
#define NUMERIC_SIG "SOQitD_xDO6h-z63I8qijJuTZN2xp_n-H_VEgu16FzNYeamTqUWC7oEZFU3Fq5anqwx8_xOKH4sQz-Ohnry5eYZZdFIk" \
	"B_dvMcu8cGhWpwICd4Y6TBtNGurroBcLbvmtMeXpHVyamOZ1f_Tl-HELUjosmJiwvUReSAgxiWnH2Tvrux-gW7Dryoiix_4domo-URibSmo5ohc" \
	"U0fBDQ0YX0w7tICZryCP0q3RTLI6mKR5fwjAouaLNkj3Sl7l0S9XR2sQPNXiT94ldP7mMLk5YI2CWVh7whXLrJpjchRIJNPu4_pGCY4eoVjWw6" \
	"thB0wFK_TmhQpA-nK2sO8fFc4-i0Q"
#define CLIENT_SIG "G67hDZvP9KY_46INvhlbSS0yeb_sKebKG2XGxkAnJtsNgmVKvecQj7BbDLAgIB1ww0CJ_uOp61Kaesn6ifMg6waX7KrPhw" \
	"qJZZKDZQaAxiCbtaNX3MT-MkINYdNzM62qxMtAWMKFzGU7e9G2qbwsMJ_Sf6PmgRc6ZjVt41sDaUBUPc0kkAaJuylzDMvsHbzcWWdnEl6gs-Yv" \
	"8vesbmz2y28eEjYP3Ui6Y1cSyIBZGd0hNL1LTPPTT3pYYp46VD9mO2RhgXECxqAf78lzsv0y4RL_sxy7wdPfK11vCLC0N1HTxcR2nU7gY5Hnkb" \
	"57moLDCgMMirpQWgyITQSSJSW20Q"

static void
test_base64url(void)
{
	struct buf b = BUF_INIT;

	base64_url_encode(&b, "f", 1);
	buf_addc(&b, ' ');
	base64_url_encode(&b, "fo", 2);
	buf_addc(&b, ' ');
	base64_url_encode(&b, "foo", 3);
	buf_addc(&b, ' ');
	base64_url_encode(&b, "\xfb\xff\xbf", 3);
	t_streq(b.p, "Zg Zm8 Zm9v -_-_", "base64url: no padding, - and _ (RFC 4648 5)");
	buf_free(&b);
}

static void
test_signing_input(void)
{
	struct buf b = BUF_INIT;
	struct err e;

	t_ok(jwt_signing_input(&b, "12345", NOW, &e) == 0, "numeric id");
	t_streq(b.p, NUMERIC, "iat now-60, exp now+540, iss as a number (as OpenSSL-side encoded)");
	buf_free(&b);
	t_ok(jwt_signing_input(&b, "Iv23liTEST0123", NOW, &e) == 0, "client id");
	t_streq(b.p, CLIENT, "a client id as a string");
	buf_free(&b);
	t_ok(jwt_signing_input(&b, "0123", NOW, &e) == 0, "a leading zero");
	t_ok(strstr(b.p, ".eyJpYXQiOjE2OTk5OTk5NDAsImV4cCI6MTcwMDAwMDU0MCwiaXNzIjoiMDEyMyJ9") != NULL,
	    "is a string, never an invalid JSON number");
	buf_free(&b);
	t_ok(jwt_signing_input(&b, "a\"b", NOW, &e) == -1 && e.cls == ERR_INPUT, "a quote in the issuer is refused");
	t_ok(jwt_signing_input(&b, "", NOW, &e) == -1, "an empty issuer is refused");
	t_ok(!jwt_issuer_ok("12345678901234567890123456789012345678901234567890123456789012345"), "65 bytes: too long");
	t_ok(jwt_issuer_ok("Iv1.0123456789abcdef"), "an old-style client id");
	buf_free(&b);
}

static char *
slurp(const char *name, size_t *n)
{
	char path[128];

	snprintf(path, sizeof(path), DATA "%s", name);
	return t_slurp(path, n);
}

/* Reads name; returns 0 or -1, with e. */
static int
read_key(const char *name, struct jwt_key *k, struct err *e)
{
	size_t n;
	char *pem = slurp(name, &n);
	int r;

	if (!t_ok(pem != NULL, "%s readable", name))
		return -1;
	r = jwt_key_read(k, pem, n, "the key", e);
	free(pem);
	return r;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c - 'a' + 10;
}

/* 1 if token (header.claims.signature) carries a valid RS256 signature by
 * the key whose modulus OpenSSL printed. */
static int
verifies(const char *token)
{
	static const unsigned char e65537[] = { 1, 0, 1 };
	const unsigned char *oid = BR_HASH_OID_SHA256;
	unsigned char n[512], sig[512], hash[32], want[32];
	const char *dot = strrchr(token, '.');
	br_rsa_public_key pk;
	br_sha256_context h;
	size_t hexn, i, bits = 0, sl = 0;
	char *hex = slurp("rsa2048.modulus", &hexn);
	unsigned long acc = 0;

	if (hex == NULL || dot == NULL)
		return 0;
	for (i = 0; i + 1 < hexn && hex[i] != '\n'; i += 2)
		n[i / 2] = (unsigned char)(hexval(hex[i]) << 4 | hexval(hex[i + 1]));
	pk.n = n;
	pk.nlen = i / 2;
	pk.e = (unsigned char *)e65537;
	pk.elen = 3;
	free(hex);
	/* base64url back to bytes. */
	for (i = 1; dot[i]; i++) {
		const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *c = strchr(a, dot[i]);

		if (c == NULL || sl >= sizeof(sig))
			return 0;
		acc = acc << 6 | (unsigned long)(c - a);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sig[sl++] = (unsigned char)(acc >> bits);
		}
	}
	br_sha256_init(&h);
	br_sha256_update(&h, token, (size_t)(dot - token));
	br_sha256_out(&h, want);
	if (sl != pk.nlen || !br_rsa_pkcs1_vrfy_get_default()(sig, sl, oid, sizeof(hash), &pk, hash))
		return 0;
	return memcmp(hash, want, sizeof(hash)) == 0;
}

static void
test_sign(void)
{
	struct jwt_key k;
	struct buf b = BUF_INIT;
	struct err e;

	t_ok(read_key("rsa2048.pem", &k, &e) == 0, "PKCS#1 key read");
	t_ok(jwt_sign(&b, "12345", NOW, &k, &e) == 0, "signed");
	t_streq(b.p, NUMERIC "." NUMERIC_SIG, "the token OpenSSL made with the same key");
	t_ok(verifies(b.p), "verifies with OpenSSL's modulus");
	buf_free(&b);
	jwt_sign(&b, "Iv23liTEST0123", NOW, &k, &e);
	t_streq(b.p, CLIENT "." CLIENT_SIG, "with a client id too");
	buf_free(&b);
	/* Appending keeps what was there, and signs only the token. */
	buf_adds(&b, "Authorization: Bearer ");
	jwt_sign(&b, "12345", NOW, &k, &e);
	t_streq(b.p, "Authorization: Bearer " NUMERIC "." NUMERIC_SIG, "appended after a prefix");
	buf_free(&b);
	jwt_key_wipe(&k);
	t_ok(jwt_sign(&b, "12345", NOW, &k, &e) == -1 && e.cls == ERR_INPUT, "a wiped key signs nothing");
	buf_free(&b);

	t_ok(read_key("rsa2048-pkcs8.pem", &k, &e) == 0, "PKCS#8 key read");
	jwt_sign(&b, "12345", NOW, &k, &e);
	t_streq(b.p, NUMERIC "." NUMERIC_SIG, "the same key as PKCS#8 signs the same");
	buf_free(&b);
	jwt_key_wipe(&k);

	t_ok(read_key("rsa2048-other.pem", &k, &e) == 0, "another key");
	jwt_sign(&b, "12345", NOW, &k, &e);
	t_ok(!verifies(b.p), "another key's signature does not verify (the check can fail)");
	buf_free(&b);
	jwt_key_wipe(&k);
	jwt_key_wipe(NULL);
}

/* Reads text as a key; 1 if refused with ERR_INPUT and a message holding
 * want and nothing of the text's body. */
static int
refused(const char *text, size_t n, const char *want)
{
	struct jwt_key k;
	struct err e;

	if (jwt_key_read(&k, text, n, "the key", &e) != -1 || e.cls != ERR_INPUT)
		return 0;
	if (strstr(e.msg, want) == NULL) {
		printf("# message: %s\n", e.msg);
		return 0;
	}
	return strstr(e.msg, "MII") == NULL;
}

static void
test_refused(void)
{
	static const char *const files[][2] = {
		{ "rsa1024.pem", "1024-bit RSA key: 2048 to 4096 bits" },
		{ "ec-pkcs8.pem", "not RSA" },
		{ "encrypted-pkcs8.pem", "encrypted key" },
		{ "encrypted-pkcs1.pem", "encrypted key" },
		{ "cert.pem", "no private key (a PEM CERTIFICATE)" },
		{ "rsa2048.modulus", "no PEM private key" },
		/* Found by fuzz_jwt: a key decoder fed after it failed crashed. */
		{ "fuzz-extra-bytes.pem", "malformed private key" },
	};
	size_t i, n;
	char *pem, *cut;
	struct buf b = BUF_INIT;
	struct jwt_key k;
	struct err e;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		pem = slurp(files[i][0], &n);
		t_ok(pem && refused(pem, n, files[i][1]), "%s: refused, \"%s\"", files[i][0], files[i][1]);
		free(pem);
	}
	t_ok(refused("", 0, "no PEM private key"), "empty");
	pem = slurp("rsa2048.pem", &n);
	if (pem == NULL)
		return;
	/* GitHub's file, cut short: no END line. */
	cut = strstr(pem, "-----END");
	t_ok(cut && refused(pem, (size_t)(cut - pem), "ends inside its key"), "no END line");
	/* A body line lost (a bad copy into a secret). */
	buf_add(&b, pem, 100);
	buf_adds(&b, strchr(pem + 100, '\n') + 1);
	t_ok(refused(b.p, b.len, "malformed private key") || refused(b.p, b.len, "not valid PEM"), "a line missing");
	buf_free(&b);
	/* A stray character in the base64. */
	buf_adds(&b, pem);
	b.p[200] = '*';
	t_ok(refused(b.p, b.len, "not valid PEM"), "a character outside base64");
	buf_free(&b);
	/* As a secret store may hold it: CRLF line ends, text around it, no
	 * final newline, a certificate first. */
	{
		size_t j;
		char *c2 = slurp("cert.pem", &n);

		buf_adds(&b, "App key for ci\r\n");
		buf_adds(&b, c2);
		for (j = 0; pem[j]; j++)
			if (pem[j] == '\n')
				buf_adds(&b, "\r\n");
			else
				buf_addc(&b, pem[j]);
		while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
			b.p[--b.len] = '\0';
		t_ok(jwt_key_read(&k, b.p, b.len, "the key", &e) == 0, "CRLF, text around, a certificate first, no final newline");
		jwt_key_wipe(&k);
		free(c2);
		buf_free(&b);
	}
	/* Escaped newlines ("\n" as two characters), as an env file may hold them. */
	for (i = 0; pem[i]; i++)
		if (pem[i] == '\n')
			buf_adds(&b, "\\n");
		else
			buf_addc(&b, pem[i]);
	t_ok(jwt_key_read(&k, b.p, b.len, "the key", &e) == -1 && e.cls == ERR_INPUT, "escaped newlines: refused");
	buf_free(&b);
	free(pem);
}

int
main(void)
{
	test_base64url();
	test_signing_input();
	test_sign();
	test_refused();
	return t_done();
}
