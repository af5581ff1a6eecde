/* gh-runner: GitHub's self-hosted runner API for a repository or an
 * organisation: tokens, list, delete; as a token's owner or as a GitHub App
 * installation. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "file.h"
#include "ghrelease.h"
#include "github.h"
#include "log.h"
#include "text.h"
#include "tools.h"

static const char help[] =
    "usage: gh-runner [--scope OWNER/REPO|ORG] [--token-file F | --app-id ID\n"
    "                 --installation-id ID --private-key-file F] [--json] COMMAND\n"
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
    "  releases [--repo OWNER/NAME]\n"
    "                           the newest 30 published releases of the runner\n"
    "                           (default actions/runner), newest first:\n"
    "                           version<TAB>published (epoch s)<TAB>release|prerelease\n"
    "                           <TAB>x64=HEX,arm64=HEX (the Linux tarballs' sha256\n"
    "                           from the release text; \"-\" when it has none)\n"
    "Options:\n"
    "  --scope S                OWNER/REPO or ORG (default GITHUB_REPOSITORY)\n"
    "  --token-file F           read the GitHub token from F (default GITHUB_TOKEN)\n"
    "  --app-id ID              as a GitHub App: its client id or numeric id\n"
    "                           (default GITHUB_APP_ID)\n"
    "  --installation-id ID     the App's installation on the scope's owner\n"
    "                           (default GITHUB_APP_INSTALLATION_ID)\n"
    "  --private-key-file F     the App's private key, PEM: PKCS#1 as GitHub gives\n"
    "                           it, or PKCS#8 (default: the PEM in GITHUB_APP_PRIVATE_KEY)\n"
    "  --repo R                 releases: the runner's repository (a mirror of it)\n"
    "  --label L, --status S    list filters (label: 1-128 bytes, no commas or\n"
    "                           control characters)\n"
    "  --json                   JSON Lines: {\"token\",\"expiresAt\"}; list:\n"
    "                           {\"id\",\"name\",\"status\",\"busy\",\"labels\"}; deletes: {\"id\"};\n"
    "                           releases: {\"version\",\"published\",\"prerelease\",\"x64\",\"arm64\"}\n"
    "A token, or a GitHub App: never both. As an App, gh-runner signs a JWT\n"
    "(RS256, ten minutes at most) and uses it once, for an installation token\n"
    "(one hour), which it then uses like GITHUB_TOKEN. The App needs the\n"
    "repository permission Administration (write) for a repository's runners,\n"
    "the organisation permission Self-hosted runners (write) for an\n"
    "organisation's (read is enough for list).\n"
    "Secrets never come from the command line. Tokens are printed only by\n"
    "registration-token and remove-token (their job) and masked in the logs,\n"
    "the installation token too.\n"
    "Environment: GITHUB_TOKEN, GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID,\n"
    "GITHUB_APP_PRIVATE_KEY, GITHUB_REPOSITORY, GITHUB_API_URL (Enterprise\n"
    "Server: https://HOST/api/v3; default https://api.github.com).\n"
    "Exit codes:\n"
    "  0 done, 1 nothing listed (no usable release), or a runner to delete was not found (the\n"
    "  others are deleted), 2 bad usage, a malformed App id or key (no request\n"
    "  made), 3 refused (bad credentials, a key that is not the App's, an\n"
    "  unknown installation, no access, a runner busy), 4 retries exhausted\n"
    "  (5xx, rate limits, network), 5 local failure (no token, unreadable\n"
    "  token or key file).\n";

#define TOKEN_MAX 1024
#define KEY_MAX 65536

struct args {
	const char *scope, *token_file, *label, *status, *cmd, *repo;
	const char *app_id, *installation_id, *key_file;
	int json;
};

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* 1 if s holds a control byte: in a header it would end the line or be
 * refused on the way, so such a token is refused before it is sent. */
static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The token from file, or else GITHUB_TOKEN. NULL with e set when none. */
static char *
read_token(const char *file, struct err *e)
{
	struct buf b = BUF_INIT;
	char *t = NULL;

	if (file == NULL) {
		const char *v = env("GITHUB_TOKEN");

		if (v == NULL)
			err_set(e, ERR_LOCAL, "GITHUB_TOKEN is not set (or use --token-file, or a GitHub App)");
		else if (has_control(v))
			err_set(e, ERR_INPUT, "GITHUB_TOKEN holds a control character (a newline, a tab?): not sent");
		else if ((t = strdup(v)) == NULL)
			err_nomem(e);
		return t;
	}
	/* The first line is the token; a file far larger is not a token file. */
	if (file_read(file, 65536, "the --token-file", &b, e) == 0) {
		b.p[strcspn(b.p, "\r\n")] = '\0';
		if (strlen(b.p) > TOKEN_MAX)
			err_set(e, ERR_INPUT, "the --token-file holds more than a token (over %d bytes)", TOKEN_MAX);
		else if (b.p[0] == '\0')
			err_set(e, ERR_LOCAL, "the --token-file is empty");
		else if (has_control(b.p))
			err_set(e, ERR_INPUT, "the --token-file's token holds a control character (a tab?): not sent");
		else if ((t = strdup(b.p)) == NULL)
			err_nomem(e);
	}
	if (b.p)
		memset(b.p, 0, b.cap);
	buf_free(&b);
	return t;
}

