/*
 * The library OS: the workload platform (bench/workloads/wl.h) implemented
 * on hypercalls. Everything runs at CPL3; nothing here may fault, because a
 * fault ends the VM.
 */
#include "consfront.h"
#include "hypercall.h"
#include "io.h"
#include "platform.h"
#include "wl.h"

static uint64_t heap_next;   /* bump allocator, shared by all vCPUs */

uint64_t wl_time_ns(void)
{
	if (!lw_boot->tsc_khz)
		return (uint64_t)hc_call(HC_TIME, 0, 0);
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	unsigned __int128 tsc = ((uint64_t)hi << 32) | lo;
	return (uint64_t)(tsc * 1000000u / lw_boot->tsc_khz);
}

int wl_ncpus(void)
{
	return (int)lw_boot->ncpus;
}

void *wl_alloc(size_t bytes)
{
	uint64_t size = (bytes + 4095) & ~4095ULL;   /* keeps every block 4 KiB aligned */
	uint64_t start = __atomic_fetch_add(&heap_next, size, __ATOMIC_RELAXED);

	if (start + size > lw_boot->heap_end || start + size < start)
		return 0;
	/* Fresh guest RAM is zero (a new memfd) and is never handed out twice. */
	return (void *)start;
}

/* The front ends' platform (pv-drivers/front/platform.h). */
void *front_alloc(size_t bytes)
{
	return wl_alloc(bytes);
}

uint64_t front_time_ns(void)
{
	return wl_time_ns();
}

/* A bump allocator: memory comes back only when the VM ends. */
void wl_free(void *p)
{
	(void)p;
}

void libos_init(void)
{
	heap_next = (lw_boot->heap_start + 4095) & ~4095ULL;
	consfront_init();
}

static int console_vprintf(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = wl_vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	consfront_write(buf, (uint32_t)n);
	return n;
}

int wl_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = console_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* The guest has one console: diagnostics go there too. */
int wl_eprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = console_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int64_t wl_hypercall_null(void)
{
	return hc_call(HC_NULL, 0, 0);
}

int64_t wl_hypercall_null_batch(int count)
{
	struct hc_request req[HC_BATCH_MAX] = { 0 };

	if (count < 1 || count > HC_BATCH_MAX)
		return -1;
	hc_call_batch(req, count, 0);
	return 0;
}

void wl_doorbell_notify(void)
{
	hc_notify(1);
}

int64_t wl_hypercall_raw(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return hc_call(nr, a0, a1);
}

void wl_doorbell_raw(uint64_t offset, uint64_t value)
{
	volatile uint64_t *bell = (volatile uint64_t *)(lw_boot->doorbell_gpa + offset);
	*bell = value;
}

