/* file_read: one reader, one exit class per failure (docs/exit-codes.md):
 * unreadable is local (5), too large is bad input (2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "t.h"

int
main(void)
{
	char dir[] = "/tmp/test_file.XXXXXX", path[96], big[96];
	struct buf b = BUF_INIT;
	struct err e;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/small", dir);
	snprintf(big, sizeof(big), "%s/big", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fputs("hello\nworld", f);
	fclose(f);
	if ((f = fopen(big, "w")) == NULL)
		return 1;
	for (int i = 0; i < 10001; i++)
		fputc('x', f);
	fclose(f);

	t_ok(file_read(path, 100, "--f", &b, &e) == 0, "a small file reads");
	t_streq(b.p, "hello\nworld", "whole, NUL-terminated");
	t_ok(file_read(big, 10001, "--f", &b, &e) == 0 && b.len == 10001, "exactly max bytes: taken");
	t_ok(file_read(big, 10000, "--big", &b, &e) == -1 && e.cls == ERR_INPUT, "one byte over max: bad input");
	t_ok(strstr(e.msg, "--big") && strstr(e.msg, "10000"), "names the file and the limit: %s", e.msg);
	t_ok(file_read("/nonexistent/x", 100, "--token-file", &b, &e) == -1 && e.cls == ERR_LOCAL,
	    "a missing file: local failure (5)");
	t_ok(strstr(e.msg, "--token-file") != NULL, "named: %s", e.msg);
	t_ok(file_read(dir, 100, "--f", &b, &e) == -1 && e.cls == ERR_LOCAL, "a directory: local failure (5)");
	snprintf(path, sizeof(path), "%s/empty", dir);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	t_ok(file_read(path, 100, "--f", &b, &e) == 0 && b.p && b.len == 0 && b.p[0] == '\0', "an empty file: \"\"");
	buf_free(&b);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		t_ok(0, "cleaned up");
	return t_done();
}
