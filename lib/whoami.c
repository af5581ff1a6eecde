#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "state.h"
#include "whoami.h"
#include "xml.h"

static char cached_partition[16], cached_account[13];

int
whoami(struct aws *a, char partition[16], char account[13], struct err *e)
{
	struct xml *doc = NULL;
	char service[16], arn[256];
	int r;

	if (cached_account[0] == '\0') {
		snprintf(service, sizeof(service), "%s", a->service);
		if (aws_service(a, "sts", e))
			return -1;
		r = aws_query(a, "Action=GetCallerIdentity&Version=2011-06-15", &doc, e);
		if (aws_service(a, service, e) || r) {
			xml_free(doc);
			return -1;
		}
		snprintf(arn, sizeof(arn), "%s", xml_text(doc, "GetCallerIdentityResult/Arn"));
		snprintf(cached_account, sizeof(cached_account), "%s", xml_text(doc, "GetCallerIdentityResult/Account"));
		xml_free(doc);
		if (state_parse_identity(arn, cached_account, cached_partition)) {
			cached_account[0] = '\0';
			err_set(e, ERR_PERMANENT, "STS answered no usable identity (Arn '%.60s')", arn);
			return -1;
		}
	}
	memcpy(partition, cached_partition, sizeof(cached_partition));
	memcpy(account, cached_account, sizeof(cached_account));
	return 0;
}

int
whoami_pk(struct aws *a, struct buf *out, int kind, const char *name, struct err *e)
{
	char partition[16], account[13];

	if (!state_kind_by_arn(kind)) {
		if (state_pk(out, kind, name) == 0)
			return 0;
		err_set(e, ERR_LOCAL, "out of memory");
		return -1;
	}
	if (whoami(a, partition, account, e))
		return -1;
	if (state_arn_pk(out, kind, partition, a->region.p, account, name)) {
		err_set(e, ERR_LOCAL, "out of memory");
		return -1;
	}
	return 0;
}
