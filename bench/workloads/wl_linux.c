/* The workload platform (wl.h) on Linux: the native build of every workload. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int wl_in_vm(void)
{
	return 0;
}

void *wl_alloc(size_t bytes)
{
	void *p = NULL;
	if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0)
		return NULL;
	/* Zeroed like the guest's fresh RAM; the workloads touch it anyway. */
	return memset(p, 0, bytes);
}

void wl_free(void *p)
{
	free(p);
}

struct thread_arg {
	void (*fn)(int, void *);
	void *arg;
	int index;
};

static void *thread_start(void *p)
{
	struct thread_arg *t = p;
	t->fn(t->index, t->arg);
	return NULL;
}

int wl_run_threads(int threads, void (*fn)(int index, void *arg), void *arg)
{
	pthread_t tid[64];
	struct thread_arg targ[64];

	if (threads < 1 || threads > 64 || threads > wl_ncpus())
		return -1;
	for (int i = 1; i < threads; i++) {
		targ[i] = (struct thread_arg){ fn, arg, i };
		if (pthread_create(&tid[i], NULL, thread_start, &targ[i]) != 0) {
			fprintf(stderr, "workload: cannot create thread %d\n", i);
			exit(3);
		}
	}
	fn(0, arg);
	for (int i = 1; i < threads; i++)
		pthread_join(tid[i], NULL);
	return 0;
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

int64_t wl_hypercall_null(void)
{
	return -1;
}

int64_t wl_hypercall_null_batch(int count)
{
	(void)count;
	return -1;
}

void wl_doorbell_notify(void)
{
}

int64_t wl_hypercall_raw(uint64_t nr, uint64_t a0, uint64_t a1)
{
	(void)nr;
	(void)a0;
	(void)a1;
	return -1;
}

void wl_doorbell_raw(uint64_t offset, uint64_t value)
{
	(void)offset;
	(void)value;
}
