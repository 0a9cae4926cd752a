/* Parsing of lwvmm's command-line values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "options.h"

static void test_sizes(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(parse_size("512M", &v), 0);
	assert_int_equal(v, 512ULL << 20);
	assert_int_equal(parse_size("2G", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(parse_size("256MiB", &v), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("M", &v), -1);
	assert_int_equal(parse_size("-1G", &v), -1);
	assert_int_equal(parse_size("0", &v), -1);
	assert_int_equal(parse_size("12X", &v), -1);
	assert_int_equal(parse_size("1G2", &v), -1);
	assert_int_equal(parse_size("99999999999999999999", &v), -2);
	assert_int_equal(parse_size("17179869184G", &v), -2);   /* overflows 64 bits */
}

static void test_longs(void **state)
{
	(void)state;
	long v;
	assert_int_equal(parse_long("4", 1, 64, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(parse_long("0", 1, 64, &v), -1);
	assert_int_equal(parse_long("65", 1, 64, &v), -1);
	assert_int_equal(parse_long("2x", 1, 64, &v), -1);
	assert_int_equal(parse_long("", 1, 64, &v), -1);
}

static void test_seconds(void **state)
{
	(void)state;
	double v;
	assert_int_equal(parse_seconds("1.5", &v), 0);
	assert_true(v > 1.49 && v < 1.51);
	assert_int_equal(parse_seconds("0", &v), -1);
	assert_int_equal(parse_seconds("-3", &v), -1);
	assert_int_equal(parse_seconds("nan", &v), -1);
	assert_int_equal(parse_seconds("5s", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_longs),
		cmocka_unit_test(test_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
