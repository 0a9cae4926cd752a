/* The workloads' shared formatting, argument parsing and registry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wl.h"

extern const char *const wl_workload_names[];

static char buf[256];

static void test_integers_and_strings(void **state)
{
	(void)state;
	wl_snprintf(buf, sizeof(buf), "%d %u %x %ld %s|%5s|%c %%", -42, 7u, 255u, -9000000000L, "ok", "ab", 'z');
	assert_string_equal(buf, "-42 7 ff -9000000000 ok|   ab|z %");
}

static void test_doubles(void **state)
{
	(void)state;
	wl_snprintf(buf, sizeof(buf), "%.3f %.0f %f %.2f", 3.14159, 2.5, -0.5, 1e20);
	assert_string_equal(buf, "3.142 3 -0.500000 inf");
	wl_snprintf(buf, sizeof(buf), "%.4f", 0.99999);
	assert_string_equal(buf, "1.0000");
}

static void test_truncation(void **state)
{
	(void)state;
	char small[8];
	int n = wl_snprintf(small, sizeof(small), "%s", "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(small, "0123456");
}

static void test_result_line(void **state)
{
	(void)state;
	struct wl_result r;
	wl_result_begin(&r, "cpu", 1);
	wl_result_num(&r, "score", 12.5);
	wl_result_str(&r, "score_unit", "Mrays/s");
	wl_result_num(&r, "rays", 1000);
	wl_result_num(&r, "time_s", 0.000123);
	assert_string_equal(r.line, "result workload=cpu ok=1 score=12.5000 score_unit=Mrays/s rays=1000 time_s=0.000123000");
}

static void test_numbers_with_suffixes(void **state)
{
	(void)state;
	assert_int_equal(wl_atol("64"), 64);
	assert_int_equal(wl_atol("2K"), 2048);
	assert_int_equal(wl_atol("3M"), 3 << 20);
	assert_int_equal(wl_atol("x"), -1);
	assert_int_equal(wl_atol("5Q"), -1);
	assert_int_equal(wl_atol(""), -1);
}

static void test_options(void **state)
{
	(void)state;
	char *argv[] = { "cpu", "--size", "128", "--threads", "2", NULL };
	static const char *const known[] = { "--size", "--threads", NULL };
	assert_int_equal(wl_check_options(5, argv, known, ""), 0);
	assert_int_equal(wl_option(5, argv, "--size", 7), 128);
	assert_int_equal(wl_option(5, argv, "--nope", 7), 7);
	static const char *const fewer[] = { "--size", NULL };
	assert_int_equal(wl_check_options(5, argv, fewer, ""), -1);
	assert_int_equal(wl_check_options(4, argv, known, ""), -1);   /* value missing */
}

/*
 * lwvmm's list of names must match the registry the guest is built from,
 * entry by entry; this native build links every workload but the VM-only ones.
 */
static void test_registry_matches_names(void **state)
{
	(void)state;
	int n = 0;
	for (; wl_workload_names[n]; n++) {
		const char *name = wl_workload_names[n];
		int vm_only = strcmp(name, "hypercall") == 0 || strcmp(name, "selftest") == 0;
		assert_true(n < wl_nworkloads);
		if (vm_only) {
			assert_null(wl_workloads[n]);
			assert_null(wl_find(name));
		} else {
			assert_non_null(wl_workloads[n]);
			assert_string_equal(wl_workloads[n]->name, name);
			assert_ptr_equal(wl_find(name), wl_workloads[n]);
		}
	}
	assert_int_equal(n, wl_nworkloads);
	assert_null(wl_find("nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers_and_strings),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_result_line),
		cmocka_unit_test(test_numbers_with_suffixes),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_registry_matches_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
