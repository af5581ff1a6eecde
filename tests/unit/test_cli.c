/* cli: the end of every tool's option chain (--pool and --json taken alike,
 * getopt_long's refusals answered once, the tool's own letters left alone)
 * and the one printer of JSON Lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "t.h"

static void
test_option(void)
{
	static const struct option opts[] = { { "pool", required_argument, 0, 'p' }, { "json", no_argument, 0, 'j' },
		{ 0, 0, 0, 0 } };
	char *argv[] = { "tool", "--bogus", NULL };
	const char *pool = NULL;
	int json = 0;

	optarg = "ci1";
	t_inteq(cli_option('p', argv, opts, &pool, &json), 0, "--pool taken");
	t_streq(pool, "ci1", "into *pool");
	t_inteq(cli_option('j', argv, opts, &pool, &json), 0, "--json taken");
	t_inteq(json, 1, "into *json");
	pool = NULL;
	json = 0;
	t_inteq(cli_option('x', argv, opts, &pool, &json), 0, "a letter of the tool's own is left alone");
	t_ok(pool == NULL && json == 0, "and changes nothing");
	t_inteq(cli_option('j', argv, opts, &pool, NULL), 0, "--json of a tool without it: left alone");
	optind = 2;
	t_inteq(cli_option('?', argv, opts, &pool, &json), 2, "getopt_long's refusal: exit 2 (bad usage)");
}

static void
test_json_line(void)
{
	char path[] = "/tmp/test_cli.XXXXXX", *got;
	cJSON *o = cJSON_CreateObject();
	int fd = mkstemp(path), saved;

	if (!t_ok(fd >= 0 && o != NULL, "set up"))
		return;
	cJSON_AddStringToObject(o, "id", "a\tb\n\"c\"");
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	cli_json_line(o);
	cli_json_line(NULL);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	got = t_slurp(path, NULL);
	t_streq(got, "{\"id\":\"a\\tb\\n\\\"c\\\"\"}\n", "one line, values escaped; NULL prints nothing");
	free(got);
	unlink(path);
}

int
main(void)
{
	test_option();
	test_json_line();
	return t_done();
}
