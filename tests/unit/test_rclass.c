/* rclass: the built-in resource classes (the original action's), a config
 * that replaces them, and every way a config is refused. */
#include <stdio.h>
#include <string.h>

#include "rclass.h"
#include "t.h"

static void
test_builtin(void)
{
	static const struct rclass want[] = { { "large", 2, 4096, 0 }, { "xlarge", 4, 8192, 0 },
		{ "2xlarge", 8, 16384, 0 }, { "4xlarge", 16, 32768, 0 }, { "8xlarge", 32, 65536, 0 },
		{ "12xlarge", 48, 98304, 0 }, { "16xlarge", 64, 131072, 0 } };
	struct rclass_set s;
	struct err e;
	size_t i;

	t_inteq(rclass_load(&s, NULL, &e), 0, "no config: built-ins");
	t_inteq((long long)s.n, 7, "seven built-in classes");
	for (i = 0; i < 7; i++) {
		const struct rclass *c = rclass_find(&s, want[i].name);

		t_ok(c && c->cpu == want[i].cpu && c->mem == want[i].mem, "%s is %d vCPU, %d MiB", want[i].name,
		    want[i].cpu, want[i].mem);
	}
	t_streq(s.c[0].name, "large", "listed in order, large first");
	t_ok(rclass_find(&s, "small") == NULL && rclass_find(&s, "medium") == NULL, "no small or medium");
	t_inteq(rclass_load(&s, "", &e), 0, "empty config: built-ins");
	t_inteq((long long)s.n, 7, "still seven");
	t_inteq(rclass_load(&s, "{}", &e), -1, "an empty object is refused: it would leave no class");
	t_ok(strstr(e.msg, "names no class") != NULL, "saying so (%s)", e.msg);
	t_ok(rclass_find(&s, "huge") == NULL && rclass_find(&s, "") == NULL && rclass_find(&s, "Large") == NULL,
	    "unknown, empty and differently cased names not found");
}

static void
test_config(void)
{
	struct rclass_set s;
	struct err e;
	const struct rclass *c;

	t_inteq(rclass_load(&s, "{\"large\":{\"cpu\":1,\"mem\":2048},\"gpu-1\":{\"cpu\":8,\"mem\":61440}}", &e), 0,
	    "a config of two classes");
	c = rclass_find(&s, "large");
	t_ok(c && c->cpu == 1 && c->mem == 2048, "large as the config says");
	t_inteq((long long)s.n, 2, "only the config's classes");
	t_streq(s.c[1].name, "gpu-1", "in the config's order");
	t_ok(rclass_find(&s, "xlarge") == NULL, "the built-ins replaced, as in the original action");
	t_inteq(rclass_load(&s, "{\"x\":{\"cpu\":1,\"mem\":512}}", &e), 0, "smallest values");
	t_inteq(rclass_load(&s, "{\"x\":{\"cpu\":448,\"mem\":25165824}}", &e), 0, "largest values");
	t_inteq(rclass_load(&s, "{\"x\":{\"cpu\":2.0,\"mem\":4096,\"note\":\"ok\"}}", &e), 0,
	    "2.0 is whole; other keys ignored");
	/* cJSON keeps both members of a repeated key; which one a reader takes
	 * differs, so a config that says two things is refused. */
	t_inteq(rclass_load(&s, "{\"x\":{\"cpu\":1,\"mem\":512},\"y\":{\"cpu\":2,\"mem\":512},\"x\":{\"cpu\":3,\"mem\":1024}}", &e), -1,
	    "a repeated class is refused");
	t_streq(e.msg, "resource class config: class x is given twice", "naming it");
	t_inteq(rclass_load(&s, "{\"x\":{\"cpu\":1,\"mem\":512,\"cpu\":3}}", &e), -1, "a repeated member is refused");
	t_streq(e.msg, "resource class config: x gives cpu twice", "naming the class and the member");
	t_inteq(rclass_load(&s, "{\"x\":{\"cpu\":1,\"mem\":512,\"arch\":\"arm64\",\"arch\":\"arm64\"}}", &e), -1,
	    "even when both say the same");
	/* The original action's form: mmem for mem, numbers in quotes. */
	t_inteq(rclass_load(&s, "{\"orig\":{\"cpu\":\"4\",\"mmem\":\"1024\"}}", &e), 0, "quoted numbers and mmem taken");
	t_ok((c = rclass_find(&s, "orig")) && c->cpu == 4 && c->mem == 1024, "as 4 vCPU, 1024 MiB");
	t_inteq(rclass_load(&s, NULL, &e), 0, "a later load starts again");
	t_ok(rclass_find(&s, "x") == NULL && rclass_find(&s, "large")->cpu == 2, "without the old config");
}

/* Replaces the last cut characters of s with with. */
static void
tail(char *s, size_t size, size_t cut, const char *with)
{
	size_t at = strlen(s) - cut;

	snprintf(s + at, size - at, "%s", with);
}