/* The App's key from its file or GITHUB_APP_PRIVATE_KEY into k. 0 or -1. */
static int
read_key(const char *file, struct jwt_key *k, struct err *e)
{
	struct buf b = BUF_INIT;
	const char *pem = env("GITHUB_APP_PRIVATE_KEY");
	int r = -1;

	if (file == NULL)
		return jwt_key_read(k, pem, strlen(pem), "GITHUB_APP_PRIVATE_KEY", e);
	if (file_read(file, KEY_MAX, "the --private-key-file", &b, e) == 0)
		r = jwt_key_read(k, b.p, b.len, "the --private-key-file", e);
	if (b.p)
		memset(b.p, 0, b.cap);
	buf_free(&b);
	return r;
}

/* Signs in as a.app_id's installation, or with the token. 0 or -1. */
static int
login(struct github *g, const struct args *a, struct err *e)
{
	struct jwt_key k;
	long long expires;
	char *tok;
	int r;

	if (a->app_id) {
		if (read_key(a->key_file, &k, e))
			return -1;
		r = github_init_app(g, a->app_id, a->installation_id, &k, cli_now(), &expires, e);
		jwt_key_wipe(&k);
		if (r == 0) {
			log_secret(github_token(g));
			log_msg(LOG_DEBUG, "GitHub App %s: an installation token until %lld", a->app_id, expires);
		}
		return r;
	}
	if ((tok = read_token(a->token_file, e)) == NULL)
		return -1;
	log_secret(tok);
	r = github_init(g, tok, e);
	memset(tok, 0, strlen(tok));
	free(tok);
	return r;
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
print_runner(const struct runner *r, int json)
{
	int i;

	if (json) {
		cJSON *o = cJSON_CreateObject(), *labels;

		cJSON_AddNumberToObject(o, "id", (double)r->id);
		cJSON_AddStringToObject(o, "name", r->name);
		cJSON_AddStringToObject(o, "status", r->status);
		cJSON_AddBoolToObject(o, "busy", r->busy);
		labels = cJSON_AddArrayToObject(o, "labels");
		for (i = 0; i < r->nlabels; i++)
			cJSON_AddItemToArray(labels, cJSON_CreateString(r->labels[i]));
		cli_json_line(o);
		return;
	}
	printf("%lld\t", r->id);
	put_field(r->name);
	putchar('\t');
	put_field(r->status);
	printf("\t%s\t", r->busy ? "busy" : "idle");
	for (i = 0; i < r->nlabels; i++) {
		if (i)
			putchar(',');
		put_field(r->labels[i]);
	}
	putchar('\n');
}

static int
print_token(const char *tok, long long expires, int json)
{
	log_secret(tok);
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "token", tok);
		cJSON_AddNumberToObject(o, "expiresAt", (double)expires);
		cli_json_line(o);
	} else {
		printf("%s\t%lld\n", tok, expires);
	}
	return 0;
}

/* Deletes ids[0..n), printing each one deleted: all are tried. The exit
 * code: the worst error's class, else 1 if one was not found, else 0. */
static int
delete_all(struct github *g, const char *path, char *const *ids, int n, int json)
{
	int i, worst = 0, missing = 0;
	struct err e;

	for (i = 0; i < n; i++) {
		int r = github_runner_delete(g, path, ids[i], &e);

		if (r == 1) {
			log_msg(LOG_WARN, "runner %s: not found", ids[i]);
			missing = 1;
		} else if (r < 0) {
			log_msg(LOG_ERROR, "runner %s: not deleted: %s", ids[i], e.msg);
			if (worst != ERR_PERMANENT)
				worst = e.cls;
		} else if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddRawToObject(o, "id", ids[i]);
			cli_json_line(o);
		} else {
			printf("%s\n", ids[i]);
		}
		fflush(stdout);
	}
	return worst ? worst : missing;
}

/* list, or delete-offline: reads every page first (deleting while paging
 * would shift the pages and skip runners), then prints or deletes. The exit
 * code, or -1 with e. */
