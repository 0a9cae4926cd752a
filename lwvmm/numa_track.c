/* The A-bit tracker (numa_track.h). */
#include <sys/mman.h>

#include "numa_pt.h"
#include "numa_track.h"

/* Zaps the host mapping of pages [first, first + n): KVM drops its shadow entries for them. */
static int zap(struct numa_tracker *t, uint64_t first, uint64_t n)
{
	if (n && t->zap_views)
		t->zap_views(first, n);
	return n ? madvise(t->ram + first * 4096, n * 4096, MADV_DONTNEED) : 0;
}

/*
 * Only pages with A set in some vCPU's PTE are zapped: KVM sets A whenever it
 * builds a shadow entry (also when it prefetches one, which it does only for
 * PTEs with A set), so a page whose A bits are all clear has no shadow entry
 * to drop. The per-vCPU tables are in place before the first KVM_RUN, so this
 * holds from the start. The zaps are runs of pages: short invalidations,
 * during which KVM makes faulting vCPUs retry.
 */
static int abit_arm(struct numa_tracker *t, uint64_t first, uint64_t n)
{
	const struct numa_pt_layout *l = t->layout;
	uint64_t run = first, len = 0;
	int rc = 0;

	for (uint64_t p = first; p < first + n; p++) {
		int had = 0;
		/*
		 * Atomic: KVM sets A and D in these PTEs itself (a locked cmpxchg)
		 * while the vCPUs run; a plain store could undo a bit it just set.
		 */
		for (int v = 0; v < t->ncpus; v++) {
			uint64_t *pte = numa_pt_pte(t->slot, l, v, p);
			if (__atomic_load_n(pte, __ATOMIC_RELAXED) & (PTE_ACCESSED | PTE_DIRTY)) {
				__atomic_fetch_and(pte, ~(PTE_ACCESSED | PTE_DIRTY), __ATOMIC_SEQ_CST);
				had = 1;
			}
		}
		if (had && len && run + len == p) {
			len++;
		} else if (had) {
			rc |= zap(t, run, len);
			run = p;
			len = 1;
		}
	}
	rc |= zap(t, run, len);
	return rc ? -1 : 0;
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
