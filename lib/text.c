#include "text.h"

int
text_is_control(int c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

int
text_has_control(const char *s)
{
	for (; *s; s++)
		if (text_is_control(*s))
			return 1;
	return 0;
}

int
text_clean(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_addc(out, text_is_control(*s) ? ' ' : *s);
	return out->failed ? -1 : 0;
}

void
text_clean_inplace(char *s)
{
	for (; *s; s++)
		if (text_is_control(*s))
			*s = ' ';
}
