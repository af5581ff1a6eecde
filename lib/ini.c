#include <string.h>

#include "ini.h"

static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

static int
equals(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) == n && memcmp(s, word, n) == 0;
}

/* For a section header line [s, e): 1 with the trimmed name in *ns, *ne. */
static int
header(const char *s, const char *e, const char **ns, const char **ne)
{
	const char *close;

	if (s >= e || *s != '[' || (close = memchr(s, ']', (size_t)(e - s))) == NULL)
		return 0;
	*ns = s + 1;
	*ne = close;
	trim(ns, ne);
	return 1;
}

int
ini_has_section(const char *text, const char *section)
{
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n'), *s = line, *e, *ns, *ne;

		if (end == NULL)
			end = line + strlen(line);
		e = end;
		trim(&s, &e);
		if (header(s, e, &ns, &ne) && equals(ns, ne, section))
			return 1;
		line = *end ? end + 1 : end;
	}
	return 0;
}

int
ini_get(const char *text, const char *section, const char *key, struct buf *out)
{
	const char *line = text;
	int in_section = 0, found = 0;

	while (*line) {
		const char *end = strchr(line, '\n'), *s = line, *e, *eq, *ns, *ne;

		if (end == NULL)
			end = line + strlen(line);
		e = end;
		trim(&s, &e);
		if (s < e && *s == '[') {
			in_section = header(s, e, &ns, &ne) && equals(ns, ne, section);
		} else if (in_section && s < e && *s != '#' && *s != ';' &&
		    (eq = memchr(s, '=', (size_t)(e - s))) != NULL) {
			const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;

			trim(&ks, &ke);
			trim(&vs, &ve);
			if (equals(ks, ke, key)) {
				buf_reset(out);
				if (buf_add(out, vs, (size_t)(ve - vs)) == 0)
					found = 1;
			}
		}
		line = *end ? end + 1 : end;
	}
	return found;
}
