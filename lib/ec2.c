#include <stdio.h>
#include <string.h>

#include "ec2.h"
#include "query.h"

int
ec2_valid_ids(const char *list, const char *prefix)
{
	size_t pl = strlen(prefix);

	while (*list) {
		size_t n = strcspn(list, ","), h;

		if (n <= pl || strncmp(list, prefix, pl) != 0)
			return 0;
		h = n - pl;
		if ((h != 8 && h != 17) || strspn(list + pl, "0123456789abcdef") < h)
			return 0;
		list += n;
		if (*list == ',' && *++list == '\0')
			return 0;
	}
	return 1;
}

static int
terminate_some(struct aws *a, char *const *ids, int n, int print, struct err *e)
{
	struct buf b = BUF_INIT;
	struct xml *doc = NULL, *it;
	int i, r;

	query_add(&b, "Action", "TerminateInstances");
	query_add(&b, "Version", EC2_VERSION);
	for (i = 0; i < n; i++)
		query_addf(&b, ids[i], "InstanceId.%d", i + 1);
	r = aws_query(a, b.p, &doc, e);
	buf_free(&b);
	if (r)
		return -1;
	for (it = xml_find(doc, "instancesSet/item"); it && print; it = xml_next(it))
		printf("%s\t%s\t%s\n", xml_text(it, "instanceId"), xml_text(it, "previousState/name"),
		    xml_text(it, "currentState/name"));
	xml_free(doc);
	return 0;
}

/* After a refused batch: one call per id, so one bad id spoils only itself. */
static int
one_by_one(struct aws *a, char *const *ids, int n, int print, struct err *e)
{
	struct err one;
	int i, r = 0;

	for (i = 0; i < n; i++) {
		if (n > 1 && terminate_some(a, &ids[i], 1, print, &one) == 0)
			continue;
		if (n == 1)
			one = *e; /* the batch was this id alone: its answer stands */
		if (strcmp(one.code, "InvalidInstanceID.NotFound") == 0) {
			if (print)
				printf("%s\tgone\tgone\n", ids[i]);
			continue;
		}
		if (print)
			printf("%s\terror\t%s\n", ids[i], one.code[0] ? one.code : "-");
		*e = one;
		r = -1;
	}
	return r;
}

int
ec2_terminate(struct aws *a, char *const *ids, int n, int print, struct err *e)
{
	int at, k, r = 0;

	for (at = 0; at < n; at += k) {
		k = n - at < EC2_TERMINATE_BATCH ? n - at : EC2_TERMINATE_BATCH;
		if (terminate_some(a, ids + at, k, print, e) == 0)
			continue;
		/* Retries exhausted: one by one would only make it worse. */
		if (e->cls != ERR_PERMANENT)
			return -1;
		if (one_by_one(a, ids + at, k, print, e))
			r = -1;
	}
	return r;
}
