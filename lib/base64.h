/* base64: standard alphabet with padding (RFC 4648). Pure. */
#ifndef EC2RP_BASE64_H
#define EC2RP_BASE64_H

#include <stddef.h>

#include "buf.h"

int base64_encode(struct buf *out, const void *data, size_t n);

#endif
