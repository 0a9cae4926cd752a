/*
 * numa-ray: Disco's "Raytrace" NUMA case (Disco 1997, Fig. 8 and Table 3:
 * SPLASH's ray tracer, a large scene every processor reads and small
 * private outputs). Thread 0 builds a large read-only scene at start-up
 * (under first-touch placement it lies on thread 0's node); then every
 * thread traces its own rays, each a chain of dependent reads at
 * pseudo-random places of the scene, and writes one word per ray into its
 * own small output. Every node reads every scene page and nobody writes
 * one: the case for replication. Migration alone cannot help (a page read
 * by both nodes stays where it is, remote for the other node's threads).
 *
 *   numa-ray [--scene-mib MIB] [--rays PER_THREAD] [--steps N] [--threads N]
 * Score: scene reads per microsecond over all threads (higher is better);
 * time_s the time of the tracing alone (the scene's build not counted).
 * Check: the scene still holds what was built (nobody wrote it), and every
 * 16th ray of every thread, traced again by thread 0 afterwards, ends with
 * the word its thread wrote.
 */
#include "wl.h"

#define RAY_MAX_THREADS 64
#define RAY_CHECK_EVERY 16

struct ray {
	const uint64_t *scene;
	uint64_t words;           /* in the scene */
	uint64_t *out[RAY_MAX_THREADS];
	long rays, steps;
};

static uint64_t mix(uint64_t x)   /* splitmix64's finaliser */
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static uint64_t scene_word(uint64_t i)
{
	return mix(i + 0x5CE9E5CE9E5CE9E5ULL);
}

/* One ray: `steps` dependent reads, each place chosen by the word before. */
static uint64_t trace(const struct ray *r, int thread, long ray)
{
	uint64_t s = mix(((uint64_t)thread << 40) + (uint64_t)ray + 1);

	for (long k = 0; k < r->steps; k++)
		s = mix(s ^ r->scene[s % r->words]);
	return s;
}

static void work(int index, void *arg)
{
	struct ray *r = arg;
	uint64_t *out = r->out[index];

	for (long i = 0; i < r->rays; i++)
		out[i] = trace(r, index, i);
}

static int check(const struct ray *r, int threads)
{
	for (uint64_t i = 0; i < r->words; i++)
		if (r->scene[i] != scene_word(i))
			return 0;
	for (int t = 0; t < threads; t++)
		for (long i = 0; i < r->rays; i += RAY_CHECK_EVERY)
			if (r->out[t][i] != trace(r, t, i))
				return 0;
	return 1;
}

static const char usage[] = "[--scene-mib MIB] [--rays PER_THREAD] [--steps N] [--threads N]";

static int ray_main(int argc, char **argv)
{
	static const char *const opts[] = { "--scene-mib", "--rays", "--steps", "--threads", 0 };
	struct ray r = { 0, 0, { 0 }, 0, 0 };
	struct wl_result res;
	uint64_t *scene = 0;
	int status = 0;

	if (wl_check_options(argc, argv, opts, usage) < 0)
		return WL_USAGE;
	long mib = wl_option(argc, argv, "--scene-mib", 32);
	long threads = wl_option(argc, argv, "--threads", wl_ncpus());
	r.rays = wl_option(argc, argv, "--rays", 32768);
	r.steps = wl_option(argc, argv, "--steps", 256);
	if (wl_check_range("numa-ray", "--scene-mib", mib, 1, 16384) < 0 ||
	    wl_check_range("numa-ray", "--rays", r.rays, RAY_CHECK_EVERY, 1L << 26) < 0 ||
	    wl_check_range("numa-ray", "--steps", r.steps, 1, 100000) < 0 ||
	    wl_check_range("numa-ray", "--threads", threads, 1,
			   wl_ncpus() < RAY_MAX_THREADS ? wl_ncpus() : RAY_MAX_THREADS) < 0)
		return WL_USAGE;
	r.words = (uint64_t)mib * 1024 * 1024 / sizeof(uint64_t);
	/* thread 0 builds the scene, then allocates every thread's small output */
	scene = wl_alloc(r.words * sizeof(uint64_t));
	if (!scene) {
		wl_eprintf("numa-ray: cannot allocate a %ld MiB scene\n", mib);
		return 3;
	}
	for (uint64_t i = 0; i < r.words; i++)
		scene[i] = scene_word(i);
	r.scene = scene;
	for (int t = 0; t < threads; t++) {
		r.out[t] = wl_alloc((uint64_t)r.rays * sizeof(uint64_t));
		if (!r.out[t]) {
			wl_eprintf("numa-ray: cannot allocate the output of thread %d\n", t);
			status = 3;
			goto out;
		}
	}
	uint64_t t0 = wl_time_ns();
	wl_run_threads((int)threads, work, &r);
	double secs = (double)(wl_time_ns() - t0) / 1e9;
	int ok = check(&r, (int)threads);
	double reads = (double)r.rays * (double)r.steps * (double)threads;
	wl_result_begin(&res, "numa-ray", ok);
	wl_result_num(&res, "score", ok && secs > 0 ? reads / secs / 1e6 : 0);
	wl_result_str(&res, "score_unit", "reads/us");
	wl_result_num(&res, "time_s", secs);
	wl_result_num(&res, "ns_per_read", ok && reads > 0 ? secs * 1e9 / reads * (double)threads : 0);
	wl_result_num(&res, "scene_mib", (double)mib);
	wl_result_num(&res, "rays", (double)r.rays);
	wl_result_num(&res, "steps", (double)r.steps);
	wl_result_num(&res, "threads", (double)threads);
	wl_result_end(&res);
	status = ok ? 0 : 1;
out:
	for (int t = 0; t < threads; t++)
		wl_free(r.out[t]);
	wl_free(scene);
	return status;
}

const struct workload wl_numa_ray = {
	.name = "numa-ray",
	.usage = usage,
	.main = ray_main,
};
