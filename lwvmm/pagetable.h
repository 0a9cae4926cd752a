/*
 * The guest's page tables, built and owned by the monitor (the guest runs at
 * CPL3 and never sees them). Identity mapping of RAM:
 *   - the first 2 MiB with 4 KiB pages: page 0 absent (NULL faults), the boot
 *     information page read-only, the hypercall blocks read-write, the rest
 *     (GDT, TSS, page tables) absent;
 *   - the rest of RAM with 2 MiB pages, user read-write;
 *   - the doorbell page at LW_DOORBELL_GPA, user read-write, uncached.
 * Each vCPU gets its own top-level table (PML4) so that later work can give a
 * vCPU its own view (page replicas); they share the lower levels for now.
 *
 * The builder writes into a plain buffer that stands for the page-table area
 * of guest memory, so it can be unit-tested without KVM.
 */
#ifndef LWVMM_PAGETABLE_H
#define LWVMM_PAGETABLE_H

#include <stdint.h>
#include <stddef.h>

#define PTE_PRESENT  0x1ULL
#define PTE_WRITE    0x2ULL
#define PTE_USER     0x4ULL
#define PTE_PCD      0x10ULL
#define PTE_LARGE    0x80ULL
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

/* Where things sit inside the page-table area (offsets from LW_PAGETABLE_GPA). */
#define PT_GDT_OFFSET   0x0000
#define PT_TSS_OFFSET   0x1000
#define PT_PML4_OFFSET  0x2000   /* LW_MAX_VCPUS pages, one per vCPU */

struct pagetable_layout {
	uint64_t mem_size;
	int ncpus;
	uint64_t hcblock_pages;   /* hypercall block pages at LW_HCBLOCK_GPA */
};

/*
 * Build the tables into `area` (LW_PAGETABLE_SIZE bytes, zeroed, standing for
 * guest-physical LW_PAGETABLE_GPA). Returns 0, or -1 with `why` set when the
 * RAM size does not fit the area.
 */
int pagetable_build(uint8_t *area, const struct pagetable_layout *l, char *why, size_t why_len);

/* GPA of vCPU `index`'s PML4. */
uint64_t pagetable_root(int index);

/*
 * Walk the tables like the MMU would: translate `va` for vCPU `index`.
 * Returns 0 and fills *gpa and *flags (the effective U/W bits), or -1 when
 * not present. Used by tests and by fault messages.
 */
int pagetable_translate(const uint8_t *area, int index, uint64_t va, uint64_t *gpa, uint64_t *flags);

/* The largest RAM size the area can map. */
uint64_t pagetable_max_mem(void);

#endif
