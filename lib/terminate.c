#include <stdio.h>
#include <string.h>

#include "ec2api.h"
#include "names.h"
#include "query.h"
#include "terminate.h"
#include "text.h"

void
terminate_set(struct terminate_state *t, const char *prev, const char *cur)
{
	snprintf(t->prev, sizeof(t->prev), "%s", prev);
	snprintf(t->cur, sizeof(t->cur), "%s", cur);
	/* The tools print these as fields of a line. */
	text_clean_inplace(t->prev);
	text_clean_inplace(t->cur);
}

int
terminate_query(struct buf *b, char *const *ids, int n, struct err *e)
{
	int i;

	if (n < 1 || n > TERMINATE_BATCH) {
		err_set(e, ERR_INPUT, "%d instance ids for one TerminateInstances call (1 to %d)", n, TERMINATE_BATCH);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!names_instance_id(ids[i])) {
			err_set(e, ERR_INPUT, "invalid instance id '%.40s'", ids[i]);
			return -1;
		}
	query_add(b, "Action", "TerminateInstances");
	query_add(b, "Version", EC2_VERSION);
	for (i = 0; i < n; i++)
		query_addf(b, ids[i], "InstanceId.%d", i + 1);
	return b->failed ? err_nomem(e) : 0;
}

void
terminate_parse(const struct xml *doc, char *const *ids, int n, struct terminate_state *out)
{
	const struct xml *it;
	int i;

	for (it = xml_find(doc, "instancesSet/item"); it; it = xml_next(it))
		for (i = 0; i < n; i++)
			if (strcmp(xml_text(it, "instanceId"), ids[i]) == 0)
				terminate_set(&out[i], xml_text(it, "previousState/name"), xml_text(it, "currentState/name"));
}

int
terminate_refused(struct terminate_state *t, const struct err *failed, int fresh)
{
	if (strcmp(failed->code, "InvalidInstanceID.NotFound") == 0) {
		terminate_set(t, fresh ? "error" : "gone", fresh ? failed->code : "gone");
		return fresh;
	}
	terminate_set(t, "error", failed->code[0] ? failed->code : "-");
	return -1;
}

long
terminate_fresh_wait_ms(int round, long left_ms)
{
	long w = TERMINATE_FRESH_FIRST_MS;

	if (left_ms <= 0)
		return -1;
	while (round-- > 0 && w < left_ms)
		w *= 2;
	return w < left_ms ? w : left_ms;
}
