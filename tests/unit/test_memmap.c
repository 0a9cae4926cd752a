/* The memmap's count of shared host frames (lwvmm/memmap.c, memmap_count_sharing). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "memmap.h"

static void test_sharing(void **state)
{
	(void)state;
	/* frame 7: two pages of domain 0 and one of 1; frame 9: domain 1 alone; 3: the zero page */
	struct memmap_frame f[] = {
		{ 7, 0 }, { 9, 1 }, { 3, 0 }, { 7, 1 }, { 3, 1 }, { 7, 0 }, { 5, 2 }, { 6, 2 }, { 6, 2 },
	};
	struct memmap_domain d[3];

	memset(d, 0, sizeof(d));
	memmap_count_sharing(f, sizeof(f) / sizeof(f[0]), 3, d);
	assert_int_equal(d[0].shared, 2);
	assert_int_equal(d[0].cross_domain, 2);
	assert_int_equal(d[0].zero, 1);
	assert_int_equal(d[1].shared, 1);
	assert_int_equal(d[1].cross_domain, 1);
	assert_int_equal(d[1].zero, 1);
	assert_int_equal(d[2].shared, 2);        /* two of its own pages on frame 6 */
	assert_int_equal(d[2].cross_domain, 0);
	/* sorted by frame, then domain */
	for (size_t i = 1; i < sizeof(f) / sizeof(f[0]); i++)
		assert_true(f[i - 1].pfn < f[i].pfn || (f[i - 1].pfn == f[i].pfn && f[i - 1].domain <= f[i].domain));
}

static void test_nothing_shared(void **state)
{
	(void)state;
	struct memmap_frame f[] = { { 4, 0 }, { 2, 0 }, { 8, 1 } };
	struct memmap_domain d[2];

	memset(d, 0, sizeof(d));
	memmap_count_sharing(f, 3, 0, d);   /* no zero page known */
	assert_int_equal(d[0].shared + d[1].shared + d[0].cross_domain + d[1].cross_domain, 0);
	memmap_count_sharing(f, 0, 0, d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sharing),
		cmocka_unit_test(test_nothing_shared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
