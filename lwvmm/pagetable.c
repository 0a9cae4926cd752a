#include <stdio.h>
#include <string.h>

#include "lwvmm_abi.h"
#include "pagetable.h"

/* Offsets of the shared lower levels inside the area. */
#define PT_PDPT_RAM_OFFSET  (PT_PML4_OFFSET + LW_MAX_VCPUS * 0x1000)
#define PT_LOW_OFFSET       (PT_PDPT_RAM_OFFSET + 0x1000)  /* 4 KiB pages of the first 2 MiB */
#define PT_PDPT_DB_OFFSET   (PT_LOW_OFFSET + 0x1000)
#define PT_PD_DB_OFFSET     (PT_PDPT_DB_OFFSET + 0x1000)
#define PT_PT_DB_OFFSET     (PT_PD_DB_OFFSET + 0x1000)
#define PT_PD_OFFSET        (PT_PT_DB_OFFSET + 0x1000)    /* one page directory per GiB */

static uint64_t *table_at(uint8_t *area, uint64_t offset)
{
	return (uint64_t *)(area + offset);
}

static uint64_t gpa_of(uint64_t offset)
{
	return LW_PAGETABLE_GPA + offset;
}

/* Index of the 9-bit table entry for `va` at paging level 4..1. */
static unsigned entry_index(uint64_t va, int level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 511);
}

uint64_t pagetable_max_mem(void)
{
	uint64_t pds = (LW_PAGETABLE_SIZE - PT_PD_OFFSET) / 0x1000;
	uint64_t max = pds << 30;
	return max < LW_MAX_MEM ? max : LW_MAX_MEM;
}

uint64_t pagetable_root(int index)
{
	return gpa_of(PT_PML4_OFFSET + (uint64_t)index * 0x1000);
}

static void map_low_pages(uint8_t *area, const struct pagetable_layout *l)
{
	uint64_t *pt = table_at(area, PT_LOW_OFFSET);

	/* Page 0 and everything from the page-table area up stay absent. */
	pt[entry_index(LW_BOOTINFO_GPA, 1)] = LW_BOOTINFO_GPA | PTE_PRESENT | PTE_USER;
	pt[entry_index(LW_EVTCHN_GPA, 1)] = LW_EVTCHN_GPA | PTE_PRESENT | PTE_WRITE | PTE_USER;
	for (uint64_t i = 0; i < l->hcblock_pages; i++) {
		uint64_t gpa = LW_HCBLOCK_GPA + i * LW_PAGE_SIZE;
		pt[entry_index(gpa, 1)] = gpa | PTE_PRESENT | PTE_WRITE | PTE_USER;
	}
}

static void map_ram(uint8_t *area, const struct pagetable_layout *l)
{
	uint64_t *pdpt = table_at(area, PT_PDPT_RAM_OFFSET);
	uint64_t gib = (l->mem_size + (1ULL << 30) - 1) >> 30;
	const uint64_t dir = PTE_PRESENT | PTE_WRITE | PTE_USER;

	for (uint64_t g = 0; g < gib; g++)
		pdpt[g] = gpa_of(PT_PD_OFFSET + g * 0x1000) | dir;

	for (uint64_t addr = 0; addr < l->mem_size; addr += LW_LARGE_PAGE_SIZE) {
		uint64_t *pd = table_at(area, PT_PD_OFFSET + (addr >> 30) * 0x1000);
		if (addr == 0)
			pd[0] = gpa_of(PT_LOW_OFFSET) | dir;
		else
			pd[entry_index(addr, 2)] = addr | dir | PTE_LARGE;
	}
}

static void map_doorbell(uint8_t *area)
{
	const uint64_t dir = PTE_PRESENT | PTE_WRITE | PTE_USER;

	table_at(area, PT_PDPT_DB_OFFSET)[entry_index(LW_DOORBELL_GPA, 3)] = gpa_of(PT_PD_DB_OFFSET) | dir;
	table_at(area, PT_PD_DB_OFFSET)[entry_index(LW_DOORBELL_GPA, 2)] = gpa_of(PT_PT_DB_OFFSET) | dir;
	table_at(area, PT_PT_DB_OFFSET)[entry_index(LW_DOORBELL_GPA, 1)] = LW_DOORBELL_GPA | dir | PTE_PCD;
	table_at(area, PT_PT_DB_OFFSET)[entry_index(LW_MMIO_GPA, 1)] = LW_MMIO_GPA | dir | PTE_PCD;
}

int pagetable_build(uint8_t *area, const struct pagetable_layout *l, char *why, size_t why_len)
{
	const uint64_t dir = PTE_PRESENT | PTE_WRITE | PTE_USER;

	if (l->mem_size < 2 * LW_LARGE_PAGE_SIZE || l->mem_size % LW_LARGE_PAGE_SIZE) {
		snprintf(why, why_len, "RAM size must be a multiple of 2 MiB and at least 4 MiB");
		return -1;
	}
	if (l->mem_size > pagetable_max_mem()) {
		snprintf(why, why_len, "RAM size above the %llu GiB the guest layout can map",
			 (unsigned long long)(pagetable_max_mem() >> 30));
		return -1;
	}
	if (l->ncpus < 1 || l->ncpus > LW_MAX_VCPUS || l->hcblock_pages > 256) {
		snprintf(why, why_len, "between 1 and %d vCPUs", LW_MAX_VCPUS);
		return -1;
	}
	map_low_pages(area, l);
	map_ram(area, l);
	map_doorbell(area);
	for (int i = 0; i < l->ncpus; i++) {
		uint64_t *pml4 = table_at(area, PT_PML4_OFFSET + (uint64_t)i * 0x1000);
		pml4[entry_index(0, 4)] = gpa_of(PT_PDPT_RAM_OFFSET) | dir;
		pml4[entry_index(LW_DOORBELL_GPA, 4)] = gpa_of(PT_PDPT_DB_OFFSET) | dir;
	}
	return 0;
}

int pagetable_translate(const uint8_t *area, int index, uint64_t va, uint64_t *gpa, uint64_t *flags)
{
	uint64_t table = pagetable_root(index);
	uint64_t eff = PTE_WRITE | PTE_USER;

	for (int level = 4; level >= 1; level--) {
		if (table < LW_PAGETABLE_GPA || table + 0x1000 > LW_PAGETABLE_GPA + LW_PAGETABLE_SIZE)
			return -1;
		const uint64_t *t = (const uint64_t *)(area + (table - LW_PAGETABLE_GPA));
		uint64_t e = t[entry_index(va, level)];
		if (!(e & PTE_PRESENT))
			return -1;
		eff &= e;
		if (level == 2 && (e & PTE_LARGE)) {
			*gpa = (e & PTE_ADDR_MASK & ~(LW_LARGE_PAGE_SIZE - 1)) | (va & (LW_LARGE_PAGE_SIZE - 1));
			*flags = eff;
			return 0;
		}
		if (level == 1) {
			*gpa = (e & PTE_ADDR_MASK) | (va & 0xfff);
			*flags = eff;
			return 0;
		}
		table = e & PTE_ADDR_MASK;
	}
	return -1;
}
