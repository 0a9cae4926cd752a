/*
 * The NUMA policy thread (numa_run.h).
 *
 * Every period: harvest the window of pages armed the period before (which
 * vCPU read or wrote which page: numa_track.c), hand the samples to the
 * policy (numa-policy/policy.h), move the pages it picks with one
 * move_pages(MPOL_MF_MOVE) call, then arm the next window. The window sweeps
 * guest RAM above the first 2 MiB, `sample` pages a period (or all of it).
 * Moving before arming matters: move_pages() finds a page through the host
 * page tables, and arming zaps them (MADV_DONTNEED) until the guest touches
 * the page again.
 *
 * A migration keeps the page's guest-physical address: KVM follows the
 * host's page tables (its MMU notifier drops the old shadow entry), so no
 * guest PTE changes. On a simulated topology the pretend nodes share the
 * host's memory: nothing is moved, only the pmap's home nodes are updated,
 * so that the local-access share shows what the policy would achieve.
 *
 * The sampling budget (budget=, default 2%): each sampled page a vCPU
 * touches costs that vCPU a refault, about REFAULT_NS (docs/host-notes.md),
 * so a period may cost each vCPU budget_pages of them. A token bucket keeps
 * the average there: every period adds budget_pages (at most 4 periods'
 * worth are kept), every harvest takes what the busiest vCPU touched, and
 * while the balance is not positive no window is armed (no cost at all).
 * The window's size follows the last harvest: where a vCPU was over the
 * budget it shrinks in proportion, under half of it it doubles, up to
 * `sample`. Without this a sweep refaults every page a vCPU keeps touching:
 * 256 such pages every 150 ms cost it 8.5%.
 *
 * The policy's counters decay every decay_every sweeps, not periods (the
 * library's own decay is turned off): a window is a small part of RAM, so a
 * page is sampled once a sweep at most, and with a decay every 8 periods a
 * page in a VM of more than 8 windows would never get hot. With sample=all
 * a sweep is a period, as the library has it.
 *
 * The thread runs under its own seccomp filter (SECCOMP_POLICY) and never
 * ends the run: a failed move is counted, a failed arm leaves that window
 * untracked for a period.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <numaif.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "numa_place.h"
#include "numa_pt.h"
#include "numa_run.h"
#include "numa_track.h"
#include "placement.h"
#include "pmap.h"
#include "policy.h"
#include "run_spec.h"
#include "seccomp.h"
#include "topology.h"
#include "vm.h"
#include "x86.h"

enum {
	MAX_SAMPLES = 1 << 20,   /* a period's samples at most (16 MiB); the rest are counted as dropped */
	MAX_SWEEPS = 1024,       /* sweeps whose local share is kept */
	JSON_RUNS = 256,         /* page ranges listed per vCPU and for migrations in --stats-json */
	PT_SLOT = 1,             /* KVM memory slot of the per-vCPU tables (guest RAM is 0) */
	REFAULT_NS = 50000,      /* a sampled page read and written: two faults of ~25 us on PVM */
	MIN_WINDOW = 8,          /* the budget never shrinks the window below this */
};

struct sweep {
	uint64_t samples, local;
};

static struct {
	int enabled;
	struct numa_run_spec spec;
	const struct numa_topology *topo;
	const struct numa_placement *place;
	struct vm *vm;

	/* The per-vCPU tables: their memfd and the monitor's mapping. */
	struct numa_pt_layout layout;
	int pt_fd;
	uint8_t *pt;
	struct numa_tracker tracker;
	struct pmap *pm;
	struct numa_policy *pol;
	uint64_t npages, first_pfn, window;   /* window: `sample`, the largest */
	uint64_t cur_window, budget_pages;    /* this period's window; budget_pages 0: off */
	int64_t balance;                      /* the budget's token bucket, in touched pages */
	int skip;                             /* arm nothing this period: over the budget */
	uint64_t period_touched[LW_MAX_VCPUS];

