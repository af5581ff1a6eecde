/* query: AWS Query-protocol request bodies (EC2, STS). Pure. */
#ifndef EC2RP_QUERY_H
#define EC2RP_QUERY_H

#include "buf.h"

/* Appends "&name=value" ("name=value" when b is empty), both percent-encoded
 * as RFC 3986 unreserved-only (a space is %20, never '+'). 0, or -1 when
 * name is NULL or empty, value is NULL, or memory runs out. */
int query_add(struct buf *b, const char *name, const char *value);
/* The same with the name built printf-style, e.g. ("InstanceId.%d", i);
 * -1 also when the name would pass 255 bytes. */
int query_addf(struct buf *b, const char *value, const char *namefmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
