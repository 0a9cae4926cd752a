/*
 * Per-vCPU page tables for NUMA access tracking (--numa-policy).
 *
 * The standard tables (pagetable.c) map RAM with 2 MiB pages and share every
 * level below the PML4 between vCPUs, so an Accessed or Dirty bit says
 * neither which vCPU nor which 4 KiB page. With a policy on, each vCPU gets
 * its own chain instead: its PML4, PDPT and page directories, and its own
 * 4 KiB page tables for all RAM above the first 2 MiB, copied from the
 * standard tables with the same permissions. The first 2 MiB (boot page,
 * hypercall blocks, event channel page) and the doorbell chain stay the
 * standard, shared tables: they are the monitor's, not worth tracking.
 *
 * The chains live in their own monitor-owned memory slot at NUMA_PT_GPA,
 * far above RAM (LW_MAX_MEM) and below the doorbell: no guest page table
 * entry maps it, and the hypercall checks refuse every buffer outside RAM,
 * so the guest can neither read nor write its tables nor point I/O at them.
 *
 * Per vCPU, numa_pt_vcpu_bytes() apart: PML4, PDPT, one PD per GiB, then one
 * page table per 2 MiB of RAM (that of the first 2 MiB unused). 4 KiB of
 * tables per 2 MiB of RAM per vCPU: 0.2% of RAM a vCPU.
 *
 * The builder writes into a plain buffer standing for the slot, so it has a
 * unit test without KVM (tests/unit/test_numa_pt.c).
 */
#ifndef LWVMM_NUMA_PT_H
#define LWVMM_NUMA_PT_H

#include <stddef.h>
#include <stdint.h>

#define NUMA_PT_GPA (384ULL << 30)

#define PTE_ACCESSED 0x20ULL
#define PTE_DIRTY    0x40ULL

struct numa_pt_layout {
	uint64_t mem_size;   /* guest RAM, a multiple of 2 MiB */
	int ncpus;
};

/* Bytes of one vCPU's chain, and of the whole slot. */
uint64_t numa_pt_vcpu_bytes(const struct numa_pt_layout *l);
uint64_t numa_pt_size(const struct numa_pt_layout *l);

/* GPA of vCPU v's PML4 (its CR3). */
uint64_t numa_pt_root(const struct numa_pt_layout *l, int v);

/*
 * Build every vCPU's chain into `slot` (numa_pt_size() bytes, zeroed) from
 * the standard tables in `std_area` (LW_PAGETABLE_SIZE bytes standing for
 * LW_PAGETABLE_GPA). 0, or -1 with `why` set.
 */
int numa_pt_build(uint8_t *slot, const uint8_t *std_area, const struct numa_pt_layout *l,
		  char *why, size_t why_len);

/* The first guest page with a per-vCPU PTE (above the shared first 2 MiB). */
uint64_t numa_pt_first_pfn(void);

/* vCPU v's PTE for guest page pfn (numa_pt_first_pfn() <= pfn < mem_size / 4096). */
uint64_t *numa_pt_pte(uint8_t *slot, const struct numa_pt_layout *l, int v, uint64_t pfn);

/*
 * Walk vCPU v's tables like the MMU: the chain in `slot`, shared tables in
 * `std_area`. 0 with *gpa and *flags (effective U/W, and PCD of the last
 * level), or -1 when not present. For tests and fault messages.
 */
int numa_pt_translate(const uint8_t *slot, const uint8_t *std_area, const struct numa_pt_layout *l,
		      int v, uint64_t va, uint64_t *gpa, uint64_t *flags);

#endif