	/* The thread. */
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_int stop;
	struct numa_sample *samples;
	struct numa_action *actions;
	void **move_addr;
	int *move_node, *move_host, *move_status;
	uint64_t *move_pfn;

	/* Statistics (written by the thread, read once it has ended). */
	uint64_t periods, pages_checked, nsamples, writes, dropped, arm_failures;
	uint64_t pages_armed, window_min, shrinks, skipped;
	uint64_t track_ns, policy_ns, move_ns, move_calls;
	uint64_t migrations, move_failures, migrated_to[NUMA_MAX_NODES];
	uint64_t vcpu_samples[LW_MAX_VCPUS], vcpu_writes[LW_MAX_VCPUS];
	uint8_t *seen[LW_MAX_VCPUS];   /* a bit per page: seen by that vCPU at least once */
	struct sweep sweep[MAX_SWEEPS];
	uint64_t nsweeps;
	struct sweep cur;
} nr = { .pt_fd = -1 };

int numa_run_configure(const struct vm_config *c)
{
	char err[256];

	if (!c->numa_policy_spec)
		return 0;
	if (!c->numa_spec)
		return bad_usage("--numa-policy '%s' needs --numa to say where the vCPUs go", c->numa_policy_spec);
	if (numa_run_spec_parse(&nr.spec, c->numa_policy_spec, err, sizeof(err)) < 0)
		return bad_usage("--numa-policy '%s': %s", c->numa_policy_spec, err);
	if (nr.spec.mode == NUMA_RUN_REPLICATE) {
		fprintf(stderr, "lwvmm: --numa-policy replicate: page replication is not built yet "
			"(track and migrate are)\n");
		return LWVMM_EXIT_UNAVAILABLE;
	}
	nr.enabled = 1;
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The per-vCPU tables in their own memfd and memory slot; each vCPU's CR3 points at its own. */
static int setup_tables(struct vm *vm, char *why, size_t why_len)
{
	uint64_t size;

	nr.layout = (struct numa_pt_layout){ .mem_size = vm->mem.size, .ncpus = vm->ncpus };
	size = numa_pt_size(&nr.layout);
	nr.pt_fd = memfd_create("lwvmm-numa-pt", MFD_CLOEXEC);
	if (nr.pt_fd < 0 || ftruncate(nr.pt_fd, (off_t)size) < 0) {
		snprintf(why, why_len, "--numa-policy: %llu KiB for the per-vCPU page tables: %s",
			 (unsigned long long)(size >> 10), strerror(errno));
		return -1;
	}
	nr.pt = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, nr.pt_fd, 0);
	if (nr.pt == MAP_FAILED) {
		nr.pt = NULL;
		snprintf(why, why_len, "--numa-policy: mapping the per-vCPU page tables: %s", strerror(errno));
		return -1;
	}
	if (numa_pt_build(nr.pt, vm->mem.host + LW_PAGETABLE_GPA, &nr.layout, why, why_len) < 0)
		return -1;
	struct kvm_userspace_memory_region region = {
		.slot = PT_SLOT, .guest_phys_addr = NUMA_PT_GPA, .memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)nr.pt,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		snprintf(why, why_len, "--numa-policy: the page tables' memory slot: %s", strerror(errno));
		return -1;
	}
	for (int v = 0; v < vm->ncpus; v++)
		if (x86_set_cr3(vm->vcpus[v].fd, numa_pt_root(&nr.layout, v), why, why_len) < 0)
			return -1;
	return 0;
}

