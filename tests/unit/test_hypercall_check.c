/* Validation of guest-supplied hypercall blocks and arguments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "guest_memory.h"
#include "hypercall_check.h"

#define MEM (64ULL << 20)

static char why[160];

static struct hc_request req(uint64_t nr, uint64_t a0, uint64_t a1)
{
	struct hc_request r;
	memset(&r, 0, sizeof(r));
	r.nr = nr;
	r.arg[0] = a0;
	r.arg[1] = a1;
	return r;
}

static int check(struct hc_request r)
{
	why[0] = 0;
	return hc_check_request(&r, MEM, 2, why, sizeof(why));
}

static void test_block_fits_a_page(void **state)
{
	(void)state;
	assert_true(sizeof(struct hc_block) <= 4096);
	assert_int_equal(hc_block_bytes(HC_BATCH_MAX), sizeof(struct hc_block));
}

static void test_block_address(void **state)
{
	(void)state;
	assert_int_equal(hc_check_block_gpa(MEM, LW_HCBLOCK_GPA, why, sizeof(why)), 0);
	assert_int_equal(hc_check_block_gpa(MEM, LW_HCBLOCK_GPA + 4, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "aligned"));
	assert_int_equal(hc_check_block_gpa(MEM, MEM, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "outside guest RAM"));
	assert_int_equal(hc_check_block_gpa(MEM, MEM - 8, why, sizeof(why)), -1);
	assert_int_equal(hc_check_block_gpa(MEM, UINT64_MAX - 7, why, sizeof(why)), -1);
}

static void test_block_count(void **state)
{
	(void)state;
	assert_int_equal(hc_check_block_count(MEM, LW_HCBLOCK_GPA, 1, why, sizeof(why)), 0);
	assert_int_equal(hc_check_block_count(MEM, LW_HCBLOCK_GPA, HC_BATCH_MAX, why, sizeof(why)), 0);
	assert_int_equal(hc_check_block_count(MEM, LW_HCBLOCK_GPA, 0, why, sizeof(why)), -1);
	assert_int_equal(hc_check_block_count(MEM, LW_HCBLOCK_GPA, HC_BATCH_MAX + 1, why, sizeof(why)), -1);
	assert_int_equal(hc_check_block_count(MEM, LW_HCBLOCK_GPA, UINT32_MAX, why, sizeof(why)), -1);
	/* A header just inside RAM whose requests run past its end. */
	assert_int_equal(hc_check_block_count(MEM, MEM - 64, 2, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "past the end"));
}

static void test_console_write(void **state)
{
	(void)state;
	assert_int_equal(check(req(HC_CONSOLE_WRITE, 0x300000, 100)), 0);
	assert_int_equal(check(req(HC_CONSOLE_WRITE, MEM - 10, 10)), 0);
	assert_int_equal(check(req(HC_CONSOLE_WRITE, MEM - 10, 11)), -1);
	assert_int_equal(check(req(HC_CONSOLE_WRITE, UINT64_MAX - 4, 16)), -1);   /* wraps around */
	assert_int_equal(check(req(HC_CONSOLE_WRITE, 0x300000, HC_CONSOLE_MAX + 1)), -1);
	assert_non_null(strstr(why, "at most"));
}

static void test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(check(req(HC_EXIT, 0, 0)), 0);
	assert_int_equal(check(req(HC_EXIT, 255, 0)), 0);
	assert_int_equal(check(req(HC_EXIT, 256, 0)), -1);
}

static void test_wake_and_unknown(void **state)
{
	(void)state;
	assert_int_equal(check(req(HC_VCPU_WAKE, 1, 0)), 0);
	assert_int_equal(check(req(HC_VCPU_WAKE, 2, 0)), -1);
	assert_int_equal(check(req(HC_VCPU_WAKE, UINT64_MAX, 0)), -1);
	assert_int_equal(check(req(HC_NULL, 0, 0)), 0);
	assert_int_equal(check(req(HC_TIME, 0, 0)), 0);
	assert_int_equal(check(req(HC_COUNT, 0, 0)), -1);
	assert_non_null(strstr(why, "unknown hypercall"));
}

static void test_guest_range(void **state)
{
	(void)state;
	assert_true(guest_range_ok(MEM, 0, MEM));
	assert_true(guest_range_ok(MEM, MEM, 0));
	assert_false(guest_range_ok(MEM, 1, MEM));
	assert_false(guest_range_ok(MEM, MEM + 1, 0));
	assert_false(guest_range_ok(MEM, 8, UINT64_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_fits_a_page),
		cmocka_unit_test(test_block_address),
		cmocka_unit_test(test_block_count),
		cmocka_unit_test(test_console_write),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_wake_and_unknown),
		cmocka_unit_test(test_guest_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
