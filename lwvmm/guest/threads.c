/*
 * Threads, one per vCPU. vCPU 0 runs the workload; the others wait in
 * secondary_loop() for work. A waiting vCPU spins briefly and then parks in
 * the monitor (HC_VCPU_PARK) so that it burns no host CPU; the starter wakes
 * the parked ones with one batched hypercall, and makes no exit at all when
 * every secondary is still spinning (back-to-back parallel loops, as in
 * STREAM's kernels).
 *
 * parked[] and generation are a Dekker pair: a secondary sets parked, then
 * reads generation; the starter bumps generation, then reads parked. With
 * sequentially consistent accesses one of them sees the other's store, so a
 * secondary never sleeps through new work. A wake that comes just before
 * the park is kept by the monitor (a pending token); a stale one only makes
 * a park return early, and the loop checks generation again.
 */
#include "hypercall.h"
#include "wl.h"

struct work {
	void (*fn)(int index, void *arg);
	void *arg;
	int threads;
};

static struct work current;
static uint32_t generation;   /* bumped for every wl_run_threads() */
static int finished;          /* secondaries done with the current work */
static int parked[LW_MAX_VCPUS]; /* 1: that secondary is parked or about to be */

#define SPIN_BEFORE_PARK 20000

static void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

void secondary_loop(int index)
{
	uint32_t seen = 0;

	for (;;) {
		int spins = 0;
		while (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) == seen) {
			if (++spins < SPIN_BEFORE_PARK) {
				cpu_relax();
				continue;
			}
			__atomic_store_n(&parked[index], 1, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&generation, __ATOMIC_SEQ_CST) == seen)
				hc_call(HC_VCPU_PARK, 0, 0);
			__atomic_store_n(&parked[index], 0, __ATOMIC_RELAXED);
			spins = 0;
		}
		seen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
		if (index < current.threads) {
			current.fn(index, current.arg);
			__atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
		}
	}
}

int wl_run_threads(int threads, void (*fn)(int index, void *arg), void *arg)
{
	struct hc_request wake[HC_BATCH_MAX] = { 0 };

	if (threads < 1 || threads > wl_ncpus())
		return -1;
	current.fn = fn;
	current.arg = arg;
	current.threads = threads;
	__atomic_store_n(&finished, 0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&generation, 1, __ATOMIC_SEQ_CST);

	/* Wake the parked secondaries, in batches; the spinning ones see generation. */
	int n = 0;
	for (int i = 1; i < wl_ncpus(); i++) {
		if (__atomic_load_n(&parked[i], __ATOMIC_SEQ_CST)) {
			wake[n].nr = HC_VCPU_WAKE;
			wake[n].arg[0] = (uint64_t)i;
			n++;
		}
		if (n == HC_BATCH_MAX || (n > 0 && i == wl_ncpus() - 1)) {
			hc_call_batch(wake, n, 0);
			n = 0;
		}
	}
	fn(0, arg);
	while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < threads - 1)
		cpu_relax();
	return 0;
}
