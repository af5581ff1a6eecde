/* text: control characters out of one-line output. */
#include <string.h>

#include "t.h"
#include "text.h"

int
main(void)
{
	struct buf b = BUF_INIT;
	char s[] = "a\tb\nc\rd\x7f" "e\x01\xc3\xa9";

	t_ok(text_is_control('\t') && text_is_control('\n') && text_is_control(0x7f) && text_is_control(0),
	    "tab, newline, DEL, NUL are control characters");
	t_ok(!text_is_control(' ') && !text_is_control('~') && !text_is_control((char)0xc3),
	    "space, '~' and UTF-8 bytes are not");
	t_ok(text_has_control("a\tb") && !text_has_control("plain text, caf\xc3\xa9"), "text_has_control");
	t_ok(text_clean(&b, s) == 0, "text_clean");
	t_streq(b.p, "a b c d e \xc3\xa9", "each control character a space, UTF-8 kept");
	text_clean_inplace(s);
	t_streq(s, b.p, "in place, the same");
	buf_free(&b);
	t_ok(text_clean(&b, "") == 0 && b.len == 0, "empty text");
	buf_fail(&b);
	t_ok(text_clean(&b, "x") == -1, "a failed buffer fails");
	buf_free(&b);
	return t_done();
}
