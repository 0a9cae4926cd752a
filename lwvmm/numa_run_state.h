/*
 * What numa_run.c (the policy thread) and numa_run_stats.c (its report)
 * share: the state of the one --numa-policy run. Internal to those two.
 */
#ifndef LWVMM_NUMA_RUN_STATE_H
#define LWVMM_NUMA_RUN_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "lwvmm_abi.h"
#include "numa_pt.h"
#include "numa_track.h"
#include "placement.h"
#include "pmap.h"
#include "policy.h"
#include "run_spec.h"
#include "topology.h"

struct vm;

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

/* The one policy run of this process: numa_run.c runs it, numa_run_stats.c reports it. */
struct numa_run_state {
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
	uint64_t repl_ns;   /* the policy's replications and collapses (not in move_ns) */
	uint64_t migrations, move_failures, migrated_to[NUMA_MAX_NODES];
	uint64_t vcpu_samples[LW_MAX_VCPUS], vcpu_writes[LW_MAX_VCPUS];
	uint8_t *seen[LW_MAX_VCPUS];   /* a bit per page: seen by that vCPU at least once */
	struct sweep sweep[MAX_SWEEPS];
	uint64_t nsweeps;
	struct sweep cur;
};

extern struct numa_run_state numa_run_state;

#endif
