/*
 * Whole pages that come and go (wl_pages_get, wl_pages_put in wl.h): the
 * library OS's counterpart of mmap and munmap. Pages come from a free list
 * of page runs, else from the heap; a run put back is given to the host with
 * HC_MEM_RELEASE (so it reads as zero and the next touch faults, as a fresh
 * mmap does natively) and joins the free list, merged with a neighbour where
 * it touches one. Where the monitor keeps the pages (LW_EBUSY: a ,share disk
 * or --numa-policy maps guest RAM itself), the guest zeroes them instead.
 *
 * The list is a fixed array under a spin lock: every vCPU may call here, and
 * the guest has no sleeping lock; a run that does not fit is dropped (its
 * pages are lost to this VM, counted in wl_pages_dropped).
 */
#include "hypercall.h"
#include "wl.h"

#define FREE_RUNS 1024

struct page_run {
	uint64_t start, bytes;
};

static struct page_run free_runs[FREE_RUNS];
static int nfree;
static int lock;
static uint64_t dropped_bytes;

static void lock_list(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void unlock_list(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static uint64_t page_bytes(size_t bytes)
{
	return (bytes + LW_PAGE_SIZE - 1) & ~(LW_PAGE_SIZE - 1);
}

/* First fit; the run is split and its front handed out. */
static uint64_t take_free(uint64_t bytes)
{
	uint64_t got = 0;

	lock_list();
	for (int i = 0; i < nfree; i++) {
		if (free_runs[i].bytes < bytes)
			continue;
		got = free_runs[i].start;
		free_runs[i].start += bytes;
		free_runs[i].bytes -= bytes;
		if (free_runs[i].bytes == 0)
			free_runs[i] = free_runs[--nfree];
		break;
	}
	unlock_list();
	return got;
}

static void add_free(uint64_t start, uint64_t bytes)
{
	lock_list();
	for (int i = 0; i < nfree; i++) {
		if (free_runs[i].start + free_runs[i].bytes == start) {
			free_runs[i].bytes += bytes;
			unlock_list();
			return;
		}
		if (start + bytes == free_runs[i].start) {
			free_runs[i].start = start;
			free_runs[i].bytes += bytes;
			unlock_list();
			return;
		}
	}
	if (nfree < FREE_RUNS)
		free_runs[nfree++] = (struct page_run){ start, bytes };
	else
		dropped_bytes += bytes;
	unlock_list();
}

void *wl_pages_get(size_t bytes)
{
	uint64_t size = page_bytes(bytes);
	uint64_t start = size ? take_free(size) : 0;

	if (start)
		return (void *)start;   /* released pages read as zero */
	return size ? wl_alloc(size) : 0;
}

void wl_pages_put(void *p, size_t bytes)
{
	uint64_t start = (uint64_t)p, size = page_bytes(bytes);

	if (!p || !size)
		return;
	if (hc_call3(HC_MEM_RELEASE, start, size, 0) != 0) {
		uint64_t *w = p;
		for (uint64_t i = 0; i < size / sizeof(*w); i++)
			w[i] = 0;
	}
	add_free(start, size);
}

uint64_t wl_pages_dropped(void)
{
	return __atomic_load_n(&dropped_bytes, __ATOMIC_RELAXED);
}
