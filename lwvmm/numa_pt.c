/* Per-vCPU 4 KiB page tables (numa_pt.h). */
#include <stdio.h>
#include <string.h>

#include "lwvmm_abi.h"
#include "numa_pt.h"
#include "pagetable.h"

#define PAGE 0x1000ULL
#define DIR_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)

static uint64_t gib_of(const struct numa_pt_layout *l)
{
	return (l->mem_size + (1ULL << 30) - 1) >> 30;
}

/* Offsets inside one vCPU's chain. */
static uint64_t pdpt_off(void) { return PAGE; }
static uint64_t pd_off(uint64_t g) { return 2 * PAGE + g * PAGE; }
static uint64_t pt_off(const struct numa_pt_layout *l, uint64_t chunk)
{
	return (2 + gib_of(l)) * PAGE + chunk * PAGE;
}

uint64_t numa_pt_vcpu_bytes(const struct numa_pt_layout *l)
{
	return pt_off(l, l->mem_size / LW_LARGE_PAGE_SIZE);
}

uint64_t numa_pt_size(const struct numa_pt_layout *l)
{
	return numa_pt_vcpu_bytes(l) * (uint64_t)l->ncpus;
}

uint64_t numa_pt_root(const struct numa_pt_layout *l, int v)
{
	return NUMA_PT_GPA + (uint64_t)v * numa_pt_vcpu_bytes(l);
}

uint64_t numa_pt_first_pfn(void)
{
	return LW_LARGE_PAGE_SIZE / PAGE;
}

uint64_t *numa_pt_pte(uint8_t *slot, const struct numa_pt_layout *l, int v, uint64_t pfn)
{
	uint64_t chunk = pfn / 512;

	return (uint64_t *)(slot + (uint64_t)v * numa_pt_vcpu_bytes(l) + pt_off(l, chunk)) + pfn % 512;
}

static unsigned entry_index(uint64_t va, int level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 511);
}

/* A table by its GPA: in the slot or in the standard area; NULL elsewhere. */
static const uint64_t *table_of(const uint8_t *slot, const uint8_t *std_area, const struct numa_pt_layout *l,
				uint64_t gpa)
{
	if (gpa >= NUMA_PT_GPA && gpa + PAGE <= NUMA_PT_GPA + numa_pt_size(l))
		return (const uint64_t *)(slot + (gpa - NUMA_PT_GPA));
	if (gpa >= LW_PAGETABLE_GPA && gpa + PAGE <= LW_PAGETABLE_GPA + LW_PAGETABLE_SIZE)
		return (const uint64_t *)(std_area + (gpa - LW_PAGETABLE_GPA));
	return NULL;
}

static const uint64_t *std_table(const uint8_t *std_area, uint64_t entry)
{
	uint64_t gpa = entry & PTE_ADDR_MASK;

	if (gpa < LW_PAGETABLE_GPA || gpa + PAGE > LW_PAGETABLE_GPA + LW_PAGETABLE_SIZE)
		return NULL;
	return (const uint64_t *)(std_area + (gpa - LW_PAGETABLE_GPA));
}

