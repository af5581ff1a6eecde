#include <stdio.h>
#include <string.h>

#include "iamrole.h"
#include "query.h"

int
iamrole_valid_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= 64 &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-") == n;
}

int
iamrole_query(struct buf *b, const char *name, struct err *e)
{
	int rc = 0;

	if (!iamrole_valid_name(name)) {
		err_set(e, ERR_INPUT, "invalid role name '%.70s': 1-64 of A-Z a-z 0-9 + = , . @ _ -", name);
		return -1;
	}
	rc |= query_add(b, "Action", "GetRole");
	rc |= query_add(b, "Version", IAM_VERSION);
	rc |= query_add(b, "RoleName", name);
	return rc || b->failed ? err_nomem(e) : 0;
}

const char *
iamrole_arn(const struct xml *doc)
{
	return xml_text(doc, "GetRoleResult/Role/Arn");
}

int
iamrole_get(struct aws *a, const char *name, char *arn, size_t sz, struct err *e)
{
	struct buf b = BUF_INIT;
	struct xml *doc = NULL;
	int r;

	r = iamrole_query(&b, name, e);
	if (r == 0)
		r = aws_query(a, b.p, &doc, e);
	buf_free(&b);
	if (r)
		return strcmp(e->code, "NoSuchEntity") == 0 ? 0 : -1;
	snprintf(arn, sz, "%s", iamrole_arn(doc));
	xml_free(doc);
	return 1;
}
