/* imds-get: instance metadata (IMDSv2) for the agent. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "creds.h"
#include "tools.h"

static const char help[] =
    "usage: imds-get PATH...\n"
    "Reads instance metadata with one IMDSv2 session token, one line per PATH\n"
    "(below /latest/, e.g. meta-data/instance-id, meta-data/placement/region,\n"
    "meta-data/tags/instance/KEY; at most 256 of A-Z a-z 0-9 / - _ . :); a\n"
    "value of several lines (a listing) prints them as they come.\n"
    "AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the address;\n"
    "AWS_EC2_METADATA_DISABLED=true refuses.\n"
    "Exit: 0 done, 2 bad usage, 3 refused or not found, 4 unreachable after the\n"
    "token or HTTP 5xx, 5 no metadata service (or disabled).\n";

int
imds_get_main(int argc, char **argv)
{
	struct buf out = BUF_INIT;
	struct imds md = { { 0 }, 0 };
	struct http h;
	struct err e;
	int i;

	if (cli_start("imds-get", argc, argv, help))
		return 0;
	if (argc < 2)
		return cli_usage("expected at least one PATH");
	/* An option is never a metadata path (no path starts with '-'). */
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return cli_bad_option(argv[i], NULL);
	for (i = 1; i < argc; i++)
		if (strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.:") !=
		    strlen(argv[i]) || strstr(argv[i], "..") || argv[i][0] == '/' ||
		    argv[i][0] == '\0' || strlen(argv[i]) > 256)
			return cli_usage("invalid PATH '%.40s'", argv[i]);
	if (http_init(&h, &e))
		return cli_fail(&e, "set up HTTP");
	for (i = 1; i < argc; i++) {
		if (imds_get(&md, &h, argv[i], cli_now(), &out, &e)) {
			imds_free(&md);
			http_free(&h);
			return cli_fail(&e, "read instance metadata");
		}
		printf("%s\n", out.p ? out.p : "");
	}
	imds_free(&md);
	http_free(&h);
	buf_free(&out);
	return 0;
}
