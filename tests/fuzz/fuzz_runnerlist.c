/* GitHub's runner pages from arbitrary JSON: runnerlist_page keeps only
 * runners with an integral id in range, each with a name and a status,
 * never more than RUNNERLIST_MAX, and only those that pass its filter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runnerlist.h"

static void
check(const struct runnerlist *l, const struct runner_filter *f)
{
	int i, j;

	if (l->n < 0 || l->n > RUNNERLIST_MAX)
		abort();
	for (i = 0; i < l->n; i++) {
		const struct runner *rn = &l->r[i];
		int has = 0;

		if (rn->id < 0 || rn->id > (long long)RUNNERLIST_ID_MAX || !rn->name || !rn->status || rn->nlabels < 0)
			abort();
		for (j = 0; j < rn->nlabels; j++)
			has |= strcmp(rn->labels[j], "42") == 0;
		if (f && (!has || strcmp(rn->status, "offline") || rn->busy))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct runnerlist all = RUNNERLIST_INIT, some = RUNNERLIST_INIT;
	struct runner_filter f = { "42", NULL, 1 };
	cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
	struct err e;

	if (runnerlist_page(&all, doc, NULL, &e) && e.cls != ERR_PERMANENT && e.cls != ERR_LOCAL)
		abort();
	if (runnerlist_page(&some, doc, &f, &e) == 0 && some.n > all.n)
		abort();
	check(&all, NULL);
	check(&some, &f);
	if (runnerlist_more(&all, "https://a/next", &e) != 1 || runnerlist_more(&all, "", &e) != 0)
		abort(); /* one page is far below the cap */
	runnerlist_free(&all);
	runnerlist_free(&some);
	cJSON_Delete(doc);
	return 0;
}
