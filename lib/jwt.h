/* jwt: the JSON Web Token a GitHub App signs to ask for an installation
 * token: RS256 (RFC 7515, RFC 7518 3.3) over {"alg":"RS256","typ":"JWT"}
 * and the claims iat, exp and iss, with the App's RSA private key read
 * from PEM. Pure: the time is an argument. */
#ifndef EC2RP_JWT_H
#define EC2RP_JWT_H

#include <stddef.h>

#include <bearssl.h>

#include "buf.h"
#include "err.h"

#define JWT_ISS_MAX 64        /* longest issuer (an App's client id or id) */
#define JWT_IAT_BACK 60       /* iat = now - 60: GitHub's advice against clock drift */
#define JWT_LIFETIME 540      /* exp = now + 540: GitHub allows at most 600 */
#define JWT_MIN_BITS 2048     /* RFC 7518 3.3: RS256 keys of 2048 bits or more */
#define JWT_MAX_BITS 4096     /* BearSSL's RSA limit */

/* The private key. It points into itself: the caller owns it where it
 * lies and never copies it; jwt_key_wipe() when done. */
struct jwt_key {
	br_skey_decoder_context dc;
};

/* Reads the first private key in the PEM text pem[0..n): "RSA PRIVATE KEY"
 * (PKCS#1, as GitHub hands it out) or "PRIVATE KEY" (PKCS#8). what names
 * the source in messages ("--private-key-file"); no byte of the key ever
 * appears in one. 0, or -1 with e (ERR_INPUT) when there is no such key,
 * it is encrypted or malformed, not RSA, or not 2048 to 4096 bits. */
int jwt_key_read(struct jwt_key *k, const char *pem, size_t n, const char *what, struct err *e);
/* Zeroes the key; NULL does nothing. */
void jwt_key_wipe(struct jwt_key *k);

/* 1 if iss can name an App: its client id ("Iv23li...") or its numeric id,
 * 1-JWT_ISS_MAX of A-Z a-z 0-9 . _ -; else 0. */
int jwt_issuer_ok(const char *iss);

/* Appends the signing input, base64url(header) "." base64url(claims), to
 * out. A numeric iss is a JSON number, any other a string. 0, or -1 with e:
 * ERR_INPUT for an issuer jwt_issuer_ok refuses, else out of memory. */
int jwt_signing_input(struct buf *out, const char *iss, long long now, struct err *e);

/* Appends the whole token, signing input "." base64url(signature)
 * (RSASSA-PKCS1-v1_5 with SHA-256), to out. 0, or -1 with e. */
int jwt_sign(struct buf *out, const char *iss, long long now, const struct jwt_key *k, struct err *e);

#endif
