/*
 * memlat: memory load latency, in the spirit of lmbench's lat_mem_rd (the
 * suite the Xen paper measured with), but with a random chase so that the
 * prefetchers cannot hide the latency: every cache line of the buffer holds
 * the address of the next one, in one cycle through all of them in a
 * random order (Sattolo's shuffle, fixed seed: the same order everywhere).
 * Each load depends on the one before, so the time per load is the latency
 * of the memory level the buffer lives in, TLB misses included.
 *
 *   memlat [--mib SIZE_MIB] [--rounds N] [--threads 1]
 * Score: loads per microsecond (higher is better); ns_per_load beside it.
 * Check: every round comes back to the first line after exactly as many
 * loads as the buffer has lines (the chase is one whole cycle).
 */
#include "wl.h"

#define LINE 64   /* bytes per cache line; one pointer at its start */

/* Link the lines into one random cycle; 0 when out of memory. */
static int build_chase(char *buf, uint64_t lines)
{
	uint32_t *order = wl_alloc(lines * sizeof(uint32_t));
	uint64_t seed = 0x9E3779B97F4A7C15ULL;

	if (!order)
		return 0;
	for (uint64_t i = 0; i < lines; i++)
		order[i] = (uint32_t)i;
	/* Sattolo: a uniformly random permutation that is a single cycle */
	for (uint64_t i = lines - 1; i > 0; i--) {
		uint64_t j = wl_random(&seed) % i;
		uint32_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (uint64_t i = 0; i < lines; i++) {
		uint64_t from = order[i], to = order[(i + 1) % lines];
		*(char **)(buf + from * LINE) = buf + to * LINE;
	}
	wl_free(order);
	return 1;
}

/* Follow the chain from start for `loads` loads; where it ends. */
static char *chase(char *start, uint64_t loads)
{
	char *p = start;

	for (uint64_t i = 0; i < loads; i++)
		p = *(char *volatile *)p;
	return p;
}

/* Loads until the chain is back at start (at most limit + 1). */
static uint64_t cycle_length(char *start, uint64_t limit)
{
	char *p = *(char **)start;
	uint64_t n = 1;

	while (p != start && n <= limit) {
		p = *(char **)p;
		n++;
	}
	return n;
}

static int memlat_main(int argc, char **argv)
{
	static const char *const opts[] = { "--mib", "--rounds", "--threads", 0 };
	struct wl_result r;
	double best = 1e30;

	if (wl_check_options(argc, argv, opts, "[--mib SIZE_MIB] [--rounds N] [--threads 1]") < 0)
		return WL_USAGE;
	long mib = wl_option(argc, argv, "--mib", 256);
	long rounds = wl_option(argc, argv, "--rounds", 3);
	long threads = wl_option(argc, argv, "--threads", 1);   /* one chase: one thread */
	if (wl_check_range("memlat", "--mib", mib, 1, 65536) < 0 ||
	    wl_check_range("memlat", "--rounds", rounds, 1, 1000) < 0 ||
	    wl_check_range("memlat", "--threads", threads, 1, 1) < 0)
		return WL_USAGE;
	uint64_t lines = (uint64_t)mib * 1024 * 1024 / LINE;
	char *buf = wl_alloc(lines * LINE);
	if (!buf || !build_chase(buf, lines)) {
		wl_eprintf("memlat: cannot allocate %ld MiB\n", mib);
		wl_free(buf);
		return 3;
	}
	int ok = cycle_length(buf, lines) == lines;
	for (long k = 0; k < rounds && ok; k++) {
		uint64_t t0 = wl_time_ns();
		char *end = chase(buf, lines);
		double t = (double)(wl_time_ns() - t0) / 1e9;
		ok = end == buf;
		if (t < best)
			best = t;
	}
	double ns = best * 1e9 / (double)lines;
	wl_result_begin(&r, "memlat", ok);
	wl_result_num(&r, "score", ok ? 1000.0 / ns : 0);
	wl_result_str(&r, "score_unit", "loads/us");
	wl_result_num(&r, "ns_per_load", ok ? ns : 0);
	wl_result_num(&r, "buffer_mib", (double)mib);
	wl_result_num(&r, "rounds", (double)rounds);
	wl_result_end(&r);
	wl_free(buf);
	return ok ? 0 : 1;
}

const struct workload wl_memlat = {
	.name = "memlat",
	.usage = "[--mib SIZE_MIB] [--rounds N] [--threads 1]",
	.main = memlat_main,
};
