/* ghrelease: one page of GitHub's release list of actions/runner, read as
 * what the pool needs: each published release's version, publication time,
 * whether it is a pre-release, and the sha256 of its Linux tarballs, which
 * the release text carries between "<!-- BEGIN SHA linux-x64 -->" and
 * "<!-- END SHA linux-x64 -->" (actions/runner's releaseNote.md). Pure. */
#ifndef EC2RP_GHRELEASE_H
#define EC2RP_GHRELEASE_H

#include <cjson/cJSON.h>

#include "err.h"

#define GHRELEASE_MAX 100 /* GitHub's largest page */

struct ghrelease {
	char version[24];   /* "2.330.0": the tag without its "v" */
	long long published; /* epoch seconds */
	int prerelease;
	char x64[65];       /* sha256 of actions-runner-linux-x64-VERSION.tar.gz, or "" */
	char arm64[65];     /* likewise for linux-arm64, or "" */
};

/* The releases of one answer (a JSON array, as GET
 * /repos/OWNER/NAME/releases gives it) into r[0..max), skipping drafts and
 * releases whose tag is not vMAJOR.MINOR.PATCH or that have no publication
 * time. The count, or -1 with e (ERR_PERMANENT: not an array). */
int ghrelease_parse(const cJSON *doc, struct ghrelease *r, int max, struct err *e);
/* The checksum of platform ("linux-x64") in a release text into out (64
 * lowercase hex digits and a NUL). 0, or -1 when absent or malformed. */
int ghrelease_sha(const char *body, const char *platform, char out[65]);
/* Compares two versions "A.B.C" numerically: <0, 0, >0. A malformed one
 * sorts first. */
int ghrelease_cmp(const char *a, const char *b);
/* 1 when s is MAJOR.MINOR.PATCH (each 1-6 digits), else 0. */
int ghrelease_version_ok(const char *s);

#endif
