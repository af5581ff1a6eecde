/* DescribeInstances answers: whatever XML comes, instances_add_page keeps
 * NUL-terminated rows, honours the launch-time bound, and the next page's
 * body built from the answer's token stays one encoded form body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instances.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct instances_filter f = { "ci1", "42-1", "pending,running", NULL, 0, 0 };
	struct instances_list l = INSTANCES_LIST_INIT;
	struct buf b = BUF_INIT;
	struct xml *doc = NULL;
	struct err e;
	int i, pass;

	if (xml_parse((const char *)data, size, &doc, &e))
		return 0;
	/* Twice: without a bound, then with one (both pages in one list). */
	for (pass = 0; pass < 2; pass++) {
		int from = l.n;

		f.before = pass ? 1714557600 : 0;
		if (instances_add_page(&l, doc, &f, &e))
			abort(); /* one page, memory to spare: never fails */
		for (i = from; i < l.n; i++) {
			const struct instances_row *r = &l.row[i];

			if (strlen(r->id) >= sizeof(r->id) || strlen(r->state) >= sizeof(r->state) ||
			    strlen(r->type) >= sizeof(r->type) || strlen(r->run_id) >= sizeof(r->run_id) ||
			    strlen(r->pool) >= sizeof(r->pool))
				abort();
			if (pass && (r->launched >= f.before || r->launched == 0))
				abort();
		}
	}
	if (l.pages != 2 || l.next.p == NULL)
		abort();
	if (instances_query(&b, &f, l.next.p, &e) || strspn(b.p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%=&") != b.len)
		abort();
	buf_free(&b);
	instances_free(&l);
	xml_free(doc);
	return 0;
}
