/*
 * numa-eng: Disco's "Engineering" NUMA case (Disco 1997, Fig. 8 and
 * Table 3: independent jobs, each on its own data). Each thread works on a
 * large private array of its own, but thread 0 allocates and first-touches
 * every array at start-up, as a serial initialisation phase would: under
 * first-touch placement every array starts on thread 0's node, so every
 * other thread's accesses are remote until something (lwvmm's
 * --numa-policy migrate) moves its pages to it.
 *
 *   numa-eng [--mib PER_THREAD_MIB] [--passes N] [--threads N]
 * Each pass applies one step of a 64-bit linear congruential generator to
 * every element of the thread's array (a read and a write of each word).
 * Score: MB/s over all threads (read + written, 10^6 bytes per second);
 * time_s the time of the passes alone (start-up not counted).
 * Check: every element equals A*x0 + C (mod 2^64), where (A, C) is the
 * generator's step composed `passes` times: each element took every pass.
 */
#include "wl.h"

#define ENG_MUL 6364136223846793005ULL   /* Knuth's MMIX generator */
#define ENG_ADD 1442695040888963407ULL
#define ENG_MAX_THREADS 64

struct eng {
	uint64_t *array[ENG_MAX_THREADS];
	uint64_t words;       /* per array */
	long passes;
};

static uint64_t initial(int thread, uint64_t j)
{
	return ((uint64_t)thread << 48) ^ (j * 0x9E3779B97F4A7C15ULL);
}

static void work(int index, void *arg)
{
	struct eng *e = arg;
	uint64_t *a = e->array[index];

	for (long p = 0; p < e->passes; p++)
		for (uint64_t j = 0; j < e->words; j++)
			a[j] = a[j] * ENG_MUL + ENG_ADD;
}

/* 1 when every element of every array took exactly `passes` steps. */
static int check(const struct eng *e, int threads)
{
	uint64_t mul = 1, add = 0;

	for (long p = 0; p < e->passes; p++) {   /* x -> M x + A after x -> mul x + add */
		mul = mul * ENG_MUL;
		add = add * ENG_MUL + ENG_ADD;
	}
	for (int t = 0; t < threads; t++)
		for (uint64_t j = 0; j < e->words; j++)
			if (e->array[t][j] != initial(t, j) * mul + add)
				return 0;
	return 1;
}

static const char usage[] = "[--mib PER_THREAD_MIB] [--passes N] [--threads N]";

static int eng_main(int argc, char **argv)
{
	static const char *const opts[] = { "--mib", "--passes", "--threads", 0 };
	struct eng e = { { 0 }, 0, 0 };
	struct wl_result r;
	int status = 0;

	if (wl_check_options(argc, argv, opts, usage) < 0)
		return WL_USAGE;
	long mib = wl_option(argc, argv, "--mib", 16);
	long threads = wl_option(argc, argv, "--threads", wl_ncpus());
	e.passes = wl_option(argc, argv, "--passes", 100);
	if (wl_check_range("numa-eng", "--mib", mib, 1, 16384) < 0 ||
	    wl_check_range("numa-eng", "--passes", e.passes, 1, 100000) < 0 ||
	    wl_check_range("numa-eng", "--threads", threads, 1,
			   wl_ncpus() < ENG_MAX_THREADS ? wl_ncpus() : ENG_MAX_THREADS) < 0)
		return WL_USAGE;
	e.words = (uint64_t)mib * 1024 * 1024 / sizeof(uint64_t);
	/* thread 0 allocates and first-touches every thread's array */
	for (int t = 0; t < threads; t++) {
		e.array[t] = wl_alloc(e.words * sizeof(uint64_t));
		if (!e.array[t]) {
			wl_eprintf("numa-eng: cannot allocate %ld MiB for thread %d\n", mib, t);
			status = 3;
			goto out;
		}
		for (uint64_t j = 0; j < e.words; j++)
			e.array[t][j] = initial(t, j);
	}
	uint64_t t0 = wl_time_ns();
	wl_run_threads((int)threads, work, &e);
	double secs = (double)(wl_time_ns() - t0) / 1e9;
	int ok = check(&e, (int)threads);
	double bytes = 2.0 * (double)e.words * sizeof(uint64_t) * (double)e.passes * (double)threads;
	wl_result_begin(&r, "numa-eng", ok);
	wl_result_num(&r, "score", ok && secs > 0 ? bytes / secs / 1e6 : 0);
	wl_result_str(&r, "score_unit", "MB/s");
	wl_result_num(&r, "time_s", secs);
	wl_result_num(&r, "array_mib", (double)mib);
	wl_result_num(&r, "passes", (double)e.passes);
	wl_result_num(&r, "threads", (double)threads);
	wl_result_end(&r);
	status = ok ? 0 : 1;
out:
	for (int t = 0; t < threads; t++)
		wl_free(e.array[t]);
	return status;
}

const struct workload wl_numa_eng = {
	.name = "numa-eng",
	.usage = usage,
	.main = eng_main,
};
