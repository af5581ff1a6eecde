#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "xml.h"

struct parser {
	const char *p, *end;
	int depth;
	long nodes;
	const char *why; /* what is wrong, for the error message */
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Control bytes other than tab, LF and CR are not XML characters. */
static int
is_control(char c)
{
	return (unsigned char)c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

static int
is_name(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == '.' || c == ':' || (unsigned char)c >= 0x80;
}

static int
starts(struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0;
}

/* Skips past the first occurrence of s; -1 if it never comes. */
static int
skip_past(struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	while ((size_t)(ps->end - ps->p) >= n) {
		if (memcmp(ps->p, s, n) == 0) {
			ps->p += n;
			return 0;
		}
		ps->p++;
	}
	ps->why = "unterminated markup";
	return -1;
}

static int
add_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	/* Only what XML 1.0 calls a Char may be referenced (section 2.2). */
	if ((cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
		return -1;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_add(b, u, n);
}

/* Decodes one entity at ps->p ('&' already seen). */
static int
entity(struct parser *ps, struct buf *b)
{
	static const char *const names[] = { "lt;", "gt;", "amp;", "quot;", "apos;" };
	static const char chars[] = "<>&\"'";
	unsigned long cp = 0;
	int i, base = 10, ndig = 0;

	for (i = 0; i < 5; i++)
		if (starts(ps, names[i])) {
			ps->p += strlen(names[i]);
			return buf_addc(b, chars[i]);
		}
	if (!starts(ps, "#")) {
		ps->why = "unknown entity";
		return -1;
	}
	ps->p++;
	if (ps->p < ps->end && *ps->p == 'x') {
		base = 16;
		ps->p++;
	}
	while (ps->p < ps->end && *ps->p != ';') {
		char c = *ps->p++;
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			d = -1;
		if (d < 0 || ++ndig > 8) {
			ps->why = "bad character reference";
			return -1;
		}
		cp = cp * (unsigned long)base + (unsigned long)d;
	}
	if (ps->p == ps->end || ndig == 0 || add_utf8(b, cp)) {
		ps->why = "bad character reference";
		return -1;
	}
	ps->p++;
	return 0;
}

/* Reads a name; returns its length (0 if none). */
static size_t
name_len(struct parser *ps)
{
	const char *s = ps->p;

	while (ps->p < ps->end && is_name(*ps->p))
		ps->p++;
	return (size_t)(ps->p - s);
}

/* 1 if the n bytes at s are a name as namespaces allow it: not starting
 * with a digit, '-' or '.', and at most one ':' with text on both sides. */
static int
qname_ok(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);

	if (n == 0 || (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '.')
		return 0;
	if (colon == NULL)
		return 1;
	return colon > s && colon < s + n - 1 && memchr(colon + 1, ':', (size_t)(s + n - colon - 1)) == NULL &&
	    qname_ok(colon + 1, (size_t)(s + n - colon - 1));
}

static char *
local_name(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	char *r;

	if (colon) {
		n -= (size_t)(colon + 1 - s);
		s = colon + 1;
	}
	r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

/* Skips the attributes of a start tag, checking their form. */
static int
attributes(struct parser *ps)
{
	for (;;) {
		char q;

		while (ps->p < ps->end && is_space(*ps->p))
			ps->p++;
		if (ps->p == ps->end || *ps->p == '>' || *ps->p == '/')
			return 0;
		if (name_len(ps) == 0 || ps->p == ps->end || *ps->p++ != '=' || ps->p == ps->end ||
		    (*ps->p != '"' && *ps->p != '\'')) {
			ps->why = "malformed attribute";
			return -1;
		}
		q = *ps->p++;
		while (ps->p < ps->end && *ps->p != q) {
			if (*ps->p == '<') {
				ps->why = "'<' in an attribute";
				return -1;
			}
			ps->p++;
		}
		if (ps->p == ps->end) {
			ps->why = "unterminated attribute";
			return -1;
		}
		ps->p++;
	}
}

/* Skips comments, processing instructions and whitespace between elements. */
static int
misc(struct parser *ps)
{
	for (;;) {
		while (ps->p < ps->end && is_space(*ps->p))
			ps->p++;
		if (starts(ps, "<!--")) {
			if (skip_past(ps, "-->"))
				return -1;
		} else if (starts(ps, "<?")) {
			if (skip_past(ps, "?>"))
				return -1;
		} else {
			return 0;
		}
	}
}

static struct xml *element(struct parser *ps);

/* Content of an element up to its end tag: text, CDATA, children. */
static int
content(struct parser *ps, struct xml *x, const char *tag, size_t taglen)
{
	struct buf text = BUF_INIT;
	struct xml **tail = &x->child;

	for (;;) {
		if (ps->p == ps->end) {
			ps->why = "truncated document";
			goto fail;
		}
		if (*ps->p == '&') {
			ps->p++;
			if (entity(ps, &text))
				goto fail;
		} else if (starts(ps, "<![CDATA[")) {
			const char *s = ps->p += 9;

			if (skip_past(ps, "]]>") || buf_add(&text, s, (size_t)(ps->p - 3 - s)))
				goto fail;
		} else if (starts(ps, "<!--")) {
			if (skip_past(ps, "-->"))
				goto fail;
		} else if (starts(ps, "<?")) {
			if (skip_past(ps, "?>"))
				goto fail;
		} else if (starts(ps, "</")) {
			ps->p += 2;
			if ((size_t)(ps->end - ps->p) < taglen || memcmp(ps->p, tag, taglen) != 0 ||
			    (ps->p += taglen, name_len(ps) != 0)) {
				ps->why = "mismatched end tag";
				goto fail;
			}
			while (ps->p < ps->end && is_space(*ps->p))
				ps->p++;
			if (ps->p == ps->end || *ps->p++ != '>') {
				ps->why = "malformed end tag";
				goto fail;
			}
			break;
		} else if (*ps->p == '<') {
			struct xml *c = element(ps);

			if (c == NULL)
				goto fail;
			*tail = c;
			tail = &c->next;
		} else {
			if (buf_addc(&text, *ps->p++))
				goto fail;
		}
	}
	x->text = buf_take(&text);
	return x->text ? 0 : -1;
fail:
	buf_free(&text);
	return -1;
}

static struct xml *
element(struct parser *ps)
{
	struct xml *x;
	const char *tag;
	size_t taglen;

	if (++ps->depth > XML_MAX_DEPTH) {
		ps->why = "nested too deeply";
		return NULL;
	}
	/* Each element costs ~100 bytes of memory for as few as 4 of input. */
	if (++ps->nodes > XML_MAX_NODES) {
		ps->why = "too many elements";
		return NULL;
	}
	if (ps->p == ps->end || *ps->p != '<') {
		ps->why = "expected an element";
		return NULL;
	}
	ps->p++;
	tag = ps->p;
	taglen = name_len(ps);
	if (!qname_ok(tag, taglen)) {
		ps->why = "malformed start tag";
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL || (x->name = local_name(tag, taglen)) == NULL || attributes(ps))
		goto fail;
	if (starts(ps, "/>")) {
		ps->p += 2;
		x->text = calloc(1, 1);
		if (x->text == NULL)
			goto fail;
	} else if (ps->p < ps->end && *ps->p == '>') {
		ps->p++;
		if (content(ps, x, tag, taglen))
			goto fail;
	} else {
		ps->why = "malformed start tag";
		goto fail;
	}
	ps->depth--;
	return x;
fail:
	xml_free(x);
	return NULL;
}

int
xml_parse(const char *s, size_t n, struct xml **out, struct err *e)
{
	struct parser ps = { NULL, NULL, 0, 0, NULL };
	struct xml *x = NULL;
	size_t i;

	*out = NULL;
	if (s == NULL) {
		s = "";
		n = 0;
	}
	ps.p = s;
	ps.end = s + n;
	if (n > XML_MAX_SIZE) {
		err_set(e, ERR_PERMANENT, "XML response too large (%zu bytes)", n);
		return -1;
	}
	/* No control bytes anywhere, NUL included: not even in CDATA or comments. */
	for (i = 0; i < n; i++)
		if (is_control(s[i])) {
			err_set(e, ERR_PERMANENT, "malformed XML response: control byte at byte %zu", i);
			return -1;
		}
	if (misc(&ps) || (x = element(&ps)) == NULL || misc(&ps)) {
		xml_free(x);
		err_set(e, ERR_PERMANENT, "malformed XML response: %s at byte %ld",
		    ps.why ? ps.why : "unexpected input", (long)(ps.p - s));
		return -1;
	}
	if (ps.p != ps.end) {
		xml_free(x);
		err_set(e, ERR_PERMANENT, "malformed XML response: content after the root element");
		return -1;
	}
	*out = x;
	return 0;
}

void
xml_free(struct xml *x)
{
	while (x) {
		struct xml *next = x->next;

		xml_free(x->child);
		free(x->name);
		free(x->text);
		free(x);
		x = next;
	}
}

struct xml *
xml_child(const struct xml *x, const char *name)
{
	struct xml *c;

	for (c = x ? x->child : NULL; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

struct xml *
xml_next(const struct xml *x)
{
	struct xml *c;

	for (c = x ? x->next : NULL; c; c = c->next)
		if (strcmp(c->name, x->name) == 0)
			return c;
	return NULL;
}

struct xml *
xml_find(const struct xml *x, const char *path)
{
	char name[128];

	while (x && *path) {
		size_t n = strcspn(path, "/");

		if (n >= sizeof(name))
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		x = xml_child(x, name);
		path += n;
		if (*path == '/')
			path++;
	}
	return (struct xml *)x;
}

const char *
xml_text(const struct xml *x, const char *path)
{
	const struct xml *f = xml_find(x, path);

	return f && f->text ? f->text : "";
}

/* Copies s into dst, truncated, with control characters made spaces: the
 * code and message end up in one-line errors and logs. */
static void
one_line(char *dst, size_t sz, const char *s)
{
	if (sz == 0)
		return;
	snprintf(dst, sz, "%s", s);
	text_clean_inplace(dst);
}

int
xml_aws_error(const struct xml *doc, char *code, size_t codesz, char *msg, size_t msgsz)
{
	const struct xml *err = NULL;

	if (doc == NULL)
		return 0;
	if (strcmp(doc->name, "Response") == 0)
		err = xml_find(doc, "Errors/Error");
	else if (strcmp(doc->name, "ErrorResponse") == 0)
		err = xml_child(doc, "Error");
	if (err == NULL || xml_text(err, "Code")[0] == '\0')
		return 0;
	one_line(code, codesz, xml_text(err, "Code"));
	one_line(msg, msgsz, xml_text(err, "Message"));
	return 1;
}
