/*
 * dataset in the built-in guest: the data set is read from the VM's disk
 * into the library OS's buffer cache (wl_disk_cache_*, lwvmm/guest/bcache.h),
 * --qd reads at a time, and every pass looks its blocks up there. On a
 * `--disk F,ro,share` disk those reads are lwvmm mapping the image's
 * page-cache pages (Disco's global buffer cache), shared by every domain.
 */
#include "dataset.h"

struct dataset_src {
	const struct dataset_params *p;
	struct wl_disk *d;
};

int dataset_load(const struct dataset_params *p, struct dataset_src **src, double *load_s)
{
	static struct dataset_src s;
	uint64_t size;
	int readonly;

	s.p = p;
	s.d = wl_disk_open(p->disk, 0, &size, &readonly);
	if (!s.d) {
		wl_eprintf("dataset: the VM has no disk %d (give lwvmm --disk FILE)\n", p->disk);
		return WL_CANNOT_RUN;
	}
	if (size < p->bytes) {
		wl_eprintf("dataset: disk %d holds %llu MiB, less than --mib %llu\n", p->disk,
			   (unsigned long long)(size >> 20), (unsigned long long)(p->bytes >> 20));
		return WL_CANNOT_RUN;
	}
	if (wl_disk_cache_set(s.d, p->cache_bytes, p->block) < 0)
		return 3;
	uint64_t t0 = wl_time_ns();
	/* The part of the data set the cache can hold, read ahead; the rest is read on demand. */
	uint64_t ahead = p->cache_bytes < p->bytes ? p->cache_bytes : p->bytes;
	if (wl_disk_cache_fill(s.d, 0, ahead, p->qd) < 0) {
		wl_eprintf("dataset: reading the data set into the buffer cache failed\n");
		return WL_CHECK_FAILED;
	}
	*load_s = (double)(wl_time_ns() - t0) / 1e9;
	*src = &s;
	return WL_OK;
}

const uint8_t *dataset_block(struct dataset_src *s, uint64_t k)
{
	return wl_disk_cache_get(s->d, k * s->p->block);
}

void dataset_report(struct dataset_src *s, struct wl_result *r)
{
	struct wl_disk_cache_stats st;

	wl_disk_cache_get_stats(s->d, &st);
	wl_result_num(r, "cache_limit_mib", (double)st.limit_bytes / (1 << 20));
	wl_result_num(r, "cache_blocks", (double)st.blocks);
	wl_result_num(r, "cache_hits", (double)st.hits);
	wl_result_num(r, "cache_misses", (double)st.misses);
	wl_result_num(r, "cache_reads", (double)st.reads);
	wl_result_num(r, "cache_evictions", (double)st.evictions);
}

/*
 * Writes the complement of every cached page's first word into it and
 * checks that the guest reads its own write back (on a shared disk the host
 * gave it a private copy; the other domains and the image keep the data).
 */
int dataset_scribble(struct dataset_src *s)
{
	int wrong = 0;

	for (uint64_t at = 0; at < s->p->bytes; at += 4096) {
		uint64_t block = at / s->p->block * s->p->block;
		const uint8_t *b = wl_disk_cache_get(s->d, block);
		if (!b) {
			wrong++;
			continue;
		}
		/* The cache hands out its blocks read-only; this write is the test's point. */
		volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)(b + (at - block));
		uint64_t before = *w;
		*w = ~before;
		wrong += *w != ~before;
	}
	if (wrong)
		wl_eprintf("dataset: --scribble: %d pages do not hold the guest's write\n", wrong);
	return wrong;
}

void dataset_close(struct dataset_src *s)
{
	(void)s;
}
