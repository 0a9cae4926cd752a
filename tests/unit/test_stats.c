/* Unit tests of the summary statistics (bench/common/stats.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats.h"

static void test_empty(void **state)
{
	struct stats s;
	(void)state;
	assert_int_equal(stats_compute(NULL, 0, &s), -1);
	assert_int_equal(s.n, 0);
}

static void test_single_sample(void **state)
{
	double x[] = { 4.5 };
	struct stats s;
	(void)state;
	assert_int_equal(stats_compute(x, 1, &s), 0);
	assert_int_equal(s.n, 1);
	assert_float_equal(s.median, 4.5, 1e-12);
	assert_float_equal(s.min, 4.5, 1e-12);
	assert_float_equal(s.max, 4.5, 1e-12);
	assert_float_equal(s.q1, 4.5, 1e-12);
	assert_float_equal(s.q3, 4.5, 1e-12);
	assert_float_equal(s.stddev, 0, 1e-12);
}

static void test_odd_unsorted(void **state)
{
	double x[] = { 5, 1, 4, 2, 3 };
	struct stats s;
	(void)state;
	assert_int_equal(stats_compute(x, 5, &s), 0);
	assert_float_equal(s.median, 3, 1e-12);
	assert_float_equal(s.mean, 3, 1e-12);
	assert_float_equal(s.min, 1, 1e-12);
	assert_float_equal(s.max, 5, 1e-12);
	assert_float_equal(s.q1, 2, 1e-12);
	assert_float_equal(s.q3, 4, 1e-12);
	assert_float_equal(s.stddev, 1.5811388300841898, 1e-12); /* sqrt(2.5) */
	assert_float_equal(x[0], 5, 0); /* input untouched */
}

static void test_even(void **state)
{
	double x[] = { 10, 40, 20, 30 };
	struct stats s;
	(void)state;
	assert_int_equal(stats_compute(x, 4, &s), 0);
	assert_float_equal(s.median, 25, 1e-12);
	assert_float_equal(s.q1, 17.5, 1e-12);
	assert_float_equal(s.q3, 32.5, 1e-12);
	assert_float_equal(s.mean, 25, 1e-12);
}

static void test_identical_and_negative(void **state)
{
	double same[] = { 7, 7, 7 };
	double neg[] = { -3, -1, -2 };
	struct stats s;
	(void)state;
	assert_int_equal(stats_compute(same, 3, &s), 0);
	assert_float_equal(s.stddev, 0, 1e-12);
	assert_int_equal(stats_compute(neg, 3, &s), 0);
	assert_float_equal(s.median, -2, 1e-12);
	assert_float_equal(s.min, -3, 1e-12);
}

static void test_quantile_ends(void **state)
{
	double sorted[] = { 1, 2, 3 };
	(void)state;
	assert_float_equal(stats_quantile_sorted(sorted, 3, 0), 1, 1e-12);
	assert_float_equal(stats_quantile_sorted(sorted, 3, 1), 3, 1e-12);
	assert_float_equal(stats_quantile_sorted(sorted, 1, 0.5), 1, 1e-12);
}

/* The sign test's interval for the median, against binomial tables. */
static void test_median_ci(void **state)
{
	double five[] = { 3, 1, 5, 2, 4 };
	double nine[] = { 9, 1, 8, 2, 7, 3, 6, 4, 5 };
	double twenty[20];
	double lo, hi;
	(void)state;
	assert_true(stats_median_ci(five, 1, 0.95, &lo, &hi) < 0);
	/* n = 5 cannot reach 95%: min - max covers 1 - 2/32 */
	assert_float_equal(stats_median_ci(five, 5, 0.95, &lo, &hi), 0.9375, 1e-12);
	assert_float_equal(lo, 1, 0);
	assert_float_equal(hi, 5, 0);
	/* n = 9: 2nd to 8th value, 1 - 2 * 10/512 */
	assert_float_equal(stats_median_ci(nine, 9, 0.95, &lo, &hi), 1 - 20.0 / 512, 1e-12);
	assert_float_equal(lo, 2, 0);
	assert_float_equal(hi, 8, 0);
	/* n = 20: 6th to 15th value, 1 - 2 * P(X <= 5) = 1 - 2 * 21700/2^20 */
	for (int i = 0; i < 20; i++)
		twenty[i] = 20 - i;
	assert_float_equal(stats_median_ci(twenty, 20, 0.95, &lo, &hi), 1 - 43400.0 / 1048576, 1e-9);
	assert_float_equal(lo, 6, 0);
	assert_float_equal(hi, 15, 0);
	assert_float_equal(twenty[0], 20, 0); /* input untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_single_sample),
		cmocka_unit_test(test_odd_unsorted),
		cmocka_unit_test(test_even),
		cmocka_unit_test(test_identical_and_negative),
		cmocka_unit_test(test_quantile_ends),
		cmocka_unit_test(test_median_ci),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
