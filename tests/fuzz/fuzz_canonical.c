/* SigV4 canonicalisation on arbitrary paths, queries and headers: no crash,
 * and signing the same input twice gives the same signature. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

/* Splits the input at NUL bytes into up to 5 strings. */
static size_t
split(char *s, size_t n, char **parts, size_t max)
{
	size_t k = 0, i;

	parts[k++] = s;
	for (i = 0; i < n && k < max; i++)
		if (s[i] == '\0')
			parts[k++] = s + i + 1;
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *p[5] = { "", "", "", "", "" };
	struct sigv4_header h[3];
	struct sigv4_input in;
	struct sigv4_output a, b;
	struct err e;
	int ra, rb;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	split(s, size, p, 5);
	h[0].name = "Host";
	h[0].value = "example.amazonaws.com";
	h[1].name = p[2];
	h[1].value = p[3];
	h[2].name = "X-Dup";
	h[2].value = p[4];
	memset(&in, 0, sizeof(in));
	in.method = "GET";
	in.path = p[0];
	in.query = p[1];
	in.headers = h;
	in.nheaders = 3;
	in.region = "us-east-1";
	in.service = "service";
	in.access_key = "AKID";
	in.secret_key = "secret";
	in.now = 1440938160;
	in.normalize_path = size & 1;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ra = sigv4_sign(&in, &a, &e);
	rb = sigv4_sign(&in, &b, &e);
	if (ra != rb || (ra == 0 && strcmp(a.signature, b.signature) != 0))
		abort();
	sigv4_output_free(&a);
	sigv4_output_free(&b);
	free(s);
	return 0;
}
