/* The page-table builder: what the guest can and cannot reach. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lwvmm_abi.h"
#include "pagetable.h"

static uint8_t *area;

static int setup(void **state)
{
	(void)state;
	area = calloc(1, LW_PAGETABLE_SIZE);
	return area ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(area);
	return 0;
}

static void build(uint64_t mem, int ncpus)
{
	struct pagetable_layout l = { .mem_size = mem, .ncpus = ncpus, .hcblock_pages = (uint64_t)ncpus };
	char why[128];
	assert_int_equal(pagetable_build(area, &l, why, sizeof(why)), 0);
}

static void assert_maps(int cpu, uint64_t va, uint64_t want_gpa, uint64_t want_flags)
{
	uint64_t gpa, flags;
	assert_int_equal(pagetable_translate(area, cpu, va, &gpa, &flags), 0);
	assert_int_equal(gpa, want_gpa);
	assert_int_equal(flags & (PTE_USER | PTE_WRITE), want_flags);
}

static void assert_absent(int cpu, uint64_t va)
{
	uint64_t gpa, flags;
	assert_int_equal(pagetable_translate(area, cpu, va, &gpa, &flags), -1);
}

static void test_low_memory_protection(void **state)
{
	(void)state;
	build(256ULL << 20, 2);
	assert_absent(0, 0);                                  /* NULL */
	assert_maps(0, LW_BOOTINFO_GPA + 8, LW_BOOTINFO_GPA + 8, PTE_USER);   /* read-only */
	assert_maps(0, LW_HCBLOCK_GPA, LW_HCBLOCK_GPA, PTE_USER | PTE_WRITE);
	assert_maps(1, LW_HCBLOCK_GPA + 0x1000, LW_HCBLOCK_GPA + 0x1000, PTE_USER | PTE_WRITE);
	assert_absent(0, LW_HCBLOCK_GPA + 2 * 0x1000);        /* no third vCPU */
	assert_maps(1, LW_EVTCHN_GPA, LW_EVTCHN_GPA, PTE_USER | PTE_WRITE);   /* event channels */
	assert_absent(0, LW_PAGETABLE_GPA);                   /* the tables themselves */
	assert_absent(1, LW_PAGETABLE_GPA + LW_PAGETABLE_SIZE - 1);
}

static void test_ram_identity_mapped(void **state)
{
	(void)state;
	uint64_t mem = (1ULL << 30) + (6ULL << 20);   /* spans two page directories */
	build(mem, 1);
	assert_maps(0, LW_IMAGE_GPA, LW_IMAGE_GPA, PTE_USER | PTE_WRITE);
	assert_maps(0, 0x12345678, 0x12345678, PTE_USER | PTE_WRITE);
	assert_maps(0, mem - 1, mem - 1, PTE_USER | PTE_WRITE);
	assert_absent(0, mem);
	assert_absent(0, 1ULL << 32);
}

static void test_doorbell_mapped_uncached(void **state)
{
	(void)state;
	uint64_t gpa, flags;
	build(64ULL << 20, 1);
	assert_int_equal(pagetable_translate(area, 0, LW_DOORBELL_GPA + DOORBELL_NOTIFY, &gpa, &flags), 0);
	assert_int_equal(gpa, LW_DOORBELL_GPA + DOORBELL_NOTIFY);
	assert_true(flags & PTE_USER);
	assert_int_equal(pagetable_translate(area, 0, LW_MMIO_GPA + MMIO_BLK_STATUS, &gpa, &flags), 0);
	assert_int_equal(gpa, LW_MMIO_GPA + MMIO_BLK_STATUS);   /* trap-and-emulate registers */
	assert_absent(0, LW_DOORBELL_GPA + 0x2000);
}

static void test_one_root_per_vcpu(void **state)
{
	(void)state;
	build(64ULL << 20, 4);
	for (int i = 0; i < 4; i++) {
		assert_true(pagetable_root(i) >= LW_PAGETABLE_GPA);
		assert_true(pagetable_root(i) < LW_PAGETABLE_GPA + LW_PAGETABLE_SIZE);
		if (i)
			assert_true(pagetable_root(i) != pagetable_root(i - 1));
		assert_maps(i, LW_IMAGE_GPA, LW_IMAGE_GPA, PTE_USER | PTE_WRITE);
	}
}

static void test_rejects_bad_layouts(void **state)
{
	(void)state;
	char why[128];
	struct pagetable_layout l = { .mem_size = 3ULL << 20, .ncpus = 1, .hcblock_pages = 1 };
	assert_int_equal(pagetable_build(area, &l, why, sizeof(why)), -1);
	l.mem_size = (64ULL << 20) + 4096;
	assert_int_equal(pagetable_build(area, &l, why, sizeof(why)), -1);
	l.mem_size = pagetable_max_mem() + (2ULL << 20);
	assert_int_equal(pagetable_build(area, &l, why, sizeof(why)), -1);
	l.mem_size = 64ULL << 20;
	l.ncpus = 0;
	assert_int_equal(pagetable_build(area, &l, why, sizeof(why)), -1);
	l.ncpus = LW_MAX_VCPUS + 1;
	assert_int_equal(pagetable_build(area, &l, why, sizeof(why)), -1);
}

static void test_largest_ram_fits(void **state)
{
	(void)state;
	uint64_t max = pagetable_max_mem();
	assert_true(max >= (64ULL << 30));
	build(max, LW_MAX_VCPUS);
	assert_maps(LW_MAX_VCPUS - 1, max - 1, max - 1, PTE_USER | PTE_WRITE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_low_memory_protection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ram_identity_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_mapped_uncached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_root_per_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_bad_layouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_largest_ram_fits, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
