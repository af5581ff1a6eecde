/* query: AWS Query-protocol request bodies (EC2, STS). Pure. */
#ifndef EC2RP_QUERY_H
#define EC2RP_QUERY_H

#include "buf.h"

/* Appends "&name=value" ("name=value" first), both percent-encoded. */
int query_add(struct buf *b, const char *name, const char *value);
/* The same with the name built printf-style, e.g. ("InstanceId.%d", i). */
int query_addf(struct buf *b, const char *value, const char *namefmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
