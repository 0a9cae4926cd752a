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

/* RAM of MEM bytes, owned by the guest from 2 MiB up, with one ring at 0x400000. */
static const struct guest_memory mem = {
	.fd = -1, .size = MEM, .owned_from = 0x200000,
	.rings = { { .gpa = 0x400000, .bytes = 8192 } }, .nrings = 1,
};
static const struct hc_env env = { .mem = &mem, .ncpus = 2 };

typedef int check_fn(const struct hc_request *, const struct hc_env *, char *, size_t);

static int check(check_fn *fn, struct hc_request r)
{
	why[0] = 0;
	return fn(&r, &env, why, sizeof(why));
}

static void test_block_fits_a_page(void **state)
{
	(void)state;
	assert_true(sizeof(struct hc_block) <= 4096);
	assert_int_equal(hc_block_bytes(HC_BATCH_MAX), sizeof(struct hc_block));
}

/* The block must be the caller's own page: the monitor writes results back there. */
static void test_block_address(void **state)
{
	(void)state;
	assert_int_equal(hc_check_block_gpa(LW_HCBLOCK_GPA, 0, why, sizeof(why)), 0);
	assert_int_equal(hc_check_block_gpa(LW_HCBLOCK_GPA + 4096, 1, why, sizeof(why)), 0);
	assert_int_equal(hc_check_block_gpa(LW_HCBLOCK_GPA + 4096, 0, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not vCPU 0's own block"));
	assert_int_equal(hc_check_block_gpa(LW_HCBLOCK_GPA + 4, 0, why, sizeof(why)), -1);
	assert_int_equal(hc_check_block_gpa(LW_PAGETABLE_GPA, 0, why, sizeof(why)), -1);
	assert_int_equal(hc_check_block_gpa(UINT64_MAX - 7, 0, why, sizeof(why)), -1);
}

static void test_block_count(void **state)
{
	(void)state;
	assert_int_equal(hc_check_block_count(1, why, sizeof(why)), 0);
	assert_int_equal(hc_check_block_count(HC_BATCH_MAX, why, sizeof(why)), 0);
	assert_int_equal(hc_check_block_count(0, why, sizeof(why)), -1);
	assert_int_equal(hc_check_block_count(HC_BATCH_MAX + 1, why, sizeof(why)), -1);
	assert_int_equal(hc_check_block_count(UINT32_MAX, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "1 to 63"));
}

static void test_console_write(void **state)
{
	(void)state;
	assert_int_equal(check(hc_check_console_write, req(HC_CONSOLE_WRITE, 0x300000, 100)), 0);
	assert_int_equal(check(hc_check_console_write, req(HC_CONSOLE_WRITE, MEM - 10, 10)), 0);
	assert_int_equal(check(hc_check_console_write, req(HC_CONSOLE_WRITE, MEM - 10, 11)), -1);
	assert_int_equal(check(hc_check_console_write, req(HC_CONSOLE_WRITE, UINT64_MAX - 4, 16)), -1);
	assert_int_equal(check(hc_check_console_write, req(HC_CONSOLE_WRITE, 0x300000, HC_CONSOLE_MAX + 1)), -1);
	assert_non_null(strstr(why, "at most"));
	/* Not from the monitor's pages, not from a ring. */
	assert_int_equal(check(hc_check_console_write, req(HC_CONSOLE_WRITE, LW_PAGETABLE_GPA, 64)), -1);
	assert_non_null(strstr(why, "below the guest image"));
	assert_int_equal(check(hc_check_console_write, req(HC_CONSOLE_WRITE, 0x400000, 64)), -1);
	assert_non_null(strstr(why, "overlaps an attached ring"));
}

static void test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(check(hc_check_exit, req(HC_EXIT, 0, 0)), 0);
	assert_int_equal(check(hc_check_exit, req(HC_EXIT, 255, 0)), 0);
	assert_int_equal(check(hc_check_exit, req(HC_EXIT, 256, 0)), -1);
}

static void test_wake_and_wait(void **state)
{
	(void)state;
	assert_int_equal(check(hc_check_vcpu_wake, req(HC_VCPU_WAKE, 1, 0)), 0);
	assert_int_equal(check(hc_check_vcpu_wake, req(HC_VCPU_WAKE, 2, 0)), -1);
	assert_int_equal(check(hc_check_vcpu_wake, req(HC_VCPU_WAKE, UINT64_MAX, 0)), -1);
	assert_int_equal(check(hc_check_evtchn_wait, req(HC_EVTCHN_WAIT, 1, 0)), 0);
	assert_int_equal(check(hc_check_evtchn_wait, req(HC_EVTCHN_WAIT, 0, 0)), -1);
	assert_non_null(strstr(why, "empty port mask"));
}

/* Whole pages of guest-owned RAM only: not the monitor's pages, not a ring, not past RAM. */
static void test_mem_release(void **state)
{
	(void)state;
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, 0x500000, 0x3000)), 0);
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, 0x500000, 0)), -1);
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, 0x500800, 0x1000)), -1);
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, 0x500000, 0x800)), -1);
	assert_non_null(strstr(why, "whole pages"));
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, 0x100000, 0x1000)), -1);
	assert_non_null(strstr(why, "monitor's pages"));
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, 0x3ff000, 0x2000)), -1);
	assert_non_null(strstr(why, "ring"));
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, MEM - 0x1000, 0x2000)), -1);
	assert_int_equal(check(hc_check_mem_release, req(HC_MEM_RELEASE, 0x500000, UINT64_MAX & ~0xfffULL)), -1);
}

static void test_device_attach_shape(void **state)
{
	struct hc_request r = req(HC_DEVICE_ATTACH, 1, 0x500000);

	(void)state;
	r.arg[2] = 8192;
	assert_int_equal(check(hc_check_device_attach, r), 0);
	r.arg[2] = 100;
	assert_int_equal(check(hc_check_device_attach, r), -1);
	r.arg[2] = HC_RING_MAX + 4096;
	assert_int_equal(check(hc_check_device_attach, r), -1);
	r = req(HC_DEVICE_ATTACH, LW_MAX_DEVICES, 0x500000);
	r.arg[2] = 8192;
	assert_int_equal(check(hc_check_device_attach, r), -1);
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

/* Rings are recorded only in guest-owned RAM and never over each other. */
static void test_add_ring(void **state)
{
	struct guest_memory m = { .fd = -1, .size = MEM, .owned_from = 0x200000 };

	(void)state;
	assert_int_equal(guest_memory_add_ring(&m, 0x300000, 8192, why, sizeof(why)), 0);
	assert_int_equal(guest_memory_add_ring(&m, 0x301000, 8192, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "overlaps"));
	assert_int_equal(guest_memory_add_ring(&m, 0x100000, 4096, why, sizeof(why)), -1);
	assert_int_equal(guest_memory_add_ring(&m, MEM - 4096, 8192, why, sizeof(why)), -1);
	assert_int_equal(guest_memory_add_ring(&m, 0x302000, 4096, why, sizeof(why)), 0);
	assert_int_equal(m.nrings, 2);
	assert_int_equal(guest_io_check(&m, 0x302000, 1, why, sizeof(why)), -1);
	assert_int_equal(guest_io_check(&m, 0x303000, 4096, why, sizeof(why)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_fits_a_page),
		cmocka_unit_test(test_block_address),
		cmocka_unit_test(test_block_count),
		cmocka_unit_test(test_console_write),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_wake_and_wait),
		cmocka_unit_test(test_mem_release),
		cmocka_unit_test(test_device_attach_shape),
		cmocka_unit_test(test_add_ring),
		cmocka_unit_test(test_guest_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
