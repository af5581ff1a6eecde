/* The App's private key from arbitrary bytes: jwt_key_read accepts an RSA
 * key of 2048-4096 bits or refuses with one printable ERR_INPUT line; an
 * accepted key signs a token of three base64url parts, whose signature is
 * as long as the modulus. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwt.h"

static void
one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s > '~')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
	struct jwt_key k;
	struct buf b = BUF_INIT;
	struct err e;
	const char *dot;

	if (jwt_key_read(&k, (const char *)data, size, "the key", &e)) {
		if (e.cls != ERR_INPUT)
			abort();
		one_line(e.msg);
		return 0;
	}
	if (jwt_sign(&b, "12345", 1700000000, &k, &e) == 0) {
		const br_rsa_private_key *sk = br_skey_decoder_get_rsa(&k.dc);

		if (strspn(b.p, url) != b.len || (dot = strrchr(b.p, '.')) == NULL || strchr(b.p, '.') == dot)
			abort();
		/* base64url of n bytes without padding: ceil(4n/3) characters. */
		if (strlen(dot + 1) != ((sk->n_bitlen + 7) / 8 * 4 + 2) / 3)
			abort();
	} else {
		if (e.cls != ERR_INPUT)
			abort();
		one_line(e.msg);
	}
	buf_free(&b);
	jwt_key_wipe(&k);
	return 0;
}