/* One vCPU's chain, copied from its standard PML4. */
static int build_vcpu(uint8_t *chain, uint64_t chain_gpa, const uint8_t *std_area,
		      const struct numa_pt_layout *l, int v, char *why, size_t why_len)
{
	const uint64_t *std_pml4 = (const uint64_t *)(std_area + (pagetable_root(v) - LW_PAGETABLE_GPA));
	uint64_t *pml4 = (uint64_t *)chain, *pdpt = (uint64_t *)(chain + pdpt_off());
	const uint64_t *std_pdpt = std_table(std_area, std_pml4[0]);

	if (!(std_pml4[0] & PTE_PRESENT) || !std_pdpt) {
		snprintf(why, why_len, "numa page tables: vCPU %d's standard tables map no RAM", v);
		return -1;
	}
	memcpy(pml4, std_pml4, PAGE);   /* the doorbell chain (entry 1) stays shared */
	pml4[0] = (chain_gpa + pdpt_off()) | (std_pml4[0] & ~PTE_ADDR_MASK);
	for (uint64_t g = 0; g < gib_of(l); g++) {
		const uint64_t *std_pd = std_table(std_area, std_pdpt[g]);
		uint64_t *pd = (uint64_t *)(chain + pd_off(g));

		if (!(std_pdpt[g] & PTE_PRESENT) || !std_pd) {
			snprintf(why, why_len, "numa page tables: GiB %llu of RAM is not mapped", (unsigned long long)g);
			return -1;
		}
		pdpt[g] = (chain_gpa + pd_off(g)) | (std_pdpt[g] & ~PTE_ADDR_MASK);
		for (unsigned i = 0; i < 512; i++) {
			uint64_t e = std_pd[i], chunk = g * 512 + i;
			if (!(e & PTE_PRESENT) || !(e & PTE_LARGE)) {
				pd[i] = e;   /* absent, or a 4 KiB table already: shared (the first 2 MiB) */
				continue;
			}
			uint64_t *pt = (uint64_t *)(chain + pt_off(l, chunk));
			uint64_t base = e & PTE_ADDR_MASK & ~(LW_LARGE_PAGE_SIZE - 1);
			/*
			 * A and D set from the start: KVM's shadow MMU prefetches the
			 * neighbours of a faulting entry only where the guest PTE has A
			 * (and maps them writable only with D), so the guest's first
			 * touch of its RAM costs a fault per 8 pages, as with the 2 MiB
			 * tables, not one a page (about 25 us each on PVM). The tracker
			 * clears them when it first arms a window, before any harvest.
			 */
			uint64_t flags = (e & ~PTE_ADDR_MASK & ~PTE_LARGE) | PTE_ACCESSED | PTE_DIRTY;
			for (unsigned k = 0; k < 512; k++)
				pt[k] = (base + k * PAGE) | flags;
			pd[i] = (chain_gpa + pt_off(l, chunk)) | DIR_FLAGS;
		}
	}
	return 0;
}

int numa_pt_build(uint8_t *slot, const uint8_t *std_area, const struct numa_pt_layout *l,
		  char *why, size_t why_len)
{
	if (l->ncpus < 1 || l->ncpus > LW_MAX_VCPUS || l->mem_size < 2 * LW_LARGE_PAGE_SIZE ||
	    l->mem_size % LW_LARGE_PAGE_SIZE || l->mem_size > LW_MAX_MEM) {
		snprintf(why, why_len, "numa page tables: bad layout (%d vCPUs, %llu bytes of RAM)", l->ncpus,
			 (unsigned long long)l->mem_size);
		return -1;
	}
	for (int v = 0; v < l->ncpus; v++) {
		uint64_t off = (uint64_t)v * numa_pt_vcpu_bytes(l);
		if (build_vcpu(slot + off, NUMA_PT_GPA + off, std_area, l, v, why, why_len) < 0)
			return -1;
	}
	return 0;
}

int numa_pt_translate(const uint8_t *slot, const uint8_t *std_area, const struct numa_pt_layout *l,
		      int v, uint64_t va, uint64_t *gpa, uint64_t *flags)
{
	uint64_t table = numa_pt_root(l, v), eff = PTE_WRITE | PTE_USER;

	for (int level = 4; level >= 1; level--) {
		const uint64_t *t = table_of(slot, std_area, l, table);
		if (!t)
			return -1;
		uint64_t e = t[entry_index(va, level)];
		if (!(e & PTE_PRESENT))
			return -1;
		eff &= e;
		if (level == 2 && (e & PTE_LARGE)) {
			*gpa = (e & PTE_ADDR_MASK & ~(LW_LARGE_PAGE_SIZE - 1)) | (va & (LW_LARGE_PAGE_SIZE - 1));
			*flags = (eff & (PTE_WRITE | PTE_USER)) | (e & PTE_PCD);
			return 0;
		}
		if (level == 1) {
			*gpa = (e & PTE_ADDR_MASK) | (va & 0xfff);
			*flags = (eff & (PTE_WRITE | PTE_USER)) | (e & PTE_PCD);
			return 0;
		}
		table = e & PTE_ADDR_MASK;
	}
	return -1;
}
