/* The workload platform (wl.h) on Linux: the native build of every workload. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wl.h"

uint64_t wl_time_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The CPUs this process may run on: the harness pins it with an affinity mask. */
int wl_ncpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return CPU_COUNT(&set);
}

void *wl_alloc(size_t bytes)
{
	void *p = NULL;
	if (posix_memalign(&p, 4096, bytes ? bytes : 64) != 0)
		return NULL;
	/* Zeroed like the guest's fresh RAM; the workloads touch it anyway. */
	return memset(p, 0, bytes);
}

void wl_free(void *p)
{
	free(p);
}

void *wl_pages_get(size_t bytes)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void wl_pages_put(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes ? bytes : 1);
}

uint64_t wl_pages_dropped(void)
{
	return 0;
}

/*
 * Threads: a pool of persistent workers, started on first use, that wait for
 * work the way the guest's vCPUs do (lwvmm/guest/threads.c): spin briefly,
 * then sleep (here on a futex, there in the monitor). Creating threads per
 * call would charge thread start-up and placement to the native runs only.
 */
#define SPIN_BEFORE_SLEEP 20000

static struct {
	void (*fn)(int index, void *arg);
	void *arg;
	int threads;
} current;
static uint32_t generation;   /* futex word: bumped for every wl_run_threads() */
static int finished;
static int pool_size;         /* workers started (index 1..pool_size) */

static void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static void *worker(void *p)
{
	int index = (int)(intptr_t)p;
	uint32_t seen = 0;

	for (;;) {
		int spins = 0;
		uint32_t g;
		while ((g = __atomic_load_n(&generation, __ATOMIC_ACQUIRE)) == seen) {
			if (++spins < SPIN_BEFORE_SLEEP) {
				cpu_relax();
				continue;
			}
			syscall(SYS_futex, &generation, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
			spins = 0;
		}
		seen = g;
		if (index < current.threads) {
			current.fn(index, current.arg);
			__atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
		}
	}
	return NULL;
}

static void start_pool(int threads)
{
	for (int i = pool_size + 1; i < threads; i++) {
		pthread_t tid;
		if (pthread_create(&tid, NULL, worker, (void *)(intptr_t)i) != 0) {
			fprintf(stderr, "workload: cannot create thread %d\n", i);
			exit(3);
		}
		pthread_detach(tid);
		pool_size = i;
	}
}

int wl_run_threads(int threads, void (*fn)(int index, void *arg), void *arg)
{
	if (threads < 1 || threads > 64 || threads > wl_ncpus())
		return -1;
	start_pool(threads);
	current.fn = fn;
	current.arg = arg;
	current.threads = threads;
	__atomic_store_n(&finished, 0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&generation, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &generation, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
	fn(0, arg);
	/* Workers that did not take part this time still count the generation. */
	while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < threads - 1)
		cpu_relax();
	return 0;
}

int wl_eprintf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = wl_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fflush(stdout);   /* keep the order of what reaches a shared terminal */
	fputs(buf, stderr);
	return n;
}

int wl_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = wl_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs(buf, stdout);
	fflush(stdout);
	return n;
}
