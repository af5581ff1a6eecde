#include "base64.h"

/* Appends the encoding with alphabet a, padded with '=' when pad is set. */
static int
encode(struct buf *out, const void *data, size_t n, const char *a, int pad)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = { a[p[i] >> 2], a[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
			a[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], a[p[i + 2] & 63] };

		if (buf_add(out, q, 4))
			return -1;
	}
	if (n - i == 1) {
		char q[4] = { a[p[i] >> 2], a[(p[i] & 3) << 4], '=', '=' };

		return buf_add(out, q, pad ? 4 : 2);
	}
	if (n - i == 2) {
		char q[4] = { a[p[i] >> 2], a[((p[i] & 3) << 4) | (p[i + 1] >> 4)], a[(p[i + 1] & 15) << 2], '=' };

		return buf_add(out, q, pad ? 4 : 3);
	}
	return 0;
}

int
base64_encode(struct buf *out, const void *data, size_t n)
{
	return encode(out, data, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 1);
}

int
base64_url_encode(struct buf *out, const void *data, size_t n)
{
	return encode(out, data, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 0);
}
