/* xml: a small, strict, bounded XML reader for AWS Query-protocol responses
 * (EC2, STS). Builds a tree of elements with namespace prefixes stripped and
 * entities decoded; attributes are checked and dropped. Pure. */
#ifndef EC2RP_XML_H
#define EC2RP_XML_H

#include <stddef.h>

#include "err.h"

struct xml {
	char *name;         /* local name */
	char *text;         /* decoded character data directly inside, "" if none */
	struct xml *child;  /* first child element */
	struct xml *next;   /* next sibling */
};

/* Limits: nesting, input size (as large as the HTTP layer takes), and
 * elements (a full DescribeInstances page of 1000 has ~150 000). */
#define XML_MAX_DEPTH 64
#define XML_MAX_SIZE (16u * 1024 * 1024)
#define XML_MAX_NODES 500000L

/* Parses n bytes of s. 0 with *out set, or -1 with e set (ERR_PERMANENT:
 * the service sent something that is not well-formed XML, or past a limit).
 * Strict: one root; no DOCTYPE; no control bytes but tab, LF, CR; character
 * references only to XML characters. */
int xml_parse(const char *s, size_t n, struct xml **out, struct err *e);
void xml_free(struct xml *x);
/* The first child named name, or NULL. */
struct xml *xml_child(const struct xml *x, const char *name);
/* The next sibling of x named like x, or NULL. */
struct xml *xml_next(const struct xml *x);
/* Follows a path of child names "a/b/c" from x; NULL if any is missing. */
struct xml *xml_find(const struct xml *x, const char *path);
/* The text of the element at path below x, or "" (never NULL). */
const char *xml_text(const struct xml *x, const char *path);
/* Finds an AWS error in either shape (Response/Errors/Error as EC2 sends it,
 * ErrorResponse/Error as STS sends it): 1 with code/msg filled (truncated,
 * control characters made spaces), else 0 (code/msg untouched). */
int xml_aws_error(const struct xml *doc, char *code, size_t codesz, char *msg, size_t msgsz);

#endif
