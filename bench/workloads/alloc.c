/*
 * alloc: work that leans on the OS's memory management, for the scaling
 * suite (Disco's Fig. 7 ran Pmake, which spends its time in the kernel).
 * Each thread maps a region of whole pages, touches every page, and gives it
 * back, `--regions` times: natively mmap, first-touch page faults and munmap
 * (the kernel's allocator, page tables and TLB shootdowns); in the built-in
 * guest the library OS's free list, HC_MEM_RELEASE, and KVM's faults on the
 * next touch (lwvmm/guest/pages.c).
 *
 *   alloc [--kib REGION_KIB] [--regions N] [--threads N]
 * Check: every page of a region reads zero before it is touched (a page
 * given back and handed out again must not show its old contents).
 * Score: regions per second over all threads.
 */
#include "wl.h"

struct alloc_run {
	uint64_t bytes;
	long regions;
	uint64_t bad_pages[64];   /* per thread: pages not zero when handed out */
	uint64_t failed[64];      /* per thread: regions the system refused */
};

static void alloc_thread(int index, void *arg)
{
	struct alloc_run *a = arg;
	uint64_t words_per_page = 4096 / sizeof(uint64_t);

	for (long i = 0; i < a->regions; i++) {
		uint64_t *p = wl_pages_get(a->bytes);
		if (!p) {
			a->failed[index]++;
			continue;
		}
		for (uint64_t w = 0; w < a->bytes / sizeof(*p); w += words_per_page) {
			if (p[w] != 0)
				a->bad_pages[index]++;
			p[w] = (uint64_t)i ^ w;
		}
		wl_pages_put(p, a->bytes);
	}
}

static int alloc_main(int argc, char **argv)
{
	static const char *const opts[] = { "--kib", "--regions", "--threads", 0 };
	static struct alloc_run a;
	struct wl_result r;

	if (wl_check_options(argc, argv, opts, "[--kib REGION_KIB] [--regions N] [--threads N]") < 0)
		return WL_USAGE;
	long kib = wl_option(argc, argv, "--kib", 1024);
	long regions = wl_option(argc, argv, "--regions", 2000);
	long threads = wl_option(argc, argv, "--threads", 1);
	if (wl_check_range("alloc", "--kib", kib, 4, 1024 * 1024) < 0 ||
	    wl_check_range("alloc", "--regions", regions, 1, 100000000) < 0 ||
	    wl_check_range("alloc", "--threads", threads, 1, wl_ncpus() < 64 ? wl_ncpus() : 64) < 0)
		return WL_USAGE;
	a = (struct alloc_run){ .bytes = ((uint64_t)kib * 1024 + 4095) & ~4095ULL, .regions = regions };
	uint64_t t0 = wl_time_ns();
	wl_run_threads((int)threads, alloc_thread, &a);
	double seconds = (double)(wl_time_ns() - t0) / 1e9;
	uint64_t bad = 0, failed = 0;
	for (int t = 0; t < threads; t++) {
		bad += a.bad_pages[t];
		failed += a.failed[t];
	}
	int ok = bad == 0 && failed == 0;
	if (!ok)
		wl_eprintf("alloc: %llu pages not zero when handed out, %llu regions refused\n",
			   (unsigned long long)bad, (unsigned long long)failed);
	double done = (double)regions * (double)threads;
	wl_result_begin(&r, "alloc", ok);
	wl_result_num(&r, "score", done / seconds);
	wl_result_str(&r, "score_unit", "regions/s");
	wl_result_num(&r, "pages_per_s", done * (double)(a.bytes / 4096) / seconds);
	wl_result_num(&r, "region_kib", (double)(a.bytes / 1024));
	wl_result_num(&r, "regions", (double)regions);
	wl_result_num(&r, "threads", (double)threads);
	wl_result_num(&r, "seconds", seconds);
	wl_result_num(&r, "dropped_kib", (double)(wl_pages_dropped() / 1024));
	wl_result_end(&r);
	return ok ? 0 : 1;
}

const struct workload wl_alloc_workload = {   /* wl_alloc is the allocator */
	.name = "alloc",
	.usage = "[--kib REGION_KIB] [--regions N] [--threads N]",
	.main = alloc_main,
};
