#include <stdlib.h>
#include <string.h>

#include "caslist.h"
#include "names.h"
#include "state.h"

/* Cuts the field at *p, which ends at a tab (a line's last field: at the
 * line's end): the field, and *p past it; NULL when it ends otherwise. */
static char *
cut(char **p, int last)
{
	char *f = *p, *end = f + strcspn(f, "\t\n");

	if (last ? *end == '\t' : *end != '\t')
		return NULL;
	if (*end)
		*end++ = '\0';
	*p = end;
	return f;
}

int
caslist_parse(char *text, int to, struct caslist_move **moves, size_t *n, struct err *e)
{
	size_t lines = 0, i;
	char *p;

	*moves = NULL;
	*n = 0;
	for (p = text; *p; p++)
		if (*p == '\n' || p[1] == '\0')
			lines++;
	if (lines == 0)
		return 0;
	if (lines > CASLIST_MAX) {
		err_set(e, ERR_INPUT, "%zu lines: at most %d", lines, CASLIST_MAX);
		return -1;
	}
	if ((*moves = calloc(lines, sizeof(**moves))) == NULL)
		return err_nomem(e);
	for (p = text, i = 0; *p; i++) {
		struct caslist_move *m = &(*moves)[i];
		char *id = cut(&p, 0), *from = id ? cut(&p, 0) : NULL, *run = from ? cut(&p, 1) : NULL;

		if (run == NULL) {
			err_set(e, ERR_INPUT, "line %zu: expected ID<TAB>FROM<TAB>RUN", i + 1);
			goto bad;
		}
		m->id = id;
		m->from = state_parse(from);
		m->run_id = strcmp(run, "-") ? run : NULL;
		if (!names_instance_id(id)) {
			err_set(e, ERR_INPUT, "line %zu: invalid instance id '%.40s'", i + 1, id);
			goto bad;
		}
		if (m->from < 0 || !state_allowed(m->from, to)) {
			err_set(e, ERR_INPUT, "line %zu: no such transition: %.20s -> %s", i + 1, from, state_name(to));
			goto bad;
		}
		if (m->run_id && !names_run_id(m->run_id)) {
			err_set(e, ERR_INPUT, "line %zu: invalid run id '%.64s' (1-64 of A-Z a-z 0-9 _ . -, or -)", i + 1,
			    run);
			goto bad;
		}
		/* The rules of state_cas_body, said here per line. */
		if (m->run_id == NULL && to != ST_TERMINATED && to != ST_CREATED && m->from != ST_NONE) {
			err_set(e, ERR_INPUT, "line %zu: a run id is required for %s -> %s", i + 1, from, state_name(to));
			goto bad;
		}
		if (m->run_id && m->from == ST_NONE && to == ST_IDLE) {
			err_set(e, ERR_INPUT, "line %zu: none -> idle is a warm instance: no run id", i + 1);
			goto bad;
		}
	}
	*n = lines;
	return 0;
bad:
	free(*moves);
	*moves = NULL;
	return -1;
}
