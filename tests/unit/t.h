/* t: a minimal TAP-like test helper. Each check prints "ok N - name" or
 * "not ok N - name"; tests/run.sh counts them. */
#ifndef EC2RP_T_H
#define EC2RP_T_H

#include <stddef.h>

/* Records one check; returns cond so a test can stop early on failure. */
int t_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Checks two strings are equal (NULL-safe); prints both on mismatch. */
int t_streq(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Checks two integers are equal. */
int t_inteq(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reads a whole file into a NUL-terminated malloc'd string (NULL if unreadable). */
char *t_slurp(const char *path, size_t *len);
/* Out-of-memory paths: t_lowmem(1) caps the address space a little above
 * what the process uses now, so that an allocation of tens of MiB fails;
 * t_lowmem(0) lifts the cap. Make the large input before the cap. 1 when
 * the cap holds; 0 where it does not (qemu user mode): skip the checks. */
int t_lowmem(int on);
/* Prints the plan line and returns the exit status: 0 if every check passed. */
int t_done(void);

/* Parses the XML text s (lib/xml.h): the document (xml_free it), or NULL
 * when it does not parse. */
struct xml;
struct xml *t_xml(const char *s);

#endif