int numa_run_setup(struct vm *vm, char *why, size_t why_len)
{
	uint64_t max;

	if (!nr.enabled)
		return 0;
	nr.vm = vm;
	nr.topo = numa_place_topology();
	nr.place = numa_place_placement();
	if (setup_tables(vm, why, why_len) < 0)
		return -1;
	numa_track_abit_init(&nr.tracker, nr.pt, &nr.layout, vm->mem.host);
	nr.npages = vm->mem.size / 4096;
	nr.first_pfn = numa_pt_first_pfn();
	nr.window = nr.spec.sample_pages && nr.spec.sample_pages < nr.npages - nr.first_pfn ?
		    nr.spec.sample_pages : nr.npages - nr.first_pfn;
	nr.cur_window = nr.window_min = nr.window;
	if (nr.spec.budget_pct) {
		nr.budget_pages = (uint64_t)nr.spec.budget_pct * nr.spec.period_ms * 10000ULL / REFAULT_NS;
		if (nr.budget_pages < 1)
			nr.budget_pages = 1;
	}
	nr.pm = pmap_create(nr.npages, nr.topo->nnodes);
	if (nr.pm)
		placement_set_homes(nr.place, nr.pm);
	struct numa_policy_params pp = nr.spec.policy;
	pp.decay_every = 1u << 31;   /* never: end_sweep_if() decays, once every decay_every sweeps */
	nr.pol = nr.pm ? numa_policy_create(nr.pm, &pp, nr.place->vcpu_node, vm->ncpus) : NULL;
	max = nr.window * (uint64_t)vm->ncpus;
	if (max > MAX_SAMPLES)
		max = MAX_SAMPLES;
	nr.samples = calloc(max, sizeof(*nr.samples));
	nr.actions = calloc(nr.spec.policy.max_actions, sizeof(*nr.actions));
	nr.move_addr = calloc(nr.spec.policy.max_actions, sizeof(*nr.move_addr));
	nr.move_node = calloc(nr.spec.policy.max_actions, sizeof(*nr.move_node));
	nr.move_status = calloc(nr.spec.policy.max_actions, sizeof(*nr.move_status));
	nr.move_host = calloc(nr.spec.policy.max_actions, sizeof(*nr.move_host));
	nr.move_pfn = calloc(nr.spec.policy.max_actions, sizeof(*nr.move_pfn));
	for (int v = 0; v < vm->ncpus; v++)
		if (!(nr.seen[v] = calloc((nr.npages + 7) / 8, 1)))
			nr.pol = NULL;
	if (!nr.pol || !nr.samples || !nr.actions || !nr.move_addr || !nr.move_node || !nr.move_status ||
	    !nr.move_host || !nr.move_pfn) {
		errno = ENOMEM;
		snprintf(why, why_len, "--numa-policy: no memory for the pmap and the policy");
		return -1;
	}
	pthread_mutex_init(&nr.lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&nr.cond, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

/* Per-vCPU counts and pages seen, before the policy gets the samples. */
static void count_samples(size_t n)
{
	memset(nr.period_touched, 0, sizeof(nr.period_touched));
	for (size_t i = 0; i < n; i++) {
		const struct numa_sample *s = &nr.samples[i];
		nr.period_touched[s->vcpu]++;
		nr.vcpu_samples[s->vcpu]++;
		nr.vcpu_writes[s->vcpu] += s->write;
		nr.writes += s->write;
		nr.seen[s->vcpu][s->pfn / 8] |= (uint8_t)(1u << (s->pfn % 8));
	}
	nr.nsamples += n;
}

/* The period's migrations: one move_pages() on real nodes, the pmap alone on simulated ones. */
static void migrate(size_t nact)
{
	unsigned long k = 0;

	for (size_t i = 0; i < nact; i++) {
		const struct numa_action *a = &nr.actions[i];
		if (a->kind != NUMA_MIGRATE)
			continue;   /* replication is not built: the policy is created without it */
		nr.move_pfn[k] = a->pfn;
		nr.move_node[k] = a->node;
		nr.move_host[k] = nr.topo->host_node[a->node];
		nr.move_addr[k] = nr.vm->mem.host + a->pfn * 4096;
		k++;
	}
	if (!k)
		return;
	if (!nr.topo->simulated) {
		nr.move_calls++;
		if (move_pages(0, k, nr.move_addr, nr.move_host, nr.move_status, MPOL_MF_MOVE) < 0) {
			nr.move_failures += k;
			return;
		}
	}
	for (unsigned long i = 0; i < k; i++) {
		/* status: the page's host node now, or a negative errno (-EBUSY, -ENOENT: not mapped) */
		if (!nr.topo->simulated && nr.move_status[i] != nr.move_host[i]) {
			nr.move_failures++;
			continue;
		}
		pmap_note_migrated(nr.pm, nr.move_pfn[i], nr.move_node[i]);
		nr.migrations++;
		nr.migrated_to[nr.move_node[i]]++;
	}
}

/* The next window under the budget, from what the vCPUs touched of the last one (of n pages). */
static void next_window(uint64_t n)
{
	uint64_t most = 0;

	if (!nr.budget_pages)
		return;
	for (int v = 0; v < nr.layout.ncpus; v++)
		if (nr.period_touched[v] > most)
			most = nr.period_touched[v];
	nr.balance += (int64_t)nr.budget_pages;
	if (nr.balance > 4 * (int64_t)nr.budget_pages)
		nr.balance = 4 * (int64_t)nr.budget_pages;
	nr.balance -= (int64_t)most;
	nr.skip = nr.balance <= 0;
	if (!n)
		return;
	if (most > nr.budget_pages) {
		nr.cur_window = n * nr.budget_pages / most;
		if (nr.cur_window < MIN_WINDOW)
			nr.cur_window = MIN_WINDOW;
		nr.shrinks++;
	} else if (most < nr.budget_pages / 2) {
		nr.cur_window = nr.cur_window * 2 < nr.window ? nr.cur_window * 2 : nr.window;
	}
	if (nr.cur_window < nr.window_min)
		nr.window_min = nr.cur_window;
}

/* The local share of the current sweep, kept once the window wraps. */
static void end_sweep_if(int wrapped)
{
	const struct numa_policy_stats *ps = numa_policy_stats(nr.pol);

	nr.cur.samples += ps->period_samples;
	nr.cur.local += ps->period_local;
	if (!wrapped)
		return;
	if (nr.nsweeps < MAX_SWEEPS)
		nr.sweep[nr.nsweeps] = nr.cur;
	nr.nsweeps++;
	if (nr.nsweeps % nr.spec.policy.decay_every == 0)
		pmap_decay(nr.pm, nr.spec.policy.decay_shift);
	nr.cur = (struct sweep){ 0 };
}

static void one_period(uint64_t *cursor, uint64_t *armed_first, uint64_t *armed_n)
{
	uint64_t t0 = mono_ns(), t1, t2, t3, max = nr.window * (uint64_t)nr.layout.ncpus;
	size_t n = 0, nact;
	int wrapped = 0;

	if (max > MAX_SAMPLES)
		max = MAX_SAMPLES;
	if (*armed_n) {
		n = nr.tracker.ops->harvest(&nr.tracker, *armed_first, *armed_n, nr.samples, max);
		nr.pages_checked += *armed_n * (uint64_t)nr.layout.ncpus;
		if (n == max)
			nr.dropped++;   /* periods whose samples filled the buffer */
		wrapped = *armed_first + *armed_n >= nr.npages;
	}
	count_samples(n);
	next_window(*armed_n);
	t1 = mono_ns();
	nact = numa_policy_period(nr.pol, nr.samples, n, nr.actions, nr.spec.policy.max_actions);
	t2 = mono_ns();
	migrate(nact);
	t3 = mono_ns();
	*armed_first = *cursor;
	*armed_n = nr.cur_window < nr.npages - *cursor ? nr.cur_window : nr.npages - *cursor;
	if (nr.skip) {
		*armed_n = 0;
		nr.skipped++;
	} else if (nr.tracker.ops->arm(&nr.tracker, *armed_first, *armed_n) < 0) {
		nr.arm_failures++;
		*armed_n = 0;
	}
	nr.pages_armed += *armed_n;
	*cursor += *armed_n;
	if (*cursor >= nr.npages)
		*cursor = nr.first_pfn;
	nr.track_ns += (t1 - t0) + (mono_ns() - t3);
	nr.policy_ns += t2 - t1;
	nr.move_ns += t3 - t2;
	nr.periods++;
	end_sweep_if(wrapped);
}

static void *policy_thread(void *arg)
{
	uint64_t cursor = nr.first_pfn, armed_first = 0, armed_n = 0;
	struct timespec next;

	(void)arg;
	seccomp_confine(SECCOMP_POLICY);
	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&nr.lock);
	while (!atomic_load(&nr.stop)) {
		next.tv_nsec += (long)nr.spec.period_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!atomic_load(&nr.stop) && pthread_cond_timedwait(&nr.cond, &nr.lock, &next) != ETIMEDOUT)
			;
		if (atomic_load(&nr.stop))
			break;
		pthread_mutex_unlock(&nr.lock);
		one_period(&cursor, &armed_first, &armed_n);
		pthread_mutex_lock(&nr.lock);
	}
	pthread_mutex_unlock(&nr.lock);
	return NULL;
}

