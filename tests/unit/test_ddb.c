/* The pure DynamoDB helpers: attribute values in and out, numbers. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ddb.h"
#include "t.h"

static void
test_get(void)
{
	const char *json = "{\"pk\":{\"S\":\"i#i-0123456789abcdef0\"},\"state\":{\"S\":\"idle\"},"
	    "\"threshold\":{\"N\":\"1700000000\"},\"neg\":{\"N\":\"-5\"},\"frac\":{\"N\":\"1.5\"},"
	    "\"big\":{\"N\":\"99999999999999999999\"},\"plus\":{\"N\":\"+5\"},\"space\":{\"N\":\" 5\"},"
	    "\"empty\":{\"N\":\"\"},\"minus\":{\"N\":\"-\"},\"num\":{\"N\":5},\"wrongtype\":{\"S\":\"5\"},"
	    "\"max\":{\"N\":\"9223372036854775807\"},\"min\":{\"N\":\"-9223372036854775808\"},"
	    "\"sint\":{\"S\":7}}";
	cJSON *item = cJSON_Parse(json);
	long long n = 42;

	if (!t_ok(item != NULL, "item parses"))
		return;
	t_streq(item_s(item, "state"), "idle", "string attribute");
	t_ok(item_s(item, "missing") == NULL, "missing string is NULL");
	t_ok(item_s(item, "threshold") == NULL, "a number is not a string");
	t_ok(item_s(item, "sint") == NULL, "S holding a JSON number is not a string");
	t_ok(item_s(NULL, "state") == NULL, "NULL item");
	t_ok(item_n(item, "threshold", &n) == 0 && n == 1700000000, "number attribute");
	t_ok(item_n(item, "neg", &n) == 0 && n == -5, "negative number");
	t_ok(item_n(item, "max", &n) == 0 && n == 9223372036854775807LL, "largest long long");
	t_ok(item_n(item, "min", &n) == 0 && n == -9223372036854775807LL - 1, "smallest long long");
	n = 42;
	t_ok(item_n(item, "frac", &n) == -1, "fraction refused");
	t_ok(item_n(item, "big", &n) == -1, "overflow refused, not clamped");
	t_ok(item_n(item, "plus", &n) == -1 && item_n(item, "space", &n) == -1, "'+' and spaces refused");
	t_ok(item_n(item, "empty", &n) == -1 && item_n(item, "minus", &n) == -1, "empty and lone '-'");
	t_ok(item_n(item, "num", &n) == -1, "N must be a JSON string");
	t_ok(item_n(item, "wrongtype", &n) == -1 && item_n(item, "missing", &n) == -1, "wrong type, missing");
	t_inteq(n, 42, "failures leave *out alone");
	cJSON_Delete(item);
}

static void
test_build(void)
{
	cJSON *vals = cJSON_CreateObject();
	char *s;

	t_ok(item_add_s(vals, ":state", "idle") == 0, "add S");
	t_ok(item_add_n(vals, ":now", -1700000000LL) == 0, "add N");
	t_ok(item_add_bool(vals, ":b", 1) == 0 && item_add_bool(vals, ":f", 0) == 0, "add BOOL");
	t_ok(item_add_s(vals, ":q", "a\"b\\c\n") == 0, "add S with characters JSON escapes");
	s = cJSON_PrintUnformatted(vals);
	t_streq(s, "{\":state\":{\"S\":\"idle\"},\":now\":{\"N\":\"-1700000000\"},\":b\":{\"BOOL\":true},"
	    "\":f\":{\"BOOL\":false},\":q\":{\"S\":\"a\\\"b\\\\c\\n\"}}", "ExpressionAttributeValues JSON");
	free(s);
	t_ok(item_add_s(NULL, ":x", "y") == -1, "NULL object refused (no leak: ASan checks)");
	t_ok(item_add_s(vals, ":x", NULL) == -1, "NULL string refused");
	cJSON_Delete(vals);
	vals = item_attr_n(0);
	s = cJSON_PrintUnformatted(vals);
	t_streq(s, "{\"N\":\"0\"}", "zero");
	free(s);
	cJSON_Delete(vals);
}

static void
test_numbers(void)
{
	static const char *const good[] = { "0", "-0", "5", "-5", "1.5", "0.001", ".5", "5.", "1e3", "1E+3",
		"1e-3", "00012", "12345678901234567890123456789012345678",
		"1234567890123456789012345678901234567800000", "0.00000000000000000000000000000000000001",
		"1.2345678901234567890123456789012345678", "9.99e125", "1e-130", "10e124", "0.1e-129",
		"0e999", "1e0000001", NULL };
	static const char *const bad[] = { "", "-", ".", "+5", " 5", "5 ", "1..2", "1.2.3", "e5", "1e",
		"1e+", "abc", "0x10", "1,000", "--1", "123456789012345678901234567890123456789",
		"1.23456789012345678901234567890123456789", "1e126", "10e125", "1e-131", "0.01e-129",
		"1e999999999999", "1e0000009999999", "NaN", "Infinity", NULL };
	int i;

	for (i = 0; good[i]; i++)
		t_ok(item_valid_number(good[i]), "number '%s' valid", good[i]);
	for (i = 0; bad[i]; i++)
		t_ok(!item_valid_number(bad[i]), "number '%s' refused", bad[i]);
	t_ok(!item_valid_number("5\n"), "trailing newline refused");
	t_ok(!item_valid_number(NULL), "NULL refused");
}

int
main(void)
{
	test_get();
	test_build();
	test_numbers();
	return t_done();
}
