/* text: making outside text safe for one line of output. Pure. */
#ifndef EC2RP_TEXT_H
#define EC2RP_TEXT_H

#include <stddef.h>

#include "buf.h"

/* 1 if c is a control character: below 0x20, or DEL. */
int text_is_control(int c);
/* 1 if s has a control character (tab and newline included). */
int text_has_control(const char *s);
/* Appends s with each control character as a space, so that text from a
 * service or a user stays one field of one line. 0, or -1 (buf.h). */
int text_clean(struct buf *out, const char *s);
/* The same in place, for a fixed buffer. */
void text_clean_inplace(char *s);

#endif
