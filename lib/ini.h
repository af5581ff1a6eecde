/* ini: looks up one key of one section in the text of an AWS shared config
 * or credentials file. Pure. */
#ifndef EC2RP_INI_H
#define EC2RP_INI_H

#include "buf.h"

/* Finds key in [section] of text: keys and section names are matched
 * exactly after trimming; '#' and ';' start comment lines; later duplicates
 * win. Returns 1 with the trimmed value in out, 0 if absent. */
int ini_get(const char *text, const char *section, const char *key, struct buf *out);
/* 1 if text has a [section] header (matched exactly after trimming), else 0. */
int ini_has_section(const char *text, const char *section);

#endif