static int
runners(struct github *g, const char *path, const struct args *a, struct err *e)
{
	struct runner_filter f = { a->label, a->status, strcmp(a->cmd, "delete-offline") == 0 };
	struct runnerlist l = RUNNERLIST_INIT;
	char **ids = NULL;
	int i, r = -1;

	if (github_runner_list(g, path, &f, &l, e))
		goto done;
	if (!f.deletable) {
		for (i = 0; i < l.n; i++)
			print_runner(&l.r[i], a->json);
		r = l.n ? 0 : 1;
		goto done;
	}
	if (l.n && (ids = calloc((size_t)l.n, sizeof(*ids))) == NULL) {
		err_nomem(e);
		goto done;
	}
	for (i = 0; i < l.n; i++)
		if ((ids[i] = malloc(24)) == NULL) {
			err_nomem(e);
			goto done;
		} else {
			snprintf(ids[i], 24, "%lld", l.r[i].id);
		}
	r = delete_all(g, path, ids, l.n, a->json);
	/* Gone meanwhile (another refresh, the runner itself): fine here. */
	if (r == 1)
		r = 0;
done:
	for (i = 0; ids && i < l.n; i++)
		free(ids[i]);
	free(ids);
	runnerlist_free(&l);
	return r;
}

/* releases: one page of the runner's releases, newest first, as GitHub
 * lists them. The exit code, or -1 with e. */
static int
releases(struct github *g, const struct args *a, struct err *e)
{
	static struct ghrelease r[GHRELEASE_MAX];
	struct buf url = BUF_INIT;
	cJSON *doc = NULL;
	int i, n = -1;

	if (buf_addf(&url, "/repos/%s/releases?per_page=30", a->repo))
		err_nomem(e);
	else if (github_call(g, "GET", url.p, &doc, NULL, e) == 0)
		n = ghrelease_parse(doc, r, GHRELEASE_MAX, e);
	cJSON_Delete(doc);
	buf_free(&url);
	for (i = 0; i < n; i++) {
		if (a->json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "version", r[i].version);
			cJSON_AddNumberToObject(o, "published", (double)r[i].published);
			cJSON_AddBoolToObject(o, "prerelease", r[i].prerelease);
			cJSON_AddStringToObject(o, "x64", r[i].x64);
			cJSON_AddStringToObject(o, "arm64", r[i].arm64);
			cli_json_line(o);
			continue;
		}
		printf("%s\t%lld\t%s\t", r[i].version, r[i].published, r[i].prerelease ? "prerelease" : "release");
		if (r[i].x64[0])
			printf("x64=%s%s", r[i].x64, r[i].arm64[0] ? "," : "");
		if (r[i].arm64[0])
			printf("arm64=%s", r[i].arm64);
		printf("%s\n", r[i].x64[0] || r[i].arm64[0] ? "" : "-");
	}
	return n < 0 ? -1 : n == 0;
}

/* The App's settings, options over the environment; then every check that
 * needs no request. 0, or the usage error's exit code (2). */
static int
check_auth(struct args *a)
{
	int app = a->app_id || a->installation_id || a->key_file || env("GITHUB_APP_ID") ||
	    env("GITHUB_APP_INSTALLATION_ID") || env("GITHUB_APP_PRIVATE_KEY");

	if (!app)
		return 0;
	if (a->token_file || env("GITHUB_TOKEN"))
		return cli_usage("a GitHub App and a token (%s) exclude each other: give one",
		    a->token_file ? "--token-file" : "GITHUB_TOKEN");
	if (a->app_id == NULL)
		a->app_id = env("GITHUB_APP_ID");
	if (a->installation_id == NULL)
		a->installation_id = env("GITHUB_APP_INSTALLATION_ID");
	if (a->app_id == NULL || a->installation_id == NULL || (a->key_file == NULL && !env("GITHUB_APP_PRIVATE_KEY")))
		return cli_usage("a GitHub App needs %s", a->app_id == NULL ? "its id (--app-id or GITHUB_APP_ID)"
		    : a->installation_id == NULL ? "its installation id (--installation-id or GITHUB_APP_INSTALLATION_ID)"
		    : "its private key (--private-key-file or GITHUB_APP_PRIVATE_KEY)");
	if (!jwt_issuer_ok(a->app_id))
		return cli_usage("invalid GitHub App id '%.70s': its client id or numeric id", a->app_id);
	if (!runnerlist_id_ok(a->installation_id) || a->installation_id[0] == '0')
		return cli_usage("invalid installation id '%.30s': a number", a->installation_id);
	return 0;
}

