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
#include "numa_repl.h"
#include "numa_run.h"
#include "numa_run_state.h"
#include "numa_track.h"
#include "placement.h"
#include "pmap.h"
#include "policy.h"
#include "run_spec.h"
#include "seccomp.h"
#include "topology.h"
#include "vm.h"
#include "x86.h"

struct numa_run_state numa_run_state = { .pt_fd = -1 };
static struct numa_run_state *const nr = &numa_run_state;


int numa_run_configure(const struct vm_config *c)
{
	char err[256];

	if (!c->numa_policy_spec)
		return 0;
	if (!c->numa_spec)
		return bad_usage("--numa-policy '%s' needs --numa to say where the vCPUs go", c->numa_policy_spec);
	if (numa_run_spec_parse(&nr->spec, c->numa_policy_spec, err, sizeof(err)) < 0)
		return bad_usage("--numa-policy '%s': %s", c->numa_policy_spec, err);
	if (c->mem_backing == GUEST_RAM_ANON)
		return bad_usage("--numa-policy with --mem-backing anon: the tracker's MADV_DONTNEED would discard "
				 "anonymous guest RAM (and replication maps the RAM's memfd a second time); use memfd");
	nr->enabled = 1;
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

	nr->layout = (struct numa_pt_layout){ .mem_size = vm->mem.size, .ncpus = vm->ncpus };
	size = numa_pt_size(&nr->layout);
	nr->pt_fd = memfd_create("lwvmm-numa-pt", MFD_CLOEXEC);
	if (nr->pt_fd < 0 || ftruncate(nr->pt_fd, (off_t)size) < 0) {
		snprintf(why, why_len, "--numa-policy: %llu KiB for the per-vCPU page tables: %s",
			 (unsigned long long)(size >> 10), strerror(errno));
		return -1;
	}
	nr->pt = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, nr->pt_fd, 0);
	if (nr->pt == MAP_FAILED) {
		nr->pt = NULL;
		snprintf(why, why_len, "--numa-policy: mapping the per-vCPU page tables: %s", strerror(errno));
		return -1;
	}
	if (numa_pt_build(nr->pt, vm->mem.host + LW_PAGETABLE_GPA, &nr->layout, why, why_len) < 0)
		return -1;
	struct kvm_userspace_memory_region region = {
		.slot = PT_SLOT, .guest_phys_addr = NUMA_PT_GPA, .memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)nr->pt,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		snprintf(why, why_len, "--numa-policy: the page tables' memory slot: %s", strerror(errno));
		return -1;
	}
	for (int v = 0; v < vm->ncpus; v++)
		if (x86_set_cr3(vm->vcpus[v].fd, numa_pt_root(&nr->layout, v), why, why_len) < 0)
			return -1;
	return 0;
}

