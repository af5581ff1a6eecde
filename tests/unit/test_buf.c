#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "t.h"
#include "uri.h"

static void
test_buf(void)
{
	struct buf b = BUF_INIT;
	char *s;
	int i;

	t_ok(buf_adds(&b, "abc") == 0, "buf_adds");
	t_streq(b.p, "abc", "buf holds the string");
	t_ok(buf_addf(&b, "-%d-%s", 42, "x") == 0, "buf_addf");
	t_streq(b.p, "abc-42-x", "buf_addf appends");
	t_inteq((long long)b.len, 8, "length tracked");
	for (i = 0; i < 10000; i++)
		buf_addc(&b, 'z');
	t_inteq((long long)b.len, 10008, "grows past many reallocations");
	t_ok(b.p[b.len] == '\0', "stays NUL-terminated");
	buf_reset(&b);
	t_streq(b.p, "", "reset empties");
	t_ok(buf_add(&b, "a\0b", 3) == 0 && b.len == 3 && memcmp(b.p, "a\0b", 3) == 0, "binary data kept");
	s = buf_take(&b);
	t_ok(s != NULL && b.p == NULL && b.len == 0, "take hands over ownership");
	free(s);
	s = buf_take(&b);
	t_streq(s, "", "take of an empty buffer gives an empty string");
	free(s);
	buf_free(&b);
	buf_free(NULL);
}

/* One failed add spoils the buffer for good: a text built from many adds
 * is checked once, at the end, and never goes out with a hole in it. */
static void
test_sticky(void)
{
	struct buf b = BUF_INIT;

	t_ok(buf_adds(&b, "abc") == 0, "an add");
	t_ok(buf_add(&b, "x", (size_t)-1) == -1, "an add too large to allocate fails");
	t_ok(b.failed, "and marks the buffer failed");
	t_ok(buf_adds(&b, "def") == -1 && buf_addc(&b, 'g') == -1 && buf_addf(&b, "%d", 1) == -1,
	    "every later add fails too");
	t_streq(b.p, "abc", "and adds nothing: no text with a hole in it");
	buf_reset(&b);
	t_ok(b.failed && buf_adds(&b, "x") == -1, "a reset keeps the error");
	t_ok(buf_take(&b) == NULL && b.p == NULL && !b.failed, "take of a failed buffer: NULL, and freed");
	t_ok(buf_adds(&b, "ok") == 0 && strcmp(b.p, "ok") == 0, "after buf_free (or take) the buffer is new");
	buf_fail(&b);
	t_ok(buf_adds(&b, "x") == -1, "buf_fail marks it as a failed add does");
	buf_free(&b);
	t_ok(!b.failed && b.p == NULL, "buf_free clears the error");
}

static void
check_enc(const char *in, int keep_slash, const char *want)
{
	struct buf b = BUF_INIT;

	uri_encode(&b, in, strlen(in), keep_slash);
	t_streq(b.p ? b.p : "", want, "uri_encode(%s, %d)", in, keep_slash);
	buf_free(&b);
}

static void
check_dec(const char *in, int plus, const char *want)
{
	struct buf b = BUF_INIT;
	int r = uri_decode(&b, in, strlen(in), plus);

	if (want == NULL)
		t_ok(r == -1, "uri_decode(%s) rejects", in);
	else
		t_streq(r == 0 ? (b.p ? b.p : "") : "(error)", want, "uri_decode(%s, %d)", in, plus);
	buf_free(&b);
}

static void
test_uri(void)
{
	check_enc("AZaz09-._~", 0, "AZaz09-._~");
	check_enc("a b/c", 0, "a%20b%2Fc");
	check_enc("a b/c", 1, "a%20b/c");
	check_enc("=&+*", 0, "%3D%26%2B%2A");
	check_enc("\xe1\x88\xb4", 0, "%E1%88%B4");
	check_enc("", 0, "");
	check_dec("a%20b", 0, "a b");
	check_dec("a+b", 0, "a+b");
	check_dec("a+b", 1, "a b");
	check_dec("%e1%88%B4", 0, "\xe1\x88\xb4");
	check_dec("%", 0, NULL);
	check_dec("%2", 0, NULL);
	check_dec("ab%2", 0, NULL);
	check_dec("%zz", 0, NULL);
	check_dec("%41", 0, "A");
}

static void
test_err(void)
{
	struct err e;

	err_clear(&e);
	err_set(&e, ERR_INPUT, "bad %s:\nline two", "thing");
	t_inteq(e.cls, 2, "err class is the exit code");
	t_streq(e.msg, "bad thing: line two", "err message is one line");
	err_code(&e, "ConditionalCheckFailedException");
	t_streq(e.code, "ConditionalCheckFailedException", "err code kept");
	err_set(&e, ERR_LOCAL, "x");
	t_streq(e.code, "", "err_set clears the code");
}

int
main(void)
{
	test_buf();
	test_sticky();
	test_uri();
	test_err();
	return t_done();
}
