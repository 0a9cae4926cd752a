/*
 * mem: STREAM-style memory bandwidth (McCalpin's copy, scale, add, triad)
 * over three arrays of doubles, larger than the caches. Each kernel runs
 * `ntimes` times; the best time counts, as in STREAM. The arrays are split
 * among threads; the final values are checked against the same recurrence
 * computed on scalars, as STREAM does.
 *
 * STREAM's sizing rule: each array at least 4 times the last-level caches,
 * or part of them stays cached between passes and the figure mixes cache
 * and memory bandwidth (on the 32 MiB-L3 development host, 64 MiB arrays
 * made the VM look 4% slower than native; 128 MiB arrays, equal).
 *
 *   mem [--mib TOTAL_MIB] [--ntimes N] [--threads N]
 * Score: triad bandwidth in MB/s (10^6 bytes per second).
 */
#include "wl.h"

struct stream {
	double *a, *b, *c;
	uint64_t n;
	int threads;
	int kernel;
};

static const double scalar = 3.0;

#define ARRAY_GAP 1096   /* doubles between arrays: 8 KiB + 576 bytes */

static void run_kernel(int index, void *arg)
{
	struct stream *s = arg;
	uint64_t chunk = (s->n + (uint64_t)s->threads - 1) / (uint64_t)s->threads;
	uint64_t lo = chunk * (uint64_t)index;
	uint64_t hi = lo + chunk < s->n ? lo + chunk : s->n;
	double *a = s->a, *b = s->b, *c = s->c;

	switch (s->kernel) {
	case -1: /* first touch by the thread that will use the pages */
		for (uint64_t j = lo; j < hi; j++) {
			a[j] = 1.0;
			b[j] = 2.0;
			c[j] = 0.0;
		}
		break;
	case 0:
		for (uint64_t j = lo; j < hi; j++)
			c[j] = a[j];
		break;
	case 1:
		for (uint64_t j = lo; j < hi; j++)
			b[j] = scalar * c[j];
		break;
	case 2:
		for (uint64_t j = lo; j < hi; j++)
			c[j] = a[j] + b[j];
		break;
	case 3:
		for (uint64_t j = lo; j < hi; j++)
			a[j] = b[j] + scalar * c[j];
		break;
	}
}

static double rel_error(double got, double want)
{
	double d = got - want;
	if (d < 0)
		d = -d;
	return d / want;
}

/* STREAM's check: every element equals the scalar recurrence. */
static int check(const struct stream *s, int ntimes)
{
	double a = 1.0, b = 2.0, c = 0.0;
	for (int k = 0; k < ntimes; k++) {
		c = a;
		b = scalar * c;
		c = a + b;
		a = b + scalar * c;
	}
	for (uint64_t j = 0; j < s->n; j++) {
		if (rel_error(s->a[j], a) > 1e-13 || rel_error(s->b[j], b) > 1e-13 ||
		    rel_error(s->c[j], c) > 1e-13)
			return 0;
	}
	return 1;
}

static int mem_main(int argc, char **argv)
{
	static const char *const opts[] = { "--mib", "--ntimes", "--threads", 0 };
	static const char *const names[] = { "copy_mbs", "scale_mbs", "add_mbs", "triad_mbs" };
	static const int arrays_moved[] = { 2, 2, 3, 3 };
	struct stream s;
	struct wl_result r;
	double best[4] = { 1e30, 1e30, 1e30, 1e30 };

	if (wl_check_options(argc, argv, opts, "[--mib TOTAL_MIB] [--ntimes N] [--threads N]") < 0)
		return WL_USAGE;
	long mib = wl_option(argc, argv, "--mib", 192);
	long ntimes = wl_option(argc, argv, "--ntimes", 5);
	s.threads = (int)wl_option(argc, argv, "--threads", wl_ncpus());
	if (wl_check_range("mem", "--mib", mib, 1, 65536) < 0 ||
	    wl_check_range("mem", "--ntimes", ntimes, 1, 1000) < 0 ||
	    wl_check_range("mem", "--threads", s.threads, 1, wl_ncpus()) < 0)
		return WL_USAGE;
	s.n = (uint64_t)mib * 1024 * 1024 / 3 / sizeof(double);
	/*
	 * One block, arrays a little more than n apart (STREAM's OFFSET): at
	 * exactly a power of two apart, loads and stores of the same index alias
	 * in the caches and store buffer, and the result would depend on how an
	 * environment's allocator happened to place three separate arrays.
	 */
	s.a = wl_alloc(3 * (s.n + ARRAY_GAP) * sizeof(double));
	s.b = s.a ? s.a + s.n + ARRAY_GAP : 0;
	s.c = s.b ? s.b + s.n + ARRAY_GAP : 0;
	if (!s.a) {
		wl_eprintf("mem: cannot allocate %ld MiB\n", mib);
		return 3;
	}
	s.kernel = -1;
	wl_run_threads(s.threads, run_kernel, &s);
	for (long k = 0; k < ntimes; k++) {
		for (int kernel = 0; kernel < 4; kernel++) {
			s.kernel = kernel;
			uint64_t t0 = wl_time_ns();
			wl_run_threads(s.threads, run_kernel, &s);
			double t = (double)(wl_time_ns() - t0) / 1e9;
			if (t < best[kernel])
				best[kernel] = t;
		}
	}
	int ok = check(&s, (int)ntimes);
	double bytes = (double)s.n * sizeof(double);
	wl_result_begin(&r, "mem", ok);
	wl_result_num(&r, "score", arrays_moved[3] * bytes / best[3] / 1e6);
	wl_result_str(&r, "score_unit", "MB/s");
	for (int kernel = 0; kernel < 4; kernel++)
		wl_result_num(&r, names[kernel], arrays_moved[kernel] * bytes / best[kernel] / 1e6);
	wl_result_num(&r, "array_mib", bytes / (1 << 20));
	wl_result_num(&r, "ntimes", (double)ntimes);
	wl_result_num(&r, "threads", s.threads);
	wl_result_end(&r);
	wl_free(s.a);
	return ok ? 0 : 1;
}

const struct workload wl_mem = {
	.name = "mem",
	.usage = "[--mib TOTAL_MIB] [--ntimes N] [--threads N]",
	.main = mem_main,
};