int
gh_runner_main(int argc, char **argv)
{
	static const struct option opts[] = { { "scope", required_argument, 0, 's' },
		{ "token-file", required_argument, 0, 'f' }, { "label", required_argument, 0, 'l' },
		{ "status", required_argument, 0, 'S' }, { "json", no_argument, 0, 'j' },
		{ "app-id", required_argument, 0, 'a' }, { "installation-id", required_argument, 0, 'i' },
		{ "private-key-file", required_argument, 0, 'k' }, { "repo", required_argument, 0, 'r' },
		{ 0, 0, 0, 0 } };
	struct args a = { 0 };
	struct buf path = BUF_INIT;
	struct github g;
	struct err e;
	char *tok = NULL;
	long long expires;
	int c, i, r = 0;

	if (cli_start("gh-runner", argc, argv, help))
		return 0;
	a.scope = getenv("GITHUB_REPOSITORY");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			a.scope = optarg;
		else if (c == 'f')
			a.token_file = optarg;
		else if (c == 'l')
			a.label = optarg;
		else if (c == 'S')
			a.status = optarg;
		else if (c == 'a')
			a.app_id = optarg;
		else if (c == 'i')
			a.installation_id = optarg;
		else if (c == 'k')
			a.key_file = optarg;
		else if (c == 'r')
			a.repo = optarg;
		else if (cli_option(c, argv, opts, NULL, &a.json))
			return ERR_INPUT;
	}
	if (optind == argc)
		return cli_usage("expected a command: registration-token, remove-token, list, delete, delete-offline, releases");
	a.cmd = argv[optind++];
	if (strcmp(a.cmd, "registration-token") && strcmp(a.cmd, "remove-token") && strcmp(a.cmd, "list") &&
	    strcmp(a.cmd, "delete") && strcmp(a.cmd, "delete-offline") && strcmp(a.cmd, "releases"))
		return cli_usage("unknown command '%.30s'", a.cmd);
	if (a.repo && strcmp(a.cmd, "releases"))
		return cli_usage("--repo goes with releases");
	if (strcmp(a.cmd, "releases") == 0) {
		if (a.repo == NULL)
			a.repo = "actions/runner";
		if (github_runners_path(&path, a.repo) || strchr(a.repo, '/') == NULL)
			return cli_usage("invalid --repo '%.60s': OWNER/NAME", a.repo);
	} else if (a.scope == NULL || *a.scope == '\0')
		return cli_usage("no scope: use --scope OWNER/REPO or ORG, or set GITHUB_REPOSITORY");
	else if (github_runners_path(&path, a.scope))
		return cli_usage("invalid --scope '%.60s': OWNER/REPO or ORG", a.scope);
	if (a.label && !runnerlist_label_ok(a.label))
		return cli_usage("invalid --label: 1-128 bytes, no commas or control characters");
	if (a.status && strcmp(a.status, "online") && strcmp(a.status, "offline"))
		return cli_usage("invalid --status '%.20s': online or offline", a.status);
	if ((a.label || a.status) && strcmp(a.cmd, "list") && strcmp(a.cmd, "delete-offline"))
		return cli_usage("--label and --status go with list (and --label with delete-offline)");
	if (strcmp(a.cmd, "delete-offline") == 0 && (a.label == NULL || a.status))
		return cli_usage("delete-offline needs --label (and takes no --status)");
	if (strcmp(a.cmd, "delete") == 0) {
		if (optind == argc)
			return cli_usage("delete expects runner ids");
		for (i = optind; i < argc; i++)
			if (!runnerlist_id_ok(argv[i]))
				return cli_usage("invalid runner id '%.30s': a number", argv[i]);
	} else if (optind != argc) {
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	}
	if ((r = check_auth(&a)) != 0)
		return r;
	memset(&g, 0, sizeof(g));

	if (login(&g, &a, &e)) {
		github_free(&g);
		buf_free(&path);
		return cli_fail(&e, a.app_id ? "get a GitHub App installation token" : "set up GitHub");
	}
	if (strcmp(a.cmd, "registration-token") == 0 || strcmp(a.cmd, "remove-token") == 0) {
		if ((r = github_runner_token(&g, path.p, a.cmd, &tok, &expires, &e)) == 0)
			print_token(tok, expires, a.json);
		if (tok)
			memset(tok, 0, strlen(tok));
		free(tok);
	} else if (strcmp(a.cmd, "releases") == 0) {
		r = releases(&g, &a, &e);
	} else if (strcmp(a.cmd, "delete") == 0) {
		r = delete_all(&g, path.p, argv + optind, argc - optind, a.json);
	} else {
		r = runners(&g, path.p, &a, &e);
	}
	github_free(&g);
	buf_free(&path);
	return r < 0 ? cli_fail(&e, a.cmd) : r;
}
