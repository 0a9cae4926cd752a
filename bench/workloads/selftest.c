/*
 * selftest (VM only): a guest that misbehaves on purpose, so that the host
 * tests can check how lwvmm ends such runs. Not a benchmark.
 *
 *   selftest --mode MODE [--status N]
 *   exit      return --status N (exit status propagation)
 *   threads   run a thread on every vCPU and check that each ran
 *   null      read address 0 (page fault: a triple fault)
 *   ud2       an invalid instruction
 *   badcall   an unknown hypercall number
 *   badbuf    a console write whose buffer lies outside guest RAM
 *   badblock  a doorbell write naming a block outside guest RAM
 *   mmio      a write to an unbacked address that is not a doorbell
 *   hang      loop forever (for --timeout and SIGINT)
 *   numa-touch  vCPU i reads and writes its own range of --pages pages (default
 *             256), over and over for --ms milliseconds (default 2000), and
 *             prints each range (tests/host/numa_track.t: the --numa-policy
 *             tracker must see exactly these pages from these vCPUs); fails
 *             unless every page holds the count of passes (data intact)
 *   numa-share  a read-shared buffer of --pages pages (default 64): in each of
 *             --rounds rounds (default 6, over --ms) vCPU 0 writes the round's
 *             number into every page, then every vCPU reads them all over and
 *             over and counts each page that does not hold it (a stale read:
 *             tests/host/numa_repl.t, where the policy replicates the buffer
 *             while it is read and the write must collapse the replicas);
 *             fails on any stale read
 *   ring-*    a hostile block front end (lwvmm/guest/selftest_rings.c): badbuf,
 *             overlap, pastdisk, overrun, flood, badattach; needs --disk
 *   net-arp   ARP for the host end of the link, raw frames; needs --net tap
 *   net-badbuf, net-overrun, net-rx-overrun, net-badflags  a hostile network front end; needs --net tap
 */
#include "selftest.h"
#include "wl.h"

static int ran[64];

static void mark(int index, void *arg)
{
	(void)arg;
	__atomic_store_n(&ran[index], 1, __ATOMIC_RELEASE);
}

static int run_threads(void)
{
	int n = wl_ncpus(), ok = 1;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < n; i++)
			ran[i] = 0;
		if (wl_run_threads(n, mark, 0) < 0)
			return 1;
		for (int i = 0; i < n; i++)
			ok &= ran[i];
	}
	struct wl_result r;
	wl_result_begin(&r, "selftest", ok);
	wl_result_num(&r, "score", n);
	wl_result_str(&r, "score_unit", "threads");
	wl_result_end(&r);
	return ok ? 0 : 1;
}

struct touch {
	volatile uint64_t *range[64];
	long pages;
	uint64_t until_ns;
	uint64_t passes[64];
	long bad[64];
};

/* vCPU `index` reads and writes one word of each page of its range, until the time is up. */
static void touch_range(int index, void *arg)
{
	struct touch *t = arg;
	volatile uint64_t *r = t->range[index];

	while (wl_time_ns() < t->until_ns) {
		for (long p = 0; p < t->pages; p++)
			r[p * 512] += 1;
		t->passes[index]++;
	}
	/* Each pass added 1 to one word of every page: a page moved under the guest kept its data.
	 * Checked by the vCPU itself: no other vCPU may touch its range. */
	for (long p = 0; p < t->pages; p++)
		t->bad[index] += r[p * 512] != t->passes[index];
}

static int numa_touch(long pages, long ms)
{
	static struct touch t;
	int n = wl_ncpus();

	t.pages = pages;
	for (int i = 0; i < n; i++) {
		t.range[i] = wl_alloc((size_t)pages * 4096);
		if (!t.range[i]) {
			wl_printf("numa-touch: out of memory\n");
			return 1;
		}
	}
	for (int i = 0; i < n; i++)
		wl_printf("numa-touch: vcpu %d pages 0x%lx %ld\n", i, (unsigned long)(uintptr_t)t.range[i] >> 12, pages);
	t.until_ns = wl_time_ns() + (uint64_t)ms * 1000000ULL;
	if (wl_run_threads(n, touch_range, &t) < 0)
		return 1;
	/* Passes over the range: with --numa-policy each sampled page's refault slows them down. */
	for (int i = 0; i < n; i++)
		wl_printf("numa-touch: vcpu %d passes %lu\n", i, (unsigned long)t.passes[i]);
	for (int i = 0; i < n; i++) {
		if (!t.passes[i] || t.bad[i]) {
			wl_printf("numa-touch: vcpu %d: %ld of %ld pages do not hold its %lu passes\n", i, t.bad[i],
				  pages, (unsigned long)t.passes[i]);
			return 1;
		}
	}
	return 0;
}

struct share {
	volatile uint64_t *buf;
	long pages, rounds;
	uint64_t phase_ns;
	int n;
	unsigned arrived;            /* the barrier's count, all rounds together */
	uint64_t checks[64], stale[64];
};

/* Every vCPU waits here until all n have come k times. */
static void barrier(struct share *s, unsigned k)
{
	__atomic_fetch_add(&s->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&s->arrived, __ATOMIC_ACQUIRE) < k * (unsigned)s->n)
		__asm__ volatile("pause");
}