int numa_run_setup(struct vm *vm, char *why, size_t why_len)
{
	uint64_t max;

	if (!nr->enabled)
		return 0;
	nr->vm = vm;
	nr->topo = numa_place_topology();
	nr->place = numa_place_placement();
	if (setup_tables(vm, why, why_len) < 0)
		return -1;
	numa_track_abit_init(&nr->tracker, nr->pt, &nr->layout, vm->mem.host);
	nr->npages = vm->mem.size / 4096;
	nr->first_pfn = numa_pt_first_pfn();
	nr->window = nr->spec.sample_pages && nr->spec.sample_pages < nr->npages - nr->first_pfn ?
		    nr->spec.sample_pages : nr->npages - nr->first_pfn;
	nr->cur_window = nr->window_min = nr->window;
	if (nr->spec.budget_pct) {
		nr->budget_pages = (uint64_t)nr->spec.budget_pct * nr->spec.period_ms * 10000ULL / REFAULT_NS;
		if (nr->budget_pages < 1)
			nr->budget_pages = 1;
	}
	nr->pm = pmap_create(nr->npages, nr->topo->nnodes);
	if (nr->pm)
		placement_set_homes(nr->place, nr->pm);
	struct numa_policy_params pp = nr->spec.policy;
	pp.decay_every = 1u << 31;   /* never: end_sweep_if() decays, once every decay_every sweeps */
	nr->pol = nr->pm ? numa_policy_create(nr->pm, &pp, nr->place->vcpu_node, vm->ncpus) : NULL;
	max = nr->window * (uint64_t)vm->ncpus;
	if (max > MAX_SAMPLES)
		max = MAX_SAMPLES;
	nr->samples = calloc(max, sizeof(*nr->samples));
	nr->actions = calloc(nr->spec.policy.max_actions, sizeof(*nr->actions));
	nr->move_addr = calloc(nr->spec.policy.max_actions, sizeof(*nr->move_addr));
	nr->move_node = calloc(nr->spec.policy.max_actions, sizeof(*nr->move_node));
	nr->move_status = calloc(nr->spec.policy.max_actions, sizeof(*nr->move_status));
	nr->move_host = calloc(nr->spec.policy.max_actions, sizeof(*nr->move_host));
	nr->move_pfn = calloc(nr->spec.policy.max_actions, sizeof(*nr->move_pfn));
	for (int v = 0; v < vm->ncpus; v++)
		if (!(nr->seen[v] = calloc((nr->npages + 7) / 8, 1)))
			nr->pol = NULL;
	if (!nr->pol || !nr->samples || !nr->actions || !nr->move_addr || !nr->move_node || !nr->move_status ||
	    !nr->move_host || !nr->move_pfn) {
		errno = ENOMEM;
		snprintf(why, why_len, "--numa-policy: no memory for the pmap and the policy");
		return -1;
	}
	if (nr->spec.mode == NUMA_RUN_REPLICATE) {
		if (numa_repl_setup(vm, nr->pm, nr->pt, &nr->layout, nr->topo, nr->place->vcpu_node, PT_SLOT + 1,
				    why, why_len) < 0)
			return -1;
		nr->tracker.zap_views = numa_repl_zap_views;
	}
	pthread_mutex_init(&nr->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&nr->cond, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

/* Per-vCPU counts and pages seen, before the policy gets the samples. */
static void count_samples(size_t n)
{
	memset(nr->period_touched, 0, sizeof(nr->period_touched));
	for (size_t i = 0; i < n; i++) {
		const struct numa_sample *s = &nr->samples[i];
		nr->period_touched[s->vcpu]++;
		nr->vcpu_samples[s->vcpu]++;
		nr->vcpu_writes[s->vcpu] += s->write;
		nr->writes += s->write;
		nr->seen[s->vcpu][s->pfn / 8] |= (uint8_t)(1u << (s->pfn % 8));
	}
	nr->nsamples += n;
}

/*
 * The period's migrations: one move_pages() on real nodes, the pmap alone on
 * simulated ones. Replications and collapses are carried out one by one
 * (numa_repl.c; real copies into real frames on simulated nodes too).
 */
static void migrate(size_t nact)
{
	unsigned long k = 0;

	for (size_t i = 0; i < nact; i++) {
		const struct numa_action *a = &nr->actions[i];
		if (a->kind != NUMA_MIGRATE) {
			uint64_t t0 = mono_ns();
			if (a->kind == NUMA_REPLICATE)
				numa_repl_replicate(a->pfn, a->nodes);
			else
				numa_repl_collapse(a->pfn, REPL_BY_POLICY);
			nr->repl_ns += mono_ns() - t0;   /* not a migration's: numa_repl.c counts it */
			continue;
		}
		nr->move_pfn[k] = a->pfn;
		nr->move_node[k] = a->node;
		nr->move_host[k] = nr->topo->host_node[a->node];
		nr->move_addr[k] = nr->vm->mem.host + a->pfn * 4096;
		k++;
	}
	if (!k)
		return;
	if (!nr->topo->simulated) {
		nr->move_calls++;
		if (move_pages(0, k, nr->move_addr, nr->move_host, nr->move_status, MPOL_MF_MOVE) < 0) {
			nr->move_failures += k;
			return;
		}
	}
	for (unsigned long i = 0; i < k; i++) {
		/* status: the page's host node now, or a negative errno (-EBUSY, -ENOENT: not mapped) */
		if (!nr->topo->simulated && nr->move_status[i] != nr->move_host[i]) {
			nr->move_failures++;
			continue;
		}
		pmap_note_migrated(nr->pm, nr->move_pfn[i], nr->move_node[i]);
		nr->migrations++;
		nr->migrated_to[nr->move_node[i]]++;
	}
}

/* The next window under the budget, from what the vCPUs touched of the last one (of n pages). */
static void next_window(uint64_t n)
{
	uint64_t most = 0;

	if (!nr->budget_pages)
		return;
	for (int v = 0; v < nr->layout.ncpus; v++)
		if (nr->period_touched[v] > most)
			most = nr->period_touched[v];
	nr->balance += (int64_t)nr->budget_pages;
	if (nr->balance > 4 * (int64_t)nr->budget_pages)
		nr->balance = 4 * (int64_t)nr->budget_pages;
	nr->balance -= (int64_t)most;
	nr->skip = nr->balance <= 0;
	if (!n)
		return;
	if (most > nr->budget_pages) {
		nr->cur_window = n * nr->budget_pages / most;
		if (nr->cur_window < MIN_WINDOW)
			nr->cur_window = MIN_WINDOW;
		nr->shrinks++;
	} else if (most < nr->budget_pages / 2) {
		nr->cur_window = nr->cur_window * 2 < nr->window ? nr->cur_window * 2 : nr->window;
	}
	if (nr->cur_window < nr->window_min)
		nr->window_min = nr->cur_window;
}

/* The local share of the current sweep, kept once the window wraps. */
static void end_sweep_if(int wrapped)
{
	const struct numa_policy_stats *ps = numa_policy_stats(nr->pol);

	nr->cur.samples += ps->period_samples;
	nr->cur.local += ps->period_local;
	if (!wrapped)
		return;
	if (nr->nsweeps < MAX_SWEEPS)
		nr->sweep[nr->nsweeps] = nr->cur;
	nr->nsweeps++;
	if (nr->nsweeps % nr->spec.policy.decay_every == 0)
		pmap_decay(nr->pm, nr->spec.policy.decay_shift);
	nr->cur = (struct sweep){ 0 };
}

static void one_period(uint64_t *cursor, uint64_t *armed_first, uint64_t *armed_n)
{
	uint64_t t0 = mono_ns(), t1, t2, t3, max = nr->window * (uint64_t)nr->layout.ncpus;
	size_t n = 0, nact;
	int wrapped = 0;

	if (max > MAX_SAMPLES)
		max = MAX_SAMPLES;
	if (*armed_n) {
		n = nr->tracker.ops->harvest(&nr->tracker, *armed_first, *armed_n, nr->samples, max);
		nr->pages_checked += *armed_n * (uint64_t)nr->layout.ncpus;
		if (n == max)
			nr->dropped++;   /* periods whose samples filled the buffer */
		wrapped = *armed_first + *armed_n >= nr->npages;
	}
	count_samples(n);
	next_window(*armed_n);
	t1 = mono_ns();
	nact = numa_policy_period(nr->pol, nr->samples, n, nr->actions, nr->spec.policy.max_actions);
	t2 = mono_ns();
	uint64_t repl_before = nr->repl_ns;
	migrate(nact);
	t3 = mono_ns();
	*armed_first = *cursor;
	*armed_n = nr->cur_window < nr->npages - *cursor ? nr->cur_window : nr->npages - *cursor;
	if (nr->skip) {
		*armed_n = 0;
		nr->skipped++;
	} else if (nr->tracker.ops->arm(&nr->tracker, *armed_first, *armed_n) < 0) {
		nr->arm_failures++;
		*armed_n = 0;
	}
	nr->pages_armed += *armed_n;
	*cursor += *armed_n;
	if (*cursor >= nr->npages)
		*cursor = nr->first_pfn;
	nr->track_ns += (t1 - t0) + (mono_ns() - t3);
	nr->policy_ns += t2 - t1;
	nr->move_ns += t3 - t2 - (nr->repl_ns - repl_before);
	nr->periods++;
	end_sweep_if(wrapped);
}

static void *policy_thread(void *arg)
{
	uint64_t cursor = nr->first_pfn, armed_first = 0, armed_n = 0;
	struct timespec next;

	(void)arg;
	seccomp_confine(SECCOMP_POLICY);
	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&nr->lock);
	while (!atomic_load(&nr->stop)) {
		next.tv_nsec += (long)nr->spec.period_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!atomic_load(&nr->stop) && pthread_cond_timedwait(&nr->cond, &nr->lock, &next) != ETIMEDOUT)
			;
		if (atomic_load(&nr->stop))
			break;
		pthread_mutex_unlock(&nr->lock);
		numa_repl_lock();   /* the pmap and the PTEs: a guest write's collapse waits for the period's end */
		one_period(&cursor, &armed_first, &armed_n);
		numa_repl_unlock();
		pthread_mutex_lock(&nr->lock);
	}
	pthread_mutex_unlock(&nr->lock);
	return NULL;
}

