/* lwvmm/numa_pt: per-vCPU 4 KiB page tables, built from the standard ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lwvmm_abi.h"
#include "numa_pt.h"
#include "pagetable.h"

struct tables {
	uint8_t *std, *slot;
	struct numa_pt_layout l;
};

static void build(struct tables *t, uint64_t mem, int ncpus)
{
	struct pagetable_layout pl = { .mem_size = mem, .ncpus = ncpus, .hcblock_pages = (uint64_t)ncpus };
	char why[128];

	t->l = (struct numa_pt_layout){ .mem_size = mem, .ncpus = ncpus };
	t->std = calloc(1, LW_PAGETABLE_SIZE);
	t->slot = calloc(1, numa_pt_size(&t->l));
	assert_int_equal(pagetable_build(t->std, &pl, why, sizeof(why)), 0);
	assert_int_equal(numa_pt_build(t->slot, t->std, &t->l, why, sizeof(why)), 0);
}

static void drop(struct tables *t)
{
	free(t->std);
	free(t->slot);
}

/* Every vCPU sees exactly what the standard tables show, page by page. */
static void test_same_mapping(void **state)
{
	(void)state;
	struct tables t;
	const uint64_t mem = 1ULL << 30 | 64ULL << 20;   /* crosses a GiB */

	build(&t, mem, 3);
	assert_int_equal(numa_pt_vcpu_bytes(&t.l), (2 + 2 + 544) * 4096);
	for (int v = 0; v < 3; v++) {
		assert_int_equal(numa_pt_root(&t.l, v), NUMA_PT_GPA + (uint64_t)v * numa_pt_vcpu_bytes(&t.l));
		for (uint64_t va = 0; va < mem + (4ULL << 20); va += 4096) {
			uint64_t g1, f1, g2, f2;
			int r1 = pagetable_translate(t.std, v, va, &g1, &f1);
			int r2 = numa_pt_translate(t.slot, t.std, &t.l, v, va, &g2, &f2);
			assert_int_equal(r1, r2);
			if (r1 == 0) {
				assert_int_equal(g1, g2);
				assert_int_equal(f1 & (PTE_WRITE | PTE_USER), f2 & (PTE_WRITE | PTE_USER));
			}
		}
		uint64_t g, f;
		assert_int_equal(numa_pt_translate(t.slot, t.std, &t.l, v, LW_DOORBELL_GPA, &g, &f), 0);
		assert_int_equal(g, LW_DOORBELL_GPA);
		assert_true(f & PTE_PCD);
		/* The tables themselves are not guest visible. */
		assert_int_equal(numa_pt_translate(t.slot, t.std, &t.l, v, NUMA_PT_GPA, &g, &f), -1);
		assert_int_equal(numa_pt_translate(t.slot, t.std, &t.l, v, LW_PAGETABLE_GPA, &g, &f), -1);
	}
	drop(&t);
}

/* Each vCPU's PTE of a page is its own entry: setting one's A bit leaves the others'. */
static void test_own_ptes(void **state)
{
	(void)state;
	struct tables t;
	uint64_t pfn = (100ULL << 20) / 4096 + 7;

	build(&t, 256ULL << 20, 2);
	assert_int_equal(numa_pt_first_pfn(), 512);
	uint64_t *p0 = numa_pt_pte(t.slot, &t.l, 0, pfn), *p1 = numa_pt_pte(t.slot, &t.l, 1, pfn);
	assert_ptr_not_equal(p0, p1);
	assert_int_equal(*p0 & PTE_ADDR_MASK, pfn * 4096);
	assert_int_equal(*p1 & PTE_ADDR_MASK, pfn * 4096);
	assert_int_equal(*p0 & PTE_LARGE, 0);
	assert_int_equal(*p0 & (PTE_ACCESSED | PTE_DIRTY), PTE_ACCESSED | PTE_DIRTY);   /* for KVM's prefetch */
	assert_int_equal(*p0 & (PTE_PRESENT | PTE_WRITE | PTE_USER), PTE_PRESENT | PTE_WRITE | PTE_USER);
	*p0 &= ~PTE_ACCESSED;
	assert_int_equal(*p1 & PTE_ACCESSED, PTE_ACCESSED);
	/* The PTE numa_pt_pte() names is the one the walk uses. */
	uint64_t g, f;
	*p0 = (*p0 & ~PTE_ADDR_MASK) | (5ULL << 12);
	assert_int_equal(numa_pt_translate(t.slot, t.std, &t.l, 0, pfn * 4096 + 8, &g, &f), 0);
	assert_int_equal(g, (5ULL << 12) + 8);
	assert_int_equal(numa_pt_translate(t.slot, t.std, &t.l, 1, pfn * 4096 + 8, &g, &f), 0);
	assert_int_equal(g, pfn * 4096 + 8);
	drop(&t);
}

static void test_bad_layout(void **state)
{
	(void)state;
	struct numa_pt_layout l = { .mem_size = 3ULL << 20, .ncpus = 1 };
	uint8_t std[16] = { 0 }, slot[16] = { 0 };
	char why[128];

	assert_int_equal(numa_pt_build(slot, std, &l, why, sizeof(why)), -1);
	l = (struct numa_pt_layout){ .mem_size = 64ULL << 20, .ncpus = 0 };
	assert_int_equal(numa_pt_build(slot, std, &l, why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_mapping),
		cmocka_unit_test(test_own_ptes),
		cmocka_unit_test(test_bad_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
