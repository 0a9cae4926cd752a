/* The A-bit tracker (numa_track.h). */
#include <sys/mman.h>

#include "numa_pt.h"
#include "numa_track.h"

static int abit_arm(struct numa_tracker *t, uint64_t first, uint64_t n)
{
	const struct numa_pt_layout *l = t->layout;

	/*
	 * Atomic: KVM sets A and D in these PTEs itself (a locked cmpxchg) while
	 * the vCPUs run; a plain store could undo a bit it just set.
	 */
	for (int v = 0; v < t->ncpus; v++) {
		uint64_t *pte = numa_pt_pte(t->slot, l, v, first);
		for (uint64_t i = 0; i < n; i++) {
			/* A page's PTEs are contiguous within a 2 MiB chunk only. */
			if ((first + i) % 512 == 0)
				pte = numa_pt_pte(t->slot, l, v, first + i);
			if (*pte & (PTE_ACCESSED | PTE_DIRTY))
				__atomic_fetch_and(pte, ~(PTE_ACCESSED | PTE_DIRTY), __ATOMIC_RELAXED);
			pte++;
		}
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return madvise(t->ram + first * 4096, n * 4096, MADV_DONTNEED);
}

static size_t abit_harvest(struct numa_tracker *t, uint64_t first, uint64_t n, struct numa_sample *out,
			   size_t max)
{
	const struct numa_pt_layout *l = t->layout;
	size_t got = 0;

	for (int v = 0; v < t->ncpus; v++) {
		uint64_t *pte = numa_pt_pte(t->slot, l, v, first);
		for (uint64_t i = 0; i < n && got < max; i++) {
			if ((first + i) % 512 == 0)
				pte = numa_pt_pte(t->slot, l, v, first + i);
			uint64_t e = __atomic_load_n(pte, __ATOMIC_RELAXED);
			if (e & PTE_ACCESSED)
				out[got++] = (struct numa_sample){ .pfn = first + i, .vcpu = (uint16_t)v,
								   .write = (e & PTE_DIRTY) != 0 };
			pte++;
		}
	}
	return got;
}

static const struct numa_tracker_ops abit_ops = {
	.name = "abit",
	.arm = abit_arm,
	.harvest = abit_harvest,
};

void numa_track_abit_init(struct numa_tracker *t, uint8_t *slot, const struct numa_pt_layout *l, uint8_t *ram)
{
	*t = (struct numa_tracker){ .ops = &abit_ops, .slot = slot, .layout = l, .ram = ram, .ncpus = l->ncpus };
}
