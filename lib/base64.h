/* base64: the standard alphabet with padding, and the URL-safe alphabet
 * without padding (RFC 4648 sections 4 and 5). Pure. */
#ifndef EC2RP_BASE64_H
#define EC2RP_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Each appends the encoding of data[0..n) to out: 0, or -1 out of memory. */
int base64_encode(struct buf *out, const void *data, size_t n);
/* "-" and "_" for "+" and "/", no "=": as JWS uses it (RFC 7515 2). */
int base64_url_encode(struct buf *out, const void *data, size_t n);

#endif
