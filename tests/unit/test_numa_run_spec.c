/* numa-policy/run_spec: lwvmm's --numa-policy parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "run_spec.h"

static void test_defaults(void **state)
{
	(void)state;
	struct numa_run_spec s;
	struct numa_policy_params d;
	char err[256];

	numa_policy_defaults(&d);
	assert_int_equal(numa_run_spec_parse(&s, "track", err, sizeof(err)), 0);
	assert_int_equal(s.mode, NUMA_RUN_TRACK);
	assert_int_equal(s.period_ms, 100);
	assert_int_equal(s.sample_pages, 512);
	assert_int_equal(s.budget_pct, 2);
	assert_int_equal(s.policy.migrate, 0);
	assert_int_equal(s.policy.replicate, 0);
	assert_int_equal(s.policy.hot_threshold, d.hot_threshold);
	assert_int_equal(numa_run_spec_parse(&s, "migrate", err, sizeof(err)), 0);
	assert_int_equal(s.mode, NUMA_RUN_MIGRATE);
	assert_int_equal(s.policy.migrate, 1);
	assert_int_equal(s.policy.replicate, 0);
	assert_int_equal(numa_run_spec_parse(&s, "replicate", err, sizeof(err)), 0);
	assert_int_equal(s.policy.replicate, 1);
	assert_string_equal(numa_run_mode_name(NUMA_RUN_MIGRATE), "migrate");
}

static void test_options(void **state)
{
	(void)state;
	struct numa_run_spec s;
	char err[256];

	assert_int_equal(numa_run_spec_parse(&s, "migrate,period=20,sample=all,hot=2,dominance=60,max-moves=0",
					     err, sizeof(err)), 0);
	assert_int_equal(s.period_ms, 20);
	assert_int_equal(s.sample_pages, 0);
	assert_int_equal(s.policy.hot_threshold, 2);
	assert_int_equal(s.policy.dominance_pct, 60);
	assert_int_equal(s.policy.max_moves, 0);
	assert_int_equal(numa_run_spec_parse(&s, "track,sample=4096,budget=5", err, sizeof(err)), 0);
	assert_int_equal(s.sample_pages, 4096);
	assert_int_equal(s.budget_pct, 5);
	assert_int_equal(numa_run_spec_parse(&s, "track,budget=off", err, sizeof(err)), 0);
	assert_int_equal(s.budget_pct, 0);
}

static void expect_error(const char *spec, const char *want)
{
	struct numa_run_spec s;
	char err[256] = "";

	assert_int_equal(numa_run_spec_parse(&s, spec, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("'%s': got '%s', want '%s'", spec, err, want);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "expected track, migrate or replicate first");
	expect_error("move", "'move': expected track, migrate or replicate");
	expect_error("period=10", "expected track, migrate or replicate first");
	expect_error("migrate,period=0", "period=0: expected milliseconds from 1 to 60000");
	expect_error("migrate,period=60001", "period=60001");
	expect_error("migrate,period=x", "period=x");
	expect_error("migrate,sample=0", "sample=0: expected a number of pages");
	expect_error("migrate,sample=some", "sample=some");
	expect_error("migrate,hot=0", "hot=0: expected samples");
	expect_error("migrate,budget=0", "budget=0: expected a percentage from 1 to 100 or off");
	expect_error("migrate,budget=101", "budget=101");
	expect_error("migrate,dominance=50", "dominance=50: expected a percentage from 51 to 100");
	expect_error("migrate,dominance=101", "dominance=101");
	expect_error("migrate,max-moves=-1", "max-moves=-1");
	expect_error("migrate,speed=3", "'speed=3': expected period=MS");
	expect_error("migrate,", "an empty option");
	expect_error("migrate,,hot=2", "an empty option");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
