/* Launch template answers: the first byte picks which calls fail and how;
 * the rest is the XML every call that does not fail answers. Whatever
 * comes, the steps end within six calls (a race at the last step earns one more look), and a finished run has a result
 * word, an lt- id or "-", and a version of 1-9 digits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ltemplate.h"

static const char *const codes[] = { "InvalidLaunchTemplateName.NotFoundException",
	"InvalidLaunchTemplateName.AlreadyExistsException", "UnauthorizedOperation", "" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ltemplate w = { "ci1", "ami-0123456789abcdef0", "runner", "sg-01234567,sg-0123456789abcdef0",
		"key", "2", "IyEvYmluL3No", "ec2rp-0123456789abcdef" };
	struct ltemplate_run run = LTEMPLATE_RUN_INIT;
	struct xml *doc = NULL;
	struct err e, failed;
	unsigned plan;
	int calls, r = 0;

	if (size < 1)
		return 0;
	plan = data[0];
	if (xml_parse((const char *)data + 1, size - 1, &doc, &e))
		doc = NULL;
	/* Whatever the answer holds, comparing it never fails. */
	ltemplate_same(xml_find(doc, "launchTemplateVersionSet/item/launchTemplateData"), &w);
	for (calls = 0; r == 0 && run.step != LTEMPLATE_DONE; calls++) {
		struct buf b = BUF_INIT;

		if (calls == 6 || ltemplate_query(&b, &run, &w, &e))
			abort();
		buf_free(&b);
		/* Two bits a call: 0 answers doc (or fails when there is none), else a failure. */
		if ((plan >> (2 * (calls % 4)) & 3) == 0 && doc) {
			r = ltemplate_answer(&run, &w, doc, NULL, &e);
		} else {
			err_set(&failed, ERR_PERMANENT, "refused");
			err_code(&failed, codes[(plan >> (2 * (calls % 4))) & 3]);
			r = ltemplate_answer(&run, &w, NULL, &failed, &e);
		}
	}
	if (r == 0) {
		size_t n = strlen(run.version);

		if (strcmp(run.result, "created") && strcmp(run.result, "updated") && strcmp(run.result, "unchanged"))
			abort();
		if (n < 1 || n > 9 || strspn(run.version, "0123456789") != n)
			abort();
		if (strcmp(run.id, "-") != 0 && (strncmp(run.id, "lt-", 3) != 0 || run.id[3] == '\0' ||
		    strspn(run.id + 3, "0123456789abcdef") != strlen(run.id + 3)))
			abort();
	} else if (e.cls < ERR_INPUT || e.cls > ERR_LOCAL) {
		abort();
	}
	xml_free(doc);
	return 0;
}
