/* lib/caslist: the list state-cas --each reads, line by line, and the one
 * message a bad line gets. */
#include <stdlib.h>
#include <string.h>

#include "caslist.h"
#include "state.h"
#include "t.h"

#define A "i-0123456789abcdef0"
#define B "i-0123456789abcdef1"

/* Parses s (copied) for moves to to: its status; *e gets the message. */
static int
parse(const char *s, int to, struct caslist_move **m, size_t *n, char **copy, struct err *e)
{
	*copy = strdup(s);
	err_clear(e);
	return caslist_parse(*copy, to, m, n, e);
}

static void
test_good(void)
{
	struct caslist_move *m;
	struct err e;
	size_t n = 9;
	char *c;

	if (t_ok(parse(A "\trunning\t853\n" B "\tidle\t-\n", ST_TERMINATED, &m, &n, &c, &e) == 0, "two lines") &&
	    t_inteq((long long)n, 2, "two moves")) {
		t_streq(m[0].id, A, "first id");
		t_inteq(m[0].from, ST_RUNNING, "its from-state");
		t_streq(m[0].run_id, "853", "its run id");
		t_streq(m[1].id, B, "second id");
		t_inteq(m[1].from, ST_IDLE, "its from-state");
		t_ok(m[1].run_id == NULL, "'-' is no run id");
	}
	free(m);
	free(c);
	t_ok(parse(A "\tclaimed\tr-2.x_y", ST_TERMINATED, &m, &n, &c, &e) == 0 && n == 1, "no final newline");
	free(m);
	free(c);
	t_ok(parse("", ST_TERMINATED, &m, &n, &c, &e) == 0 && n == 0 && m == NULL, "empty: no move");
	free(c);
	t_ok(parse(A "\tclaimed\t853\n", ST_RUNNING, &m, &n, &c, &e) == 0 && n == 1, "claimed -> running with a run");
	free(m);
	free(c);
	t_ok(parse(A "\tnone\t-\n", ST_IDLE, &m, &n, &c, &e) == 0 && n == 1, "none -> idle without a run");
	free(m);
	free(c);
}

/* A bad text: refused, with want in the message and no moves. */
static void
bad(const char *s, int to, const char *want, const char *name)
{
	struct caslist_move *m = (void *)1;
	struct err e;
	size_t n = 7;
	char *c;

	t_ok(parse(s, to, &m, &n, &c, &e) == -1 && e.cls == ERR_INPUT && m == NULL && n == 0, "%s: refused", name);
	t_ok(strstr(e.msg, want) != NULL, "%s: says '%s' (got '%s')", name, want, e.msg);
	free(c);
}

static void
test_bad(void)
{
	bad(A "\trunning\t853\n" B "\trunning\n", ST_TERMINATED, "line 2: expected ID<TAB>FROM<TAB>RUN", "two fields");
	bad(A "\trunning\t853\tx\n", ST_TERMINATED, "line 1: expected", "four fields");
	bad(A " running 853\n", ST_TERMINATED, "line 1: expected", "spaces, not tabs");
	bad(A "\trunning\t853\n\n", ST_TERMINATED, "line 2: expected", "an empty line");
	bad("i-nope\trunning\t853\n", ST_TERMINATED, "line 1: invalid instance id 'i-nope'", "a bad id");
	bad(A "\tgone\t853\n", ST_TERMINATED, "line 1: no such transition: gone -> terminated", "an unknown state");
	bad(A "\tterminated\t-\n", ST_TERMINATED, "no such transition: terminated -> terminated", "not a transition");
	bad(A "\tidle\tno spaces\n", ST_TERMINATED, "line 1: invalid run id", "a bad run id");
	bad(A "\tidle\t\n", ST_TERMINATED, "line 1: invalid run id", "an empty run id");
	bad(A "\tclaimed\t-\n", ST_RUNNING, "a run id is required for claimed -> running", "a move that needs a run");
	bad(A "\tnone\t7\n", ST_IDLE, "none -> idle is a warm instance", "a warm creation with a run");
}

static void
test_limit(void)
{
	size_t len = strlen(A "\tidle\t-\n"), i;
	char *s = malloc(len * (CASLIST_MAX + 1) + 1);
	struct caslist_move *m;
	struct err e;
	size_t n;

	if (!t_ok(s != NULL, "memory"))
		return;
	for (i = 0; i < CASLIST_MAX; i++)
		memcpy(s + i * len, A "\tidle\t-\n", len);
	s[len * CASLIST_MAX] = '\0';
	t_ok(caslist_parse(s, ST_TERMINATED, &m, &n, &e) == 0 && n == CASLIST_MAX, "%d lines taken", CASLIST_MAX);
	free(m);
	for (i = 0; i < CASLIST_MAX + 1; i++)
		memcpy(s + i * len, A "\tidle\t-\n", len);
	s[len * (CASLIST_MAX + 1)] = '\0';
	t_ok(caslist_parse(s, ST_TERMINATED, &m, &n, &e) == -1 && m == NULL && strstr(e.msg, "at most"), "one more refused");
	free(s);
}

int
main(void)
{
	test_good();
	test_bad();
	test_limit();
	return t_done();
}
