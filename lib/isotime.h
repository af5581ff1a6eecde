/* isotime: ISO 8601 and HTTP dates to epoch seconds, without gmtime/timegm
 * or the TZ environment. Pure. */
#ifndef EC2RP_ISOTIME_H
#define EC2RP_ISOTIME_H

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
long long isotime_days(long long y, unsigned m, unsigned d);
/* Parses "2015-08-30T12:36:00Z", with optional fraction (".123") and an
 * optional "+hh:mm"/"-hh:mm" offset instead of Z. 0, or -1 if malformed. */
int isotime_parse(const char *s, long long *out);
/* Parses an HTTP date: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 1123), and the
 * obsolete forms "Sunday, 06-Nov-94 08:49:37 GMT" and "Sun Nov  6 08:49:37 1994".
 * 0, or -1 if malformed. */
int isotime_parse_http(const char *s, long long *out);

#endif
