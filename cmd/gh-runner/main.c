/* gh-runner: GitHub's self-hosted runner API for a repository or an
 * organisation: tokens, list, delete. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "file.h"
#include "github.h"
#include "isotime.h"
#include "log.h"
#include "text.h"
#include "tools.h"

static const char help[] =
    "usage: gh-runner [--scope OWNER/REPO|ORG] [--token-file F] [--json] COMMAND\n"
    "Self-hosted runners of a repository or an organisation (GitHub REST API).\n"
    "Commands:\n"
    "  registration-token       a token to register runners (valid one hour):\n"
    "                           prints token<TAB>expires-at (epoch seconds)\n"
    "  remove-token             a token to remove runners: likewise\n"
    "  list [--label L] [--status online|offline]\n"
    "                           the runners, every page: one a line,\n"
    "                           id<TAB>name<TAB>status<TAB>busy|idle<TAB>labels (comma-separated)\n"
    "  delete RUNNER-ID...      deletes runners; prints each deleted id\n"
    "  delete-offline --label L deletes the offline, idle runners that have label L\n"
    "                           (all pages are read first); prints each deleted id\n"
    "Options:\n"
    "  --scope S                OWNER/REPO or ORG (default GITHUB_REPOSITORY)\n"
    "  --token-file F           read the GitHub token from F (default GITHUB_TOKEN)\n"
    "  --label L, --status S    list filters (label: 1-128 bytes, no commas or\n"
    "                           control characters)\n"
    "  --json                   JSON Lines: {\"token\",\"expiresAt\"}; list:\n"
    "                           {\"id\",\"name\",\"status\",\"busy\",\"labels\"}; deletes: {\"id\"}\n"
    "The token never comes from the command line. Tokens are printed only by\n"
    "registration-token and remove-token (their job) and masked in the logs.\n"
    "Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL (Enterprise\n"
    "Server; default https://api.github.com).\n"
    "Exit codes:\n"
    "  0 done, 1 nothing listed, or a runner to delete was not found (the\n"
    "  others are deleted), 2 bad usage (no request made), 3 refused (bad\n"
    "  credentials, no access, a runner busy), 4 retries exhausted (5xx, rate\n"
    "  limits, network), 5 local failure (no token, unreadable token file).\n";

#define TOKEN_MAX 1024
#define MAX_IDS 10000

/* The token from file, or else GITHUB_TOKEN. NULL with e set when none. */
static char *
read_token(const char *file, struct err *e)
{
	struct buf b = BUF_INIT;
	char *t = NULL;

	if (file == NULL) {
		const char *v = getenv("GITHUB_TOKEN");

		if (v == NULL || *v == '\0')
			err_set(e, ERR_LOCAL, "GITHUB_TOKEN is not set (or use --token-file)");
		else if ((t = strdup(v)) == NULL)
			err_set(e, ERR_LOCAL, "out of memory");
		return t;
	}
	/* The first line is the token; a file far larger is not a token file. */
	if (file_read(file, 65536, "the --token-file", &b, e) == 0) {
		b.p[strcspn(b.p, "\r\n")] = '\0';
		if (strlen(b.p) > TOKEN_MAX)
			err_set(e, ERR_INPUT, "the --token-file holds more than a token (over %d bytes)", TOKEN_MAX);
		else if (b.p[0] == '\0')
			err_set(e, ERR_LOCAL, "the --token-file is empty");
		else if ((t = strdup(b.p)) == NULL)
			err_nomem(e);
	}
	if (b.p)
		memset(b.p, 0, b.cap);
	buf_free(&b);
	return t;
}

/* 1 if the runner has the label. */
static int
has_label(const cJSON *r, const char *label)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, cJSON_GetObjectItem(r, "labels")) {
		const cJSON *n = cJSON_GetObjectItem(l, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, label) == 0)
			return 1;
	}
	return 0;
}

/* Prints s with control characters as spaces: one field, one line. */
static void
put_field(const char *s)
{
	struct buf b = BUF_INIT;

	if (text_clean(&b, s) == 0)
		fputs(b.p, stdout);
	buf_free(&b);
}

