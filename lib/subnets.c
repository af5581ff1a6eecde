#include <stdio.h>
#include <string.h>

#include "ec2api.h"
#include "names.h"
#include "query.h"
#include "subnets.h"
#include "text.h"

int
subnets_query(struct buf *b, char *const *ids, int n, struct err *e)
{
	int i, rc = 0;

	if (n < 1 || n > SUBNETS_MAX) {
		err_set(e, ERR_INPUT, "%d subnet ids for one DescribeSubnets call (1 to %d)", n, SUBNETS_MAX);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!names_ec2_id(ids[i], "subnet-")) {
			err_set(e, ERR_INPUT, "invalid subnet id '%.40s'", ids[i]);
			return -1;
		}
	rc |= query_add(b, "Action", "DescribeSubnets");
	rc |= query_add(b, "Version", EC2_VERSION);
	for (i = 0; i < n; i++)
		rc |= query_addf(b, ids[i], "SubnetId.%d", i + 1);
	return rc || b->failed ? err_nomem(e) : 0;
}

/* Copies src if it fits and is one printable field (the reasons name
 * these values in one line), else "". */
static void
keep(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len >= n || text_has_control(src))
		len = 0;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int
subnets_parse(const struct xml *doc, struct subnets_row *out, int max)
{
	const struct xml *it;
	int n = 0;

	for (it = xml_find(doc, "subnetSet/item"); it && n < max; it = xml_next(it), n++) {
		keep(out[n].id, sizeof(out[n].id), xml_text(it, "subnetId"));
		keep(out[n].vpc, sizeof(out[n].vpc), xml_text(it, "vpcId"));
		keep(out[n].zone, sizeof(out[n].zone), xml_text(it, "availabilityZone"));
	}
	return n;
}

static const struct subnets_row *
find(const char *id, const struct subnets_row *rows, int nrows)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (strcmp(rows[i].id, id) == 0)
			return &rows[i];
	return NULL;
}

int
subnets_check(char *const *ids, int n, const struct subnets_row *rows, int nrows, char *msg, size_t sz)
{
	const struct subnets_row *a, *b;
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(ids[i], ids[j]) == 0) {
				snprintf(msg, sz, "%.40s is given twice", ids[i]);
				return -1;
			}
	if (rows == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if ((a = find(ids[i], rows, nrows)) == NULL || !a->vpc[0] || !a->zone[0]) {
			snprintf(msg, sz, "EC2 does not show subnet %.40s with its VPC and zone", ids[i]);
			return -1;
		}
	for (i = 1; i < n; i++) {
		a = find(ids[0], rows, nrows);
		b = find(ids[i], rows, nrows);
		if (strcmp(a->vpc, b->vpc) != 0) {
			snprintf(msg, sz, "%s (%s) and %s (%s) are in different VPCs: a pool's subnets share one",
			    a->id, a->vpc, b->id, b->vpc);
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++) {
			a = find(ids[j], rows, nrows);
			b = find(ids[i], rows, nrows);
			if (strcmp(a->zone, b->zone) == 0) {
				snprintf(msg, sz, "%s and %s are both in %s: an EC2 Fleet cannot span two subnets "
				    "of one Availability Zone", a->id, b->id, a->zone);
				return -1;
			}
		}
	return 0;
}
