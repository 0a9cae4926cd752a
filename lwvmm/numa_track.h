/*
 * Access trackers for the NUMA policy (numa_run.c): which vCPU touched which
 * guest page, read or written, in a sampled range of pages.
 *
 * One interface, so that other mechanisms can stand behind it: the A-bit
 * tracker here reads the monitor-owned per-vCPU page tables (numa_pt.h); a
 * Linux guest owns its page tables, and there a dirty-ring tracker (writes,
 * exact per vCPU) with a userfaultfd MINOR tracker (reads: zap the range,
 * each fault names the vCPU thread) would implement the same two calls
 * (HOST.md measures both).
 *
 *   arm(first, n)      start watching pages [first, first + n)
 *   harvest(first, n)  report what each vCPU did to them since arm
 *
 * The A-bit tracker (HOST.md, probe abit.c): on this PVM host KVM sets a
 * guest PTE's Accessed bit only when it builds its shadow entry, so arm
 * clears A and D in every vCPU's PTEs of the range, then zaps the host
 * mapping of the range (MADV_DONTNEED on the memfd's shared mapping: the
 * pages stay in the page cache, KVM's MMU notifier drops its shadow
 * entries, the next guest access refaults and KVM walks the guest tables
 * again, setting A, and D on a write). Not mprotect: the back ends read and
 * write guest RAM through the same mapping and would take SIGSEGV. Each
 * refault costs the vCPU about 2.2 us (HOST.md); docs/host-notes.md has what
 * lwvmm measured.
 */
#ifndef LWVMM_NUMA_TRACK_H
#define LWVMM_NUMA_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct numa_tracker;

struct numa_tracker_ops {
	const char *name;
	/* 0, or -1 with errno (the run goes on untracked for that period). */
	int (*arm)(struct numa_tracker *t, uint64_t first, uint64_t n);
	/* Writes at most max samples {pfn, vcpu, write} and returns how many. */
	size_t (*harvest)(struct numa_tracker *t, uint64_t first, uint64_t n, struct numa_sample *out, size_t max);
};

struct numa_tracker {
	const struct numa_tracker_ops *ops;
	uint8_t *slot;          /* numa_pt's tables */
	const void *layout;     /* struct numa_pt_layout */
	uint8_t *ram;           /* the monitor's mapping of guest RAM */
	int ncpus;
	/* Also zap other host mappings KVM may map these pages through (the
	 * replicas and read-only views of numa_repl.h); NULL: none. */
	void (*zap_views)(uint64_t first, uint64_t n);
};

struct numa_pt_layout;
/* The A-bit tracker over numa_pt's tables in `slot`, guest RAM at `ram`. */
void numa_track_abit_init(struct numa_tracker *t, uint8_t *slot, const struct numa_pt_layout *l, uint8_t *ram);

#endif