static void
test_refused(void)
{
	static const char *const bad[] = {
		"{\"x\":", "[]", "\"large\"", "null", "3", "{\"x\":1}", "{\"x\":[1,2]}", "{\"x\":{}}",
		"{\"x\":{\"cpu\":1}}", "{\"x\":{\"mem\":1024}}", "{\"x\":{\"cpu\":0,\"mem\":1024}}",
		"{\"x\":{\"cpu\":-1,\"mem\":1024}}", "{\"x\":{\"cpu\":449,\"mem\":1024}}", "{\"x\":{\"cpu\":1.5,\"mem\":1024}}",
		"{\"x\":{\"cpu\":1e300,\"mem\":1024}}", "{\"x\":{\"cpu\":-1e300,\"mem\":1024}}",
		"{\"x\":{\"cpu\":\"2x\",\"mem\":1024}}", "{\"x\":{\"cpu\":\"\",\"mem\":1024}}",
		"{\"x\":{\"cpu\":\"0\",\"mem\":1024}}", "{\"x\":{\"cpu\":\"-2\",\"mem\":1024}}",
		"{\"x\":{\"cpu\":\"1234567890\",\"mem\":1024}}", "{\"x\":{\"cpu\":2,\"mem\":1024,\"mmem\":1024}}",
		"{\"x\":{\"cpu\":true,\"mem\":1024}}",
		"{\"x\":{\"cpu\":1,\"mem\":511}}", "{\"x\":{\"cpu\":1,\"mem\":25165825}}", "{\"x\":{\"cpu\":1,\"mem\":null}}",
		"{\"x\":{\"cpu\":1,\"mem\":1024}} trailing", NULL
	};
	struct rclass_set s;
	struct err e;
	char name[80], many[4096];
	int i;

	for (i = 0; bad[i]; i++) {
		e.cls = 0;
		t_ok(rclass_load(&s, bad[i], &e) == -1 && e.cls == ERR_INPUT && e.msg[0], "refused: %s", bad[i]);
	}
	rclass_load(&s, "{\"x\":{\"cpu\":0,\"mem\":1024}}", &e);
	t_ok(strstr(e.msg, "x needs") && strstr(e.msg, "cpu"), "names the class and what it needs: %s", e.msg);
	rclass_load(&s, "[]", &e);
	t_ok(strstr(e.msg, "not a JSON object") != NULL, "says it is not an object");
	t_ok(rclass_load(&s, "{\"Large\":{\"cpu\":1,\"mem\":1024}}", &e) == -1 && strstr(e.msg, "'Large'"),
	    "capital letters refused, name quoted");
	t_ok(rclass_load(&s, "{\"\":{\"cpu\":1,\"mem\":1024}}", &e) == -1, "empty name refused");
	t_ok(rclass_load(&s, "{\"a b\":{\"cpu\":1,\"mem\":1024}}", &e) == -1, "space refused");
	t_ok(rclass_load(&s, "{\"wake-x\":{\"cpu\":1,\"mem\":1024}}", &e) == -1 && strstr(e.msg, "reserved"),
	    "wake- names refused: the agents' wake queues use them");
	memset(name, 'a', 33);
	name[33] = '\0';
	snprintf(many, sizeof(many), "{\"%s\":{\"cpu\":1,\"mem\":1024}}", name);
	t_ok(rclass_load(&s, many, &e) == -1 && strlen(e.msg) < 200, "33-character name refused, message bounded");
	name[32] = '\0';
	snprintf(many, sizeof(many), "{\"%s\":{\"cpu\":1,\"mem\":1024}}", name);
	t_inteq(rclass_load(&s, many, &e), 0, "32-character name taken");
	t_ok(rclass_find(&s, name) != NULL, "and found");

	/* 64 classes fill the set; the 65th is one too many. */
	snprintf(many, sizeof(many), "{");
	for (i = 0; i < RCLASS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s\"c%d\":{\"cpu\":1,\"mem\":1024}",
		    i ? "," : "", i);
	snprintf(many + strlen(many), sizeof(many) - strlen(many), "}");
	t_inteq(rclass_load(&s, many, &e), 0, "%d classes in all taken", RCLASS_MAX);
	t_inteq((long long)s.n, RCLASS_MAX, "the set is full");
	tail(many, sizeof(many), 1, ",\"one-more\":{\"cpu\":1,\"mem\":1024}}");
	t_ok(rclass_load(&s, many, &e) == -1 && strstr(e.msg, "more than"), "one more refused: %s", e.msg);
	tail(many, sizeof(many), strlen(",\"one-more\":{\"cpu\":1,\"mem\":1024}}"), ",\"c0\":{\"cpu\":2,\"mem\":1024}}");
	t_ok(rclass_load(&s, many, &e) == -1 && strstr(e.msg, "c0 is given twice"), "repeating a class in a full set is refused: %s", e.msg);
}

int
main(void)
{
	test_builtin();
	test_config();
	test_refused();
	return t_done();
}
