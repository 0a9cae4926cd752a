/*
 * lwvmm's --numa-policy option: what the monitor does at run time with the
 * per-vCPU access samples (lwvmm/numa_run.c), and how often.
 *
 *   --numa-policy MODE[,period=MS][,sample=PAGES|all][,hot=N][,dominance=PCT][,max-moves=N]
 *
 * MODE: track (sample and count, move nothing: the tracking overhead alone),
 * migrate (move pages to the node that dominates their accesses) or
 * replicate (migrate, and replicate read-shared pages; not built yet: the
 * caller reports it unavailable).
 * period: milliseconds between two harvests (default 100, 1..60000).
 * sample: guest pages whose Accessed/Dirty bits are sampled a period, in a
 * window that sweeps guest RAM (default 512: at 2.2 us a refault a page a
 * vCPU, HOST.md, about 1.1% of a vCPU's time at the default period in the
 * worst case, every sampled page touched); all: every page every period.
 * hot, dominance, max-moves: the policy's hot_threshold, dominance_pct and
 * max_moves (policy.h; defaults there and in README.md).
 */
#ifndef NUMA_RUN_SPEC_H
#define NUMA_RUN_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum numa_run_mode { NUMA_RUN_TRACK, NUMA_RUN_MIGRATE, NUMA_RUN_REPLICATE };

enum { NUMA_RUN_DEFAULT_PERIOD_MS = 100, NUMA_RUN_DEFAULT_SAMPLE = 512 };

struct numa_run_spec {
	enum numa_run_mode mode;
	unsigned period_ms;
	uint64_t sample_pages;     /* 0: all of RAM every period */
	struct numa_policy_params policy;   /* migrate/replicate follow the mode */
};

/* 0, or -1 with one message in err (the caller exits 64: the spec is the user's). */
int numa_run_spec_parse(struct numa_run_spec *s, const char *spec, char *err, size_t errlen);

const char *numa_run_mode_name(enum numa_run_mode m);

#endif