int numa_run_start(struct vm *vm)
{
	(void)vm;
	if (!nr.enabled)
		return 0;
	if (pthread_create(&nr.thread, NULL, policy_thread, NULL) != 0)
		return -1;
	nr.started = 1;
	return 0;
}

void numa_run_stop(void)
{
	if (!nr.started)
		return;
	pthread_mutex_lock(&nr.lock);
	atomic_store(&nr.stop, 1);
	pthread_cond_broadcast(&nr.cond);
	pthread_mutex_unlock(&nr.lock);
	pthread_join(nr.thread, NULL);
	nr.started = 0;
}

void numa_run_destroy(void)
{
	if (nr.pt)
		munmap(nr.pt, numa_pt_size(&nr.layout));
	if (nr.pt_fd >= 0)
		close(nr.pt_fd);
	nr.pt = NULL;
	nr.pt_fd = -1;
	if (nr.pol)
		numa_policy_destroy(nr.pol);
	if (nr.pm)
		pmap_destroy(nr.pm);
	nr.pol = NULL;
	nr.pm = NULL;
	free(nr.samples);
	free(nr.actions);
	free(nr.move_addr);
	free(nr.move_node);
	free(nr.move_status);
	free(nr.move_host);
	free(nr.move_pfn);
	for (int v = 0; v < LW_MAX_VCPUS; v++)
		free(nr.seen[v]);
}

