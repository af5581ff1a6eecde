/* buf: a growable byte string, always NUL-terminated after len bytes, with
 * a sticky error: once an add fails, every later add is a no-op that fails
 * too, so a caller may build a whole text and check once, at the end. */
#ifndef EC2RP_BUF_H
#define EC2RP_BUF_H

#include <stddef.h>

struct buf {
	char *p;    /* NULL until the first add; then NUL-terminated */
	size_t len; /* bytes used, not counting the terminating NUL */
	size_t cap; /* bytes allocated */
	int failed; /* set by a failed add; cleared only by buf_free */
};

#define BUF_INIT { NULL, 0, 0, 0 }

/* Each returns 0, or -1 when memory runs out or the buffer has already
 * failed (the contents are then unchanged, and failed is set). */
int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Marks the buffer failed, as a failed add does: for builders (query_add)
 * that refuse an input, so that the one check at the end sees it. */
void buf_fail(struct buf *b);
/* Empties the buffer, keeping its memory and its error. */
void buf_reset(struct buf *b);
/* Returns the string and hands its ownership to the caller ("" if empty;
 * NULL if out of memory or the buffer had failed, which is then freed). */
char *buf_take(struct buf *b);
/* Frees the memory and clears the error; buf_free(NULL) does nothing. */
void buf_free(struct buf *b);

#endif
