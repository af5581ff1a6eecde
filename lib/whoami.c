#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "state.h"
#include "whoami.h"
#include "xml.h"

int
whoami(struct aws *a, struct whoami *w, struct err *e)
{
	struct xml *doc = NULL;
	char service[16], arn[256];
	int r;

	if (w->account[0] != '\0')
		return 0;
	/* The mode's shared credentials say who they are: asked once per run. */
	if (aws_creds(a, e))
		return -1;
	if (a->creds.account[0] != '\0') {
		snprintf(w->account, sizeof(w->account), "%s", a->creds.account);
		snprintf(w->partition, sizeof(w->partition), "%s", a->creds.partition);
		return 0;
	}
	snprintf(service, sizeof(service), "%s", a->service);
	if (aws_service(a, "sts", e))
		return -1;
	r = aws_query(a, "Action=GetCallerIdentity&Version=2011-06-15", &doc, e);
	if (aws_service(a, service, e) || r) {
		xml_free(doc);
		return -1;
	}
	snprintf(arn, sizeof(arn), "%s", xml_text(doc, "GetCallerIdentityResult/Arn"));
	snprintf(w->account, sizeof(w->account), "%s", xml_text(doc, "GetCallerIdentityResult/Account"));
	xml_free(doc);
	if (state_parse_identity(arn, w->account, w->partition)) {
		w->account[0] = '\0';
		err_set(e, ERR_PERMANENT, "STS answered no usable identity (Arn '%.60s')", arn);
		return -1;
	}
	return 0;
}

int
whoami_pk(struct aws *a, struct whoami *w, struct buf *out, int kind, const char *name, struct err *e)
{
	if (!state_kind_by_arn(kind)) {
		if (state_pk(out, kind, name) == 0)
			return 0;
		return err_nomem(e);
	}
	if (whoami(a, w, e))
		return -1;
	if (state_arn_pk(out, kind, w->partition, a->region.p, w->account, name))
		return err_nomem(e);
	return 0;
}