int numa_run_start(struct vm *vm)
{
	(void)vm;
	if (!nr->enabled)
		return 0;
	if (pthread_create(&nr->thread, NULL, policy_thread, NULL) != 0)
		return -1;
	nr->started = 1;
	return 0;
}

void numa_run_stop(void)
{
	if (!nr->started)
		return;
	pthread_mutex_lock(&nr->lock);
	atomic_store(&nr->stop, 1);
	pthread_cond_broadcast(&nr->cond);
	pthread_mutex_unlock(&nr->lock);
	pthread_join(nr->thread, NULL);
	nr->started = 0;
}

void numa_run_destroy(void)
{
	numa_repl_destroy();
	if (nr->pt)
		munmap(nr->pt, numa_pt_size(&nr->layout));
	if (nr->pt_fd >= 0)
		close(nr->pt_fd);
	nr->pt = NULL;
	nr->pt_fd = -1;
	if (nr->pol)
		numa_policy_destroy(nr->pol);
	if (nr->pm)
		pmap_destroy(nr->pm);
	nr->pol = NULL;
	nr->pm = NULL;
	free(nr->samples);
	free(nr->actions);
	free(nr->move_addr);
	free(nr->move_node);
	free(nr->move_status);
	free(nr->move_host);
	free(nr->move_pfn);
	for (int v = 0; v < LW_MAX_VCPUS; v++)
		free(nr->seen[v]);
}