static void share_rounds(int index, void *arg)
{
	struct share *s = arg;
	unsigned k = 0;

	for (long r = 1; r <= s->rounds; r++) {
		barrier(s, ++k);   /* nobody reads while vCPU 0 writes */
		if (index == 0)
			for (long p = 0; p < s->pages; p++)
				s->buf[p * 512] = (uint64_t)r;
		barrier(s, ++k);   /* vCPU 0's writes are done: every page must hold r */
		uint64_t until = wl_time_ns() + s->phase_ns;
		do {
			for (long p = 0; p < s->pages; p++)
				s->stale[index] += s->buf[p * 512] != (uint64_t)r;
			s->checks[index] += (uint64_t)s->pages;
		} while (wl_time_ns() < until);
	}
}

static int numa_share(long pages, long ms, long rounds)
{
	static struct share s;
	int ok = 1;

	s.n = wl_ncpus();
	s.pages = pages;
	s.rounds = rounds;
	s.phase_ns = (uint64_t)ms * 1000000ULL / (uint64_t)rounds;
	s.buf = wl_alloc((size_t)pages * 4096);
	if (!s.buf) {
		wl_printf("numa-share: out of memory\n");
		return 1;
	}
	wl_printf("numa-share: pages 0x%lx %ld\n", (unsigned long)(uintptr_t)s.buf >> 12, pages);
	if (wl_run_threads(s.n, share_rounds, &s) < 0)
		return 1;
	for (int i = 0; i < s.n; i++) {
		wl_printf("numa-share: vcpu %d checks %lu stale %lu\n", i, (unsigned long)s.checks[i],
			  (unsigned long)s.stale[i]);
		ok &= s.stale[i] == 0 && s.checks[i] > 0;
	}
	return ok ? 0 : 1;
}

static int selftest_main(int argc, char **argv)
{
	const char *mode = 0;
	long status = 0, pages = 0, ms = 2000, rounds = 6;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (wl_strcmp(argv[i], "--mode") == 0)
			mode = argv[i + 1];
		else if (wl_strcmp(argv[i], "--status") == 0)
			status = wl_atol(argv[i + 1]);
		else if (wl_strcmp(argv[i], "--pages") == 0)
			pages = wl_atol(argv[i + 1]);
		else if (wl_strcmp(argv[i], "--ms") == 0)
			ms = wl_atol(argv[i + 1]);
		else if (wl_strcmp(argv[i], "--rounds") == 0)
			rounds = wl_atol(argv[i + 1]);
	}
	if (pages < 0 || ms < 1 || rounds < 1) {
		wl_printf("selftest: --pages, --ms and --rounds must be positive\n");
		return 2;
	}
	if (!mode || status < 0 || status > 255) {
		wl_eprintf("usage: selftest --mode exit|threads|null|ud2|badcall|badbuf|badrelease|badblock|mmio|hang [--status N]\n");
		return WL_USAGE;
	}
	if (wl_strcmp(mode, "exit") == 0)
		return (int)status;
	if (wl_strcmp(mode, "threads") == 0)
		return run_threads();
	if (wl_strcmp(mode, "null") == 0)
		return *(volatile int *)0;
	if (wl_strcmp(mode, "ud2") == 0)
		__builtin_trap();
	if (wl_strcmp(mode, "badcall") == 0)
		wl_hypercall_raw(9999, 0, 0);
	if (wl_strcmp(mode, "badbuf") == 0)
		wl_hypercall_raw(1 /* console write */, 1ULL << 40, 16);
	if (wl_strcmp(mode, "badrelease") == 0)   /* give back the monitor's page tables */
		wl_hypercall_raw(8 /* HC_MEM_RELEASE */, 0x100000 /* LW_PAGETABLE_GPA */, 4096);
	if (wl_strcmp(mode, "badblock") == 0)
		wl_doorbell_raw(0 /* call */, 1ULL << 40);
	if (wl_strcmp(mode, "mmio") == 0)
		wl_doorbell_raw(0xf00, 1);   /* past the doorbells of every port */
	if (mode[0] == 'r' && mode[1] == 'i' && mode[2] == 'n' && mode[3] == 'g')
		return selftest_rings(mode);
	if (wl_strcmp(mode, "net-arp") == 0)
		return selftest_net_arp();
	if (wl_strcmp(mode, "net-badbuf") == 0 || wl_strcmp(mode, "net-overrun") == 0 ||
	    wl_strcmp(mode, "net-rx-overrun") == 0 || wl_strcmp(mode, "net-badflags") == 0)
		return selftest_net_hostile(mode);
	if (wl_strcmp(mode, "numa-touch") == 0)
		return numa_touch(pages ? pages : 256, ms);
	if (wl_strcmp(mode, "numa-share") == 0)
		return numa_share(pages ? pages : 64, ms, rounds);
	if (wl_strcmp(mode, "hang") == 0) {
		for (;;)
			__asm__ volatile("pause");
	}
	wl_eprintf("selftest: unknown mode '%s' or the guest survived it\n", mode);
	return 3;
}

const struct workload wl_selftest = {
	.name = "selftest",
	.usage = "--mode MODE [--status N]   (misbehaves on purpose, for tests)",
	.main = selftest_main,
};
