/* gh-runner: GitHub's self-hosted runner API for a repository or an
 * organisation: tokens, list, delete. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "github.h"
#include "isotime.h"
#include "log.h"

static const char help[] =
    "usage: gh-runner [--scope OWNER/REPO|ORG] [--token-file F] COMMAND\n"
    "  registration-token      print token<TAB>expires (epoch seconds)\n"
    "  remove-token            likewise\n"
    "  list [--label L] [--status online|offline]\n"
    "                          id<TAB>name<TAB>status<TAB>busy<TAB>labels\n"
    "  delete RUNNER-ID...     delete runners\n"
    "  delete-offline --label L  delete the offline, idle runners that have label L;\n"
    "                          prints the deleted ids\n"
    "The token comes from GITHUB_TOKEN or --token-file, never the command line;\n"
    "the scope defaults to GITHUB_REPOSITORY; GITHUB_API_URL selects Enterprise Server.\n"
    "Exit: 0 done, 1 nothing listed, 2 bad usage, 3 refused, 4 retries exhausted,\n"
    "5 local failure.\n";

static char *
read_token(const char *file)
{
	FILE *f;
	char buf[512];
	size_t n;

	if (file == NULL) {
		const char *t = getenv("GITHUB_TOKEN");

		return t && *t ? strdup(t) : NULL;
	}
	if ((f = fopen(file, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] ? strdup(buf) : NULL;
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

int
gh_runner_main(int argc, char **argv)
{
	static const struct option opts[] = { { "scope", required_argument, 0, 's' },
		{ "token-file", required_argument, 0, 'f' }, { "label", required_argument, 0, 'l' },
		{ "status", required_argument, 0, 'S' }, { 0, 0, 0, 0 } };
	const char *scope = getenv("GITHUB_REPOSITORY"), *file = NULL, *label = NULL, *status = NULL, *cmd;
	struct buf path = BUF_INIT, next = BUF_INIT, url = BUF_INIT;
	struct github g;
	struct err e;
	char *token;
	cJSON *doc = NULL;
	int c, i, n = 0, r = 0;

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
		else
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
	}
	if (optind == argc)
		return cli_usage("expected a command");
	cmd = argv[optind++];
	if (scope == NULL || github_runners_path(&path, scope))
		return cli_usage("invalid or missing --scope: OWNER/REPO or ORG (or set GITHUB_REPOSITORY)");
	if (label && (strlen(label) > 128 || strpbrk(label, ",\n\r")))
		return cli_usage("invalid --label");
	if (status && strcmp(status, "online") && strcmp(status, "offline"))
		return cli_usage("invalid --status: online or offline");
	if (strcmp(cmd, "delete") == 0) {
		if (optind == argc)
			return cli_usage("delete expects runner ids");
		for (i = optind; i < argc; i++)
			if (strspn(argv[i], "0123456789") != strlen(argv[i]) || strlen(argv[i]) > 18 || !*argv[i])
				return cli_usage("invalid runner id '%.30s'", argv[i]);
	} else if (strcmp(cmd, "delete-offline") == 0 && label == NULL) {
		return cli_usage("delete-offline needs --label");
	} else if (strcmp(cmd, "registration-token") && strcmp(cmd, "remove-token") && strcmp(cmd, "list") &&
	    strcmp(cmd, "delete-offline")) {
		return cli_usage("unknown command '%.30s'", cmd);
	} else if (optind != argc) {
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	}
	if ((token = read_token(file)) == NULL)
		return cli_usage(file ? "cannot read a token from --token-file" : "GITHUB_TOKEN is not set");
	log_secret(token);
	if (github_init(&g, token, &e)) {
		free(token);
		return cli_fail(&e, "set up GitHub");
	}
	memset(token, 0, strlen(token));
	free(token);
	if (strcmp(cmd, "registration-token") == 0 || strcmp(cmd, "remove-token") == 0) {
		const cJSON *t, *x;
		long long exp = 0;

		buf_addf(&path, "/%s", cmd);
		if (github_call(&g, "POST", path.p, &doc, NULL, &e))
			goto fail;
		t = cJSON_GetObjectItem(doc, "token");
		x = cJSON_GetObjectItem(doc, "expires_at");
		if (!cJSON_IsString(t) || !cJSON_IsString(x) || isotime_parse(x->valuestring, &exp)) {
			err_set(&e, ERR_PERMANENT, "GitHub's token answer lacks token or expires_at");
			goto fail;
		}
		log_secret(t->valuestring);
		printf("%s\t%lld\n", t->valuestring, exp);
	} else if (strcmp(cmd, "delete") == 0) {
		for (i = optind; i < argc; i++) {
			buf_reset(&url);
			buf_addf(&url, "%s/%s", path.p, argv[i]);
			if (github_call(&g, "DELETE", url.p, NULL, NULL, &e))
				goto fail;
		}
	} else {
		/* list / delete-offline: every page. */
		buf_adds(&url, path.p);
		buf_adds(&url, "?per_page=100");
		for (;;) {
			const cJSON *rn;

			if (github_call(&g, "GET", url.p, &doc, &next, &e))
				goto fail;
			cJSON_ArrayForEach(rn, cJSON_GetObjectItem(doc, "runners")) {
				const cJSON *id = cJSON_GetObjectItem(rn, "id"), *nm = cJSON_GetObjectItem(rn, "name");
				const cJSON *st = cJSON_GetObjectItem(rn, "status"), *busy = cJSON_GetObjectItem(rn, "busy");
				const char *sts = cJSON_IsString(st) ? st->valuestring : "?";

				if (!cJSON_IsNumber(id) || (label && !has_label(rn, label)) || (status && strcmp(sts, status)))
					continue;
				if (strcmp(cmd, "delete-offline") == 0) {
					struct buf du = BUF_INIT;

					if (strcmp(sts, "offline") || cJSON_IsTrue(busy))
						continue;
					buf_addf(&du, "%s/%.0f", path.p, id->valuedouble);
					c = github_call(&g, "DELETE", du.p, NULL, NULL, &e);
					buf_free(&du);
					if (c)
						goto fail;
					printf("%.0f\n", id->valuedouble);
				} else {
					const cJSON *l;
					int first = 1;

					printf("%.0f\t%s\t%s\t%s\t", id->valuedouble, cJSON_IsString(nm) ? nm->valuestring : "?",
					    sts, cJSON_IsTrue(busy) ? "busy" : "idle");
					cJSON_ArrayForEach(l, cJSON_GetObjectItem(rn, "labels")) {
						const cJSON *ln = cJSON_GetObjectItem(l, "name");

						printf("%s%s", first ? "" : ",", cJSON_IsString(ln) ? ln->valuestring : "");
						first = 0;
					}
					printf("\n");
				}
				n++;
			}
			cJSON_Delete(doc);
			doc = NULL;
			if (next.len == 0)
				break;
			buf_reset(&url);
			buf_adds(&url, next.p);
		}
		r = strcmp(cmd, "list") == 0 && n == 0 ? 1 : 0;
	}
	cJSON_Delete(doc);
	github_free(&g);
	buf_free(&path);
	buf_free(&next);
	buf_free(&url);
	return r;
fail:
	cJSON_Delete(doc);
	github_free(&g);
	return cli_fail(&e, cmd);
}
