/* file: the one reader of the small files the tools take (a token, user
 * data, a class config, AWS's shared config and credentials files). */
#ifndef EC2RP_FILE_H
#define EC2RP_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

/* Reads the whole file at path into out (emptied first), refusing more than
 * max bytes. what names the file in messages ("--user-data-file"); the
 * contents never appear in one. 0, or -1 with e set: ERR_LOCAL when it
 * cannot be opened or read (a directory too) or memory runs out, ERR_INPUT
 * when it holds more than max bytes. out is always NUL-terminated on 0. */
int file_read(const char *path, size_t max, const char *what, struct buf *out, struct err *e);
/* The same from an open stream (stdin: the image has no /dev). */
int file_read_stream(FILE *f, size_t max, const char *what, struct buf *out, struct err *e);

#endif
