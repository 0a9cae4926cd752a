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
		{ 7, 0x5000, 0 }, { 9, 0, 1 }, { 3, 0, 0 }, { 7, 0x3000, 1 }, { 3, 0, 1 }, { 7, 0x4000, 0 },
		{ 5, 0, 2 }, { 6, 0x1000, 2 }, { 6, 0x2000, 2 },
	};
	struct memmap_domain d[3];
	struct memmap_sharing sh;

	memset(d, 0, sizeof(d));
	memmap_count_sharing(f, sizeof(f) / sizeof(f[0]), 3, d, &sh);
	assert_int_equal(d[0].shared, 2);
	assert_int_equal(d[0].cross_domain, 2);
	assert_int_equal(d[0].zero, 1);
	assert_int_equal(d[1].shared, 1);
	assert_int_equal(d[1].cross_domain, 1);
	assert_int_equal(d[1].zero, 1);
	assert_int_equal(d[2].shared, 2);        /* two of its own pages on frame 6 */
	assert_int_equal(d[2].cross_domain, 0);
	/* frames 6 and 7 are shared (3, the zero page, is not counted) */
	assert_int_equal(sh.frames, 2);
	assert_int_equal(sh.same_page_frames, 0);   /* frame 7's users are at three addresses */
	assert_int_equal(sh.nexamples, 2);
	assert_int_equal(sh.example[0].pfn, 6);
	assert_int_equal(sh.example[1].pfn, 7);
	assert_int_equal(sh.example[1].nusers, 3);
	assert_int_equal(sh.example[1].user[0].domain, 0);
	assert_int_equal(sh.example[1].user[0].gpa, 0x4000);
	assert_int_equal(sh.example[1].user[1].gpa, 0x5000);
	assert_int_equal(sh.example[1].user[2].domain, 1);
	/* sorted by frame, then domain */
	for (size_t i = 1; i < sizeof(f) / sizeof(f[0]); i++)
		assert_true(f[i - 1].pfn < f[i].pfn || (f[i - 1].pfn == f[i].pfn && f[i - 1].domain <= f[i].domain));
}

/* Disco's case: guest page 0x8000 of domains 0, 1 and 2 on one frame; 0x9000 only of 0 and 1 but at two addresses. */
static void test_same_page(void **state)
{
	(void)state;
	struct memmap_frame f[] = {
		{ 11, 0x8000, 2 }, { 11, 0x8000, 0 }, { 11, 0x8000, 1 }, { 12, 0x9000, 0 }, { 12, 0xa000, 1 },
		{ 13, 0x7000, 0 }, { 13, 0x7000, 0 },
	};
	struct memmap_domain d[3];
	struct memmap_sharing sh;

	memset(d, 0, sizeof(d));
	memmap_count_sharing(f, sizeof(f) / sizeof(f[0]), 0, d, &sh);
	assert_int_equal(sh.frames, 3);
	assert_int_equal(sh.same_page_frames, 1);
}

static void test_nothing_shared(void **state)
{
	(void)state;
	struct memmap_frame f[] = { { 4, 0, 0 }, { 2, 0, 0 }, { 8, 0, 1 } };
	struct memmap_domain d[2];
	struct memmap_sharing sh;

	memset(d, 0, sizeof(d));
	memmap_count_sharing(f, 3, 0, d, &sh);   /* no zero page known */
	assert_int_equal(d[0].shared + d[1].shared + d[0].cross_domain + d[1].cross_domain, 0);
	assert_int_equal(sh.frames, 0);
	memmap_count_sharing(f, 0, 0, d, &sh);
	assert_int_equal(sh.nexamples, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sharing),
		cmocka_unit_test(test_same_page),
		cmocka_unit_test(test_nothing_shared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