static const char *note(void)
{
	if (nr.topo->simulated)
		return "simulated topology: accesses sampled for real, migrations only update the pmap's home nodes "
		       "(nothing moves)";
	return "real nodes: pages moved with move_pages";
}

static double share(uint64_t local, uint64_t samples)
{
	return samples ? (double)local / (double)samples : 0.0;
}

static uint64_t seen_count(int v)
{
	uint64_t c = 0;
	for (uint64_t p = 0; p < nr.npages; p++)
		c += (nr.seen[v][p / 8] >> (p % 8)) & 1;
	return c;
}

/*
 * Where the migrated pages are now, on real nodes: touched first (the last
 * arm zapped the host mapping; reading the page maps the very page again),
 * then a move_pages() query (no target nodes: it moves nothing).
 */
static void check_migrated(uint64_t *checked, uint64_t *on_home)
{
	enum { BATCH = 256 };
	void *addr[BATCH];
	int status[BATCH], want[BATCH];
	unsigned long k = 0;

	*checked = *on_home = 0;
	for (uint64_t p = 0; p <= nr.npages; p++) {
		if (p < nr.npages && pmap_state(nr.pm, p) == PAGE_MIGRATED) {
			addr[k] = nr.vm->mem.host + p * 4096;
			(void)*(volatile uint8_t *)addr[k];
			want[k++] = nr.topo->host_node[pmap_home(nr.pm, p)];
		}
		if (k == BATCH || (p == nr.npages && k)) {
			if (move_pages(0, k, addr, NULL, status, 0) == 0) {
				for (unsigned long i = 0; i < k; i++)
					*on_home += status[i] == want[i];
				*checked += k;
			}
			k = 0;
		}
	}
}

