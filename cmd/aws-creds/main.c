/* aws-creds: resolve the credentials once for a mode run, into a private file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "creds.h"
#include "tools.h"
#include "whoami.h"

static const char help[] =
    "usage: aws-creds FILE\n"
    "Walks the AWS credential chain once (environment, web identity, profile,\n"
    "container, instance metadata), asks STS who they are (GetCallerIdentity),\n"
    "and writes both to FILE, for the mode's other tools to read instead of each\n"
    "looking them up again: they take FILE when EC2RP_CREDENTIALS_FILE names it.\n"
    "FILE's folder must be this user's and closed to everyone else (mktemp -d);\n"
    "FILE is written mode 0600 and replaced whole (rename), never edited.\n"
    "Expiry, as botocore's refreshable credentials: a FILE with more than 15\n"
    "minutes left is kept as it is; a tool reads it only while more than 10\n"
    "minutes are left, and walks the chain itself after that.\n"
    "Exit: 0 written (or still fresh), 2 bad usage (nothing sent), 3 refused,\n"
    "4 retries exhausted, 5 local failure (e.g. no credentials anywhere).\n";

/* 0 when the folder holding path is a directory of ours that nobody else
 * may enter: nobody else can then read FILE, swap it, or plant a link. */
static int
private_folder(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return -1;
	return 0;
}

/* Writes text to path.tmp (0600, a new file), then renames it over path. */
static int
write_file(const char *path, const struct buf *text, struct err *e)
{
	char tmp[4200];
	size_t off = 0;
	ssize_t n;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(e, ERR_LOCAL, "cannot create %.200s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < text->len && (n = write(fd, text->p + off, text->len - off)) > 0)
		off += (size_t)n;
	if (close(fd) || off != text->len || rename(tmp, path)) {
		err_set(e, ERR_LOCAL, "cannot write %.200s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
aws_creds_main(int argc, char **argv)
{
	static const struct option opts[] = { { 0, 0, 0, 0 } };
	struct whoami me = WHOAMI_INIT;
	struct buf text = BUF_INIT;
	struct creds old;
	struct aws a;
	struct err e;
	const char *path;
	int c, r;

	if (cli_start("aws-creds", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (cli_option(c, argv, opts, NULL, NULL))
			return ERR_INPUT;
	if (argc - optind != 1)
		return cli_usage("expected one FILE");
	path = argv[optind];
	if (strlen(path) > 4000)
		return cli_usage("FILE's name is too long");
	if (private_folder(path))
		return cli_usage("the folder of FILE must be this user's and closed to others (mode 0700)");
	memset(&old, 0, sizeof(old));
	r = creds_shared_read(&old, path, cli_now(), CREDS_SHARED_RENEW_SEC);
	creds_free(&old);
	if (r == 1)
		return 0;
	/* The chain itself, never the file being renewed. */
	unsetenv("EC2RP_CREDENTIALS_FILE");
	if (aws_init(&a, "sts", &e))
		return cli_fail(&e, "set up STS");
	if (whoami(&a, &me, &e)) {
		aws_free(&a);
		return cli_fail(&e, "find out who the credentials are");
	}
	snprintf(a.creds.account, sizeof(a.creds.account), "%s", me.account);
	snprintf(a.creds.partition, sizeof(a.creds.partition), "%s", me.partition);
	r = creds_shared_json(&a.creds, &text, &e);
	aws_free(&a);
	if (r == 0)
		r = write_file(path, &text, &e);
	if (text.p)
		memset(text.p, 0, text.cap);
	buf_free(&text);
	return r ? cli_fail(&e, "share the credentials") : 0;
}
