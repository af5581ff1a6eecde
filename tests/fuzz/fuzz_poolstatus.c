/* The table is writable by anyone with access: whatever items a Scan
 * returns, pool-status's view must hold together and every rendering must
 * keep each record on its own line, with no field breaking out of its
 * column (tab) or its Markdown cell (|). Input: a JSON array of items. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "poolstatus.h"

#define NOW 1700000000LL

/* Each line of out: at most fields tab-separated fields (0: no tabs), none
 * with a control character. */
static void
lines_ok(const char *out, int markdown)
{
	const char *p;

	for (p = out; *p; p++) {
		if ((unsigned char)*p < ' ' && *p != '\n' && (markdown || *p != '\t'))
			abort();
		if (*p == 0x7f)
			abort();
	}
	if (*out && out[strlen(out) - 1] != '\n')
		abort();
}

/* In the Markdown, a row has as many cells as its table's header. */
static void
cells_ok(const char *out)
{
	const char *p = out;
	int want = -1;

	while (*p) {
		size_t n = strcspn(p, "\n");
		int k = 0;
		size_t i;

		for (i = 0; i < n; i++)
			k += p[i] == '|';
		if (n == 0 || p[0] != '|')
			want = -1;
		else if (want < 0)
			want = k;
		else if (k != want)
			abort();
		p += n + (p[n] == '\n');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const classes[] = { "large", "small" };
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf b = BUF_INIT;
	char *s = malloc(size + 1);
	cJSON *items;
	size_t i, total = 0;
	int f;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	items = cJSON_Parse(s);
	free(s);
	if (poolstatus_build(&ps, items, classes, 2, NOW)) {
		cJSON_Delete(items);
		return 0;
	}
	for (i = 0; i < ps.ncls; i++) {
		const struct poolstatus_class *c = &ps.cls[i];

		total += (size_t)(c->count[ST_CREATED] + c->count[ST_RUNNING] + c->count[ST_IDLE] + c->count[ST_CLAIMED] +
		    c->expired);
		if (c->oldest_idle >= (long)ps.nin || (c->oldest_idle >= 0 && ps.in[c->oldest_idle].state != ST_IDLE))
			abort();
	}
	if (total != ps.nin)
		abort(); /* every record counted once */
	for (f = POOLSTATUS_TSV; f <= POOLSTATUS_MARKDOWN; f++) {
		buf_reset(&b);
		if (poolstatus_render(&ps, "ci", f, &b))
			continue;
		lines_ok(b.p ? b.p : "", f == POOLSTATUS_MARKDOWN);
		if (f == POOLSTATUS_MARKDOWN)
			cells_ok(b.p);
	}
	poolstatus_free(&ps);
	buf_free(&b);
	cJSON_Delete(items);
	return 0;
}