void numa_run_print_stats(FILE *out)
{
	const struct numa_policy_stats *ps;

	if (!nr.enabled || !nr.pol)
		return;
	ps = numa_policy_stats(nr.pol);
	fprintf(out, "  numa-policy: %s, period %u ms, up to %llu pages a period (%.0f on average, budget %u%%: "
		"%llu touched pages a vCPU; tracker %s); %s\n",
		numa_run_mode_name(nr.spec.mode), nr.spec.period_ms, (unsigned long long)nr.window,
		nr.periods ? (double)nr.pages_armed / (double)nr.periods : 0.0, nr.spec.budget_pct,
		(unsigned long long)nr.budget_pages, nr.tracker.ops->name, note());
	fprintf(out, "    %llu periods, %llu page-vCPU checks, %llu samples (%llu writes); local share %.1f%%, "
		"%llu sweeps\n", (unsigned long long)nr.periods, (unsigned long long)nr.pages_checked,
		(unsigned long long)nr.nsamples, (unsigned long long)nr.writes, 100 * share(ps->local, ps->samples),
		(unsigned long long)nr.nsweeps);
	fprintf(out, "    time: tracking %.3f ms, policy %.3f ms, moves %.3f ms; %llu migrations (%llu failed)\n",
		nr.track_ns / 1e6, nr.policy_ns / 1e6, nr.move_ns / 1e6, (unsigned long long)nr.migrations,
		(unsigned long long)nr.move_failures);
	for (int v = 0; v < nr.layout.ncpus; v++)
		fprintf(out, "    vCPU %d: %llu samples (%llu writes), %llu pages seen\n", v,
			(unsigned long long)nr.vcpu_samples[v], (unsigned long long)nr.vcpu_writes[v],
			(unsigned long long)seen_count(v));
}

/* [[first_pfn, count], ...] of the pages for which in(p) holds, at most JSON_RUNS. */
static void json_runs(FILE *out, int (*in)(uint64_t p, int arg), int arg)
{
	int runs = 0;

	fputc('[', out);
	for (uint64_t p = 0; p < nr.npages && runs < JSON_RUNS; p++) {
		if (!in(p, arg))
			continue;
		uint64_t q = p;
		while (q + 1 < nr.npages && in(q + 1, arg))
			q++;
		fprintf(out, "%s[%llu,%llu]", runs++ ? "," : "", (unsigned long long)p, (unsigned long long)(q - p + 1));
		p = q;
	}
	fputc(']', out);
}

static int seen_by(uint64_t p, int v)
{
	return (nr.seen[v][p / 8] >> (p % 8)) & 1;
}

static int migrated_to(uint64_t p, int node)
{
	return pmap_state(nr.pm, p) == PAGE_MIGRATED && pmap_home(nr.pm, p) == node;
}

