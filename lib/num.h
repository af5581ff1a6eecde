/* num: the one strict integer parser of the tools and the library. Pure. */
#ifndef EC2RP_NUM_H
#define EC2RP_NUM_H

/* Parses s as a whole decimal integer in [min, max]: an optional '-', then
 * digits without leading zeros ("0" itself is fine, "-0" is not); no '+', no spaces, no
 * other text. 0 with the value in *out, or -1 (*out untouched) when s is
 * NULL, malformed, or out of range (never clamped). */
int num_parse(const char *s, long long min, long long max, long long *out);

#endif