static void
print_json(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	if (s)
		printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static void
print_runner(const cJSON *rn, int json)
{
	const cJSON *nm = cJSON_GetObjectItem(rn, "name"), *st = cJSON_GetObjectItem(rn, "status"), *l;
	const char *name = cJSON_IsString(nm) ? nm->valuestring : "?", *sts = cJSON_IsString(st) ? st->valuestring : "?";
	double id = cJSON_GetObjectItem(rn, "id")->valuedouble;
	int busy = cJSON_IsTrue(cJSON_GetObjectItem(rn, "busy")), first = 1;

	if (json) {
		cJSON *o = cJSON_CreateObject(), *labels;

		cJSON_AddNumberToObject(o, "id", id);
		cJSON_AddStringToObject(o, "name", name);
		cJSON_AddStringToObject(o, "status", sts);
		cJSON_AddBoolToObject(o, "busy", busy);
		labels = cJSON_AddArrayToObject(o, "labels");
		cJSON_ArrayForEach(l, cJSON_GetObjectItem(rn, "labels")) {
			const cJSON *ln = cJSON_GetObjectItem(l, "name");

			if (cJSON_IsString(ln))
				cJSON_AddItemToArray(labels, cJSON_CreateString(ln->valuestring));
		}
		print_json(o);
		return;
	}
	printf("%.0f\t", id);
	put_field(name);
	putchar('\t');
	put_field(sts);
	printf("\t%s\t", busy ? "busy" : "idle");
	cJSON_ArrayForEach(l, cJSON_GetObjectItem(rn, "labels")) {
		const cJSON *ln = cJSON_GetObjectItem(l, "name");

		if (!cJSON_IsString(ln))
			continue;
		if (!first)
			putchar(',');
		put_field(ln->valuestring);
		first = 0;
	}
	putchar('\n');
}

/* Deletes runner id. 0 deleted, 1 not found, -1 error (e set). */
static int
delete_one(struct github *g, const char *path, const char *id, int json, struct err *e)
{
	struct buf url = BUF_INIT;
	int r;

	if (buf_addf(&url, "%s/%s", path, id)) {
		err_set(e, ERR_LOCAL, "out of memory");
		return -1;
	}
	r = github_call(g, "DELETE", url.p, NULL, NULL, e);
	buf_free(&url);
	if (r && e->status == 404) {
		log_msg(LOG_WARN, "runner %s: not found", id);
		return 1;
	}
	if (r) {
		log_msg(LOG_ERROR, "runner %s: not deleted: %s", id, e->msg);
		return -1;
	}
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddRawToObject(o, "id", id);
		print_json(o);
	} else {
		printf("%s\n", id);
	}
	fflush(stdout);
	return 0;
}

/* Deletes ids[0..n): all are tried. The exit code: the worst error's class,
 * else 1 if one was not found, else 0. */
static int
delete_all(struct github *g, const char *path, char **ids, int n, int json)
{
	int i, worst = 0, missing = 0;
	struct err e;

	for (i = 0; i < n; i++) {
		int r = delete_one(g, path, ids[i], json, &e);

		if (r == 1)
			missing = 1;
		else if (r < 0 && worst != ERR_PERMANENT)
			worst = e.cls;
	}
	return worst ? worst : missing;
}

/* list and delete-offline: reads every page; lists the matching runners, or
 * collects the offline idle ones into *ids (deleting while paging would
 * shift the pages and skip runners). 0 or -1. */
static int
scan(struct github *g, const char *path, const char *label, const char *status, int json, char ***ids, int *nids,
    int *nlisted, struct err *e)
{
	struct buf url = BUF_INIT, next = BUF_INIT;
	cJSON *doc = NULL;
	int r = -1;

	buf_addf(&url, "%s?per_page=100", path);
	for (;;) {
		const cJSON *rn;

		if (url.failed) {
			err_set(e, ERR_LOCAL, "out of memory");
			goto done;
		}
		if (github_call(g, "GET", url.p, &doc, &next, e))
			goto done;
		cJSON_ArrayForEach(rn, cJSON_GetObjectItem(doc, "runners")) {
			const cJSON *id = cJSON_GetObjectItem(rn, "id"), *st = cJSON_GetObjectItem(rn, "status");
			const char *sts = cJSON_IsString(st) ? st->valuestring : "?";
			char num[24];
			char **more;

			if (!cJSON_IsNumber(id) || id->valuedouble < 0 || (label && !has_label(rn, label)) ||
			    (status && strcmp(sts, status)))
				continue;
			if (ids == NULL) {
				print_runner(rn, json);
				++*nlisted;
				continue;
			}
			if (strcmp(sts, "offline") || cJSON_IsTrue(cJSON_GetObjectItem(rn, "busy")) || *nids >= MAX_IDS)
				continue;
			snprintf(num, sizeof(num), "%.0f", id->valuedouble);
			if ((more = realloc(*ids, (size_t)(*nids + 1) * sizeof(**ids))) == NULL ||
			    (more[*nids] = strdup(num)) == NULL) {
				if (more)
					*ids = more;
				err_set(e, ERR_LOCAL, "out of memory");
				goto done;
			}
			*ids = more;
			++*nids;
		}
		cJSON_Delete(doc);
		doc = NULL;
		if (next.len == 0)
			break;
		buf_reset(&url);
		buf_adds(&url, next.p);
	}
	r = 0;
done:
	cJSON_Delete(doc);
	buf_free(&url);
	buf_free(&next);
	return r;
}