void numa_run_json_stats(FILE *out)
{
	const struct numa_policy_stats *ps;
	uint64_t kept = nr.nsweeps < MAX_SWEEPS ? nr.nsweeps : MAX_SWEEPS, checked, on_home;

	fprintf(out, "\"numa_policy\":{\"enabled\":%s", nr.enabled && nr.pol ? "true" : "false");
	if (!nr.enabled || !nr.pol) {
		fputc('}', out);
		return;
	}
	ps = numa_policy_stats(nr.pol);
	fprintf(out, ",\"mode\":\"%s\",\"tracker\":\"%s\",\"period_ms\":%u,\"window_pages\":%llu,"
		"\"simulated\":%s,\"note\":\"%s\",\"periods\":%llu,\"page_vcpu_checks\":%llu,\"samples\":%llu,"
		"\"writes\":%llu,\"full_sample_buffers\":%llu,\"arm_failures\":%llu,\"track_ns\":%llu,\"policy_ns\":%llu,"
		"\"move_ns\":%llu,\"move_calls\":%llu,\"migrations\":%llu,\"move_failures\":%llu,",
		numa_run_mode_name(nr.spec.mode), nr.tracker.ops->name, nr.spec.period_ms,
		(unsigned long long)nr.window, nr.topo->simulated ? "true" : "false", note(),
		(unsigned long long)nr.periods, (unsigned long long)nr.pages_checked, (unsigned long long)nr.nsamples,
		(unsigned long long)nr.writes, (unsigned long long)nr.dropped, (unsigned long long)nr.arm_failures,
		(unsigned long long)nr.track_ns, (unsigned long long)nr.policy_ns, (unsigned long long)nr.move_ns,
		(unsigned long long)nr.move_calls, (unsigned long long)nr.migrations,
		(unsigned long long)nr.move_failures);
	fprintf(out, "\"budget_pct\":%u,\"budget_pages\":%llu,\"window_mean\":%.1f,\"window_min\":%llu,"
		"\"window_shrinks\":%llu,\"periods_skipped\":%llu,", nr.spec.budget_pct,
		(unsigned long long)nr.budget_pages, nr.periods ? (double)nr.pages_armed / (double)nr.periods : 0.0,
		(unsigned long long)nr.window_min, (unsigned long long)nr.shrinks, (unsigned long long)nr.skipped);
	fprintf(out, "\"track_ns_per_page_vcpu\":%.1f,\"mean_move_ns\":%.0f,\"migrated_to_node\":[",
		nr.pages_checked ? (double)nr.track_ns / (double)nr.pages_checked : 0.0,
		nr.migrations ? (double)nr.move_ns / (double)nr.migrations : 0.0);
	for (int n = 0; n < nr.topo->nnodes; n++)
		fprintf(out, "%s%llu", n ? "," : "", (unsigned long long)nr.migrated_to[n]);
	fprintf(out, "],\"policy\":{\"hot\":%llu,\"write_shared\":%llu,\"capped\":%llu,\"deferred\":%llu,"
		"\"bad_samples\":%llu},\"local_share\":%.4f,\"sweeps\":%llu,\"local_share_per_sweep\":[",
		(unsigned long long)ps->hot, (unsigned long long)ps->write_shared, (unsigned long long)ps->capped,
		(unsigned long long)ps->deferred, (unsigned long long)ps->bad_samples, share(ps->local, ps->samples),
		(unsigned long long)nr.nsweeps);
	for (uint64_t i = 0; i < kept; i++)
		fprintf(out, "%s%.4f", i ? "," : "", share(nr.sweep[i].local, nr.sweep[i].samples));
	fprintf(out, "],\"vcpus\":[");
	for (int v = 0; v < nr.layout.ncpus; v++) {
		fprintf(out, "%s{\"vcpu\":%d,\"node\":%d,\"samples\":%llu,\"writes\":%llu,\"pages_seen\":%llu,"
			"\"seen\":", v ? "," : "", v, nr.place->vcpu_node[v], (unsigned long long)nr.vcpu_samples[v],
			(unsigned long long)nr.vcpu_writes[v], (unsigned long long)seen_count(v));
		json_runs(out, seen_by, v);
		fputc('}', out);
	}
	fprintf(out, "],\"migrated\":[");
	for (int n = 0; n < nr.topo->nnodes; n++) {
		fprintf(out, "%s{\"node\":%d,\"pages\":", n ? "," : "", n);
		json_runs(out, migrated_to, n);
		fputc('}', out);
	}
	fputc(']', out);
	if (!nr.topo->simulated) {
		check_migrated(&checked, &on_home);
		fprintf(out, ",\"migrated_checked\":%llu,\"migrated_on_home_node\":%llu", (unsigned long long)checked,
			(unsigned long long)on_home);
	}
	fputc('}', out);
}
