#include <stdio.h>
#include <string.h>

#include "file.h"

int
file_read_stream(FILE *f, size_t max, const char *what, struct buf *out, struct err *e)
{
	char chunk[4096];
	size_t got;
	int bad;

	buf_reset(out);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && out->len <= max)
		buf_add(out, chunk, got);
	/* A directory opens but does not read: not an empty file. */
	bad = ferror(f);
	memset(chunk, 0, sizeof(chunk)); /* a token passed through it */
	buf_adds(out, ""); /* NUL-terminated even when empty */
	if (bad) {
		err_set(e, ERR_LOCAL, "cannot read %s", what);
		return -1;
	}
	if (out->failed) {
		err_set(e, ERR_LOCAL, "out of memory reading %s", what);
		return -1;
	}
	if (out->len > max) {
		err_set(e, ERR_INPUT, "%s is over %zu bytes", what, max);
		return -1;
	}
	return 0;
}

int
file_read(const char *path, size_t max, const char *what, struct buf *out, struct err *e)
{
	FILE *f;
	int r;

	if (path == NULL || (f = fopen(path, "rb")) == NULL) {
		err_set(e, ERR_LOCAL, "cannot read %s %.200s", what, path ? path : "");
		return -1;
	}
	r = file_read_stream(f, max, what, out, e);
	fclose(f);
	if (r && e->cls == ERR_LOCAL && strncmp(e->msg, "cannot", 6) == 0)
		err_set(e, ERR_LOCAL, "cannot read %s %.200s", what, path);
	return r;
}
