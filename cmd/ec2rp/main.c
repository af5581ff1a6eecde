/* ec2rp: the multi-call binary. Each tool is a link to it named after the
 * tool (as busybox does), or runs as `ec2rp TOOL [ARGS]`. */
#include <stdio.h>
#include <string.h>

struct tool {
	const char *name;
	int (*main)(int, char **);
};

#include "tools.c"

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int
usage(FILE *f)
{
	const struct tool *t;

	fprintf(f, "usage: ec2rp TOOL [ARGS...]  (or call the tool by its name)\ntools:");
	for (t = tools; t->name; t++)
		fprintf(f, " %s", t->name);
	fprintf(f, "\n");
	return f == stderr ? 2 : 0;
}

int
main(int argc, char **argv)
{
	const struct tool *t;
	const char *name = base(argc > 0 ? argv[0] : "ec2rp");

	if (strcmp(name, "ec2rp") == 0) {
		if (argc < 2)
			return usage(stderr);
		if (strcmp(argv[1], "--help") == 0)
			return usage(stdout);
		if (strcmp(argv[1], "--version") == 0) {
			printf("ec2rp %s\n", VERSION);
			return 0;
		}
		argv++;
		argc--;
		name = argv[0];
	}
	for (t = tools; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t->main(argc, argv);
	fprintf(stderr, "ec2rp: fatal: unknown tool: %s\n", name);
	return 2;
}
