/* uri: percent-encoding as SigV4 and the AWS Query protocol need it (RFC 3986). Pure. */
#ifndef EC2RP_URI_H
#define EC2RP_URI_H

#include <stddef.h>

#include "buf.h"

/* Appends n bytes of s, percent-encoded: unreserved characters
 * (A-Z a-z 0-9 - . _ ~) stay, and '/' stays when keep_slash is set; every
 * other byte becomes %XX with upper-case hex. Returns 0, or -1 out of memory. */
int uri_encode(struct buf *out, const char *s, size_t n, int keep_slash);

/* Appends the decoding of n bytes of s: %XX becomes its byte, and '+' becomes
 * a space when plus_is_space is set. Returns 0, or -1 on a malformed escape or
 * out of memory (out may then hold part of the result). */
int uri_decode(struct buf *out, const char *s, size_t n, int plus_is_space);

#endif
