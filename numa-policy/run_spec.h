/*
 * lwvmm's --numa-policy option: what the monitor does at run time with the
 * per-vCPU access samples (lwvmm/numa_run.c), and how often.
 *
 *   --numa-policy MODE[,period=MS][,sample=PAGES|all][,budget=PCT|off][,hot=N][,dominance=PCT][,max-moves=N]
 *
 * MODE: track (sample and count, move nothing: the tracking overhead alone),
 * migrate (move pages to the node that dominates their accesses) or
 * replicate (migrate, and replicate read-shared pages; not built yet: the
 * caller reports it unavailable).
 * period: milliseconds between two harvests (default 100, 1..60000).
 * sample: guest pages whose Accessed/Dirty bits are sampled a period, in a
 * window that sweeps guest RAM (default 512); all: every page every period.
 * budget: the share of each vCPU's time the sampling may cost (default 2%).
 * Every sampled page a vCPU touches costs it a refault, about 50 us on the
 * PVM hosts (docs/host-notes.md), so 2% of 100 ms is 40 such pages: where a
 * vCPU touched more, the window shrinks for the next period (and grows back
 * towards `sample` while it touches fewer). off: always `sample` pages.
 * hot, dominance, max-moves: the policy's hot_threshold, dominance_pct and
 * max_moves (policy.h; defaults there and in README.md).
 */
#ifndef NUMA_RUN_SPEC_H
#define NUMA_RUN_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum numa_run_mode { NUMA_RUN_TRACK, NUMA_RUN_MIGRATE, NUMA_RUN_REPLICATE };

enum { NUMA_RUN_DEFAULT_PERIOD_MS = 100, NUMA_RUN_DEFAULT_SAMPLE = 512, NUMA_RUN_DEFAULT_BUDGET_PCT = 2 };

struct numa_run_spec {
	enum numa_run_mode mode;
	unsigned period_ms;
	uint64_t sample_pages;     /* 0: all of RAM every period */
	unsigned budget_pct;       /* 0: off */
	struct numa_policy_params policy;   /* migrate/replicate follow the mode */
};

/* 0, or -1 with one message in err (the caller exits 64: the spec is the user's). */
int numa_run_spec_parse(struct numa_run_spec *s, const char *spec, char *err, size_t errlen);

const char *numa_run_mode_name(enum numa_run_mode m);

#endif
