/*
 * Net cells ("net": true in a suite): the host-side peer of the net workload
 * (build/bin/netpeer) for one series of runs, and the network the runs use.
 *   native: the peer listens on 127.0.0.1 (a free port); the workload gets
 *           --peer 127.0.0.1 --port P.
 *   vm:     vmbench moves itself into a new, unnamed network namespace for
 *           the series, starts the peer there on 0.0.0.0, and every lwvmm
 *           of the series creates its tap device there
 *           (--net tap,host=NETCELL_HOST,guest=NETCELL_GUEST); the workload
 *           gets --peer NETCELL_HOST --port P. vmbench returns to its own
 *           namespace at the end; the new one vanishes with the peer and the
 *           last lwvmm, so no tap, address or namespace outlives the series.
 *   container: the peer listens on 0.0.0.0 in vmbench's namespace; ctrun
 *           --net gives the container a veth pair to it, and the workload
 *           gets --peer @peer, which ctrun replaces with the host end's address.
 */
#ifndef VMBENCH_NETCELL_H
#define VMBENCH_NETCELL_H

#include <stddef.h>
#include <sys/types.h>

#include "runner.h"

#define NETCELL_HOST  "10.201.0.1"
#define NETCELL_GUEST "10.201.0.2"

struct netcell {
	pid_t peer;
	int saved_netns;          /* vmbench's own namespace while in the cell's, else -1 */
	char port[12];
	char peer_addr[16];
	char net_arg[64];         /* lwvmm's --net value (vm), or "" */
	char *extra_argv[5];      /* --peer ADDR --port P, NULL-terminated */
};

/*
 * Starts the peer for `env`, pinned to the CPUs the cell does not use (`pus`
 * are the cell's) so that it does not compete with the workload; unpinned when
 * the cell uses them all. 0, or -1 with the reason (the series is not run).
 */
int netcell_begin(struct netcell *n, const struct run_ctx *ctx, const char *env,
		  hwloc_const_cpuset_t pus, char *why, size_t whylen);

/* Stops the peer and returns vmbench to its own network namespace. */
void netcell_end(struct netcell *n);

#endif