/* registration-token / remove-token. 0 or -1. */
static int
token(struct github *g, const char *path, const char *cmd, int json, struct err *e)
{
	struct buf url = BUF_INIT;
	cJSON *doc = NULL;
	const cJSON *t, *x;
	long long exp = 0;
	int r = -1;

	if (buf_addf(&url, "%s/%s", path, cmd)) {
		err_set(e, ERR_LOCAL, "out of memory");
		goto done;
	}
	if (github_call(g, "POST", url.p, &doc, NULL, e))
		goto done;
	t = cJSON_GetObjectItem(doc, "token");
	x = cJSON_GetObjectItem(doc, "expires_at");
	if (!cJSON_IsString(t) || !*t->valuestring || strpbrk(t->valuestring, "\t\r\n") || !cJSON_IsString(x) ||
	    isotime_parse(x->valuestring, &exp)) {
		err_set(e, ERR_PERMANENT, "GitHub's answer lacks a token or its expires_at");
		goto done;
	}
	log_secret(t->valuestring);
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "token", t->valuestring);
		cJSON_AddNumberToObject(o, "expiresAt", (double)exp);
		print_json(o);
	} else {
		printf("%s\t%lld\n", t->valuestring, exp);
	}
	r = 0;
done:
	cJSON_Delete(doc);
	buf_free(&url);
	return r;
}

static int
valid_runner_id(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 18 && strspn(s, "0123456789") == n;
}

static int
valid_label(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 128 && !strchr(s, ',') && !text_has_control(s);
}

int
gh_runner_main(int argc, char **argv)
{
	static const struct option opts[] = { { "scope", required_argument, 0, 's' },
		{ "token-file", required_argument, 0, 'f' }, { "label", required_argument, 0, 'l' },
		{ "status", required_argument, 0, 'S' }, { "json", no_argument, 0, 'j' }, { 0, 0, 0, 0 } };
	const char *scope = getenv("GITHUB_REPOSITORY"), *file = NULL, *label = NULL, *status = NULL, *cmd;
	struct buf path = BUF_INIT;
	struct github g;
	struct err e;
	char *tok, **ids = NULL;
	int c, i, json = 0, nids = 0, nlisted = 0, r = 0;

	if (cli_start("gh-runner", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			scope = optarg;
		else if (c == 'f')
			file = optarg;
		else if (c == 'l')
			label = optarg;
		else if (c == 'S')
			status = optarg;
		else if (c == 'j')
			json = 1;
		else
			return cli_bad_option(argv[optind - 1], opts);
	}
	if (optind == argc)
		return cli_usage("expected a command: registration-token, remove-token, list, delete, delete-offline");
	cmd = argv[optind++];
	if (strcmp(cmd, "registration-token") && strcmp(cmd, "remove-token") && strcmp(cmd, "list") &&
	    strcmp(cmd, "delete") && strcmp(cmd, "delete-offline"))
		return cli_usage("unknown command '%.30s'", cmd);
	if (scope == NULL || *scope == '\0')
		return cli_usage("no scope: use --scope OWNER/REPO or ORG, or set GITHUB_REPOSITORY");
	if (github_runners_path(&path, scope))
		return cli_usage("invalid --scope '%.60s': OWNER/REPO or ORG", scope);
	if (label && !valid_label(label))
		return cli_usage("invalid --label: 1-128 bytes, no commas or control characters");
	if (status && strcmp(status, "online") && strcmp(status, "offline"))
		return cli_usage("invalid --status '%.20s': online or offline", status);
	if ((label || status) && strcmp(cmd, "list") && strcmp(cmd, "delete-offline"))
		return cli_usage("--label and --status go with list (and --label with delete-offline)");
	if (strcmp(cmd, "delete-offline") == 0 && (label == NULL || status))
		return cli_usage("delete-offline needs --label (and takes no --status)");
	if (strcmp(cmd, "delete") == 0) {
		if (optind == argc)
			return cli_usage("delete expects runner ids");
		for (i = optind; i < argc; i++)
			if (!valid_runner_id(argv[i]))
				return cli_usage("invalid runner id '%.30s': a number", argv[i]);
	} else if (optind != argc) {
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	}
	if ((tok = read_token(file, &e)) == NULL)
		return cli_fail(&e, "get a GitHub token");
	log_secret(tok);
	c = github_init(&g, tok, &e);
	memset(tok, 0, strlen(tok));
	free(tok);
	if (c)
		return cli_fail(&e, "set up GitHub");
	if (strcmp(cmd, "registration-token") == 0 || strcmp(cmd, "remove-token") == 0) {
		if (token(&g, path.p, cmd, json, &e))
			goto fail;
	} else if (strcmp(cmd, "delete") == 0) {
		r = delete_all(&g, path.p, argv + optind, argc - optind, json);
	} else if (strcmp(cmd, "list") == 0) {
		if (scan(&g, path.p, label, status, json, NULL, NULL, &nlisted, &e))
			goto fail;
		r = nlisted ? 0 : 1;
	} else {
		if (scan(&g, path.p, label, NULL, json, &ids, &nids, &nlisted, &e))
			goto fail;
		r = delete_all(&g, path.p, ids, nids, json);
		/* Gone meanwhile (another refresh, the runner itself): fine here. */
		if (r == 1)
			r = 0;
	}
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	github_free(&g);
	buf_free(&path);
	return r;
fail:
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	github_free(&g);
	buf_free(&path);
	return cli_fail(&e, cmd);
}
