/* buf: a growable byte string, always NUL-terminated after len bytes. */
#ifndef EC2RP_BUF_H
#define EC2RP_BUF_H

#include <stddef.h>

struct buf {
	char *p;    /* NULL until the first add; then NUL-terminated */
	size_t len; /* bytes used, not counting the terminating NUL */
	size_t cap; /* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

/* Each returns 0, or -1 when memory runs out (the buffer is then unchanged). */
int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Returns the string and hands its ownership to the caller ("" if empty, NULL if out of memory). */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

#endif
