/*
 * The NUMA topology lwvmm places a VM on: nodes, the host CPUs of each, and
 * the distance between nodes. Either the host's own (hwloc for nodes and
 * CPUs, libnuma for distances) or a simulated one that maps the host's CPUs
 * onto pretend nodes, so that placement and policy run on one-node hosts.
 */
#ifndef NUMA_TOPOLOGY_H
#define NUMA_TOPOLOGY_H

#include <stddef.h>

enum { NUMA_MAX_NODES = 16, NUMA_MAX_CPUS = 1024 };

struct numa_topology {
	int nnodes;
	int simulated;          /* 1: the nodes are pretend, memory is not placed */
	int cpu_node[NUMA_MAX_CPUS];   /* node of each host CPU, -1: not in the topology */
	int host_node[NUMA_MAX_NODES]; /* the host's node number (for mbind), -1 if none */
	int node_cpus[NUMA_MAX_NODES]; /* how many CPUs each node has */
	/* Relative distance, 1.0 local (libnuma's 10 -> 1.0, 20 -> 2.0). */
	double distance[NUMA_MAX_NODES][NUMA_MAX_NODES];
};

/* The host's topology. 0, or -1 with one message in err. */
int topo_from_host(struct numa_topology *t, char *err, size_t errlen);

/*
 * A simulated topology over the host's CPUs, from a spec:
 *   nodes=N[,remote=F][,cpus=LIST@NODE,LIST@NODE...]
 * nodes=N splits the host's CPUs, in order, into N groups as even as
 * possible; cpus= says which CPUs go where instead (a LIST is "3" or "0-1";
 * each listed CPU once, every node at least one CPU; unlisted CPUs are left
 * out). remote=F is the distance between two different nodes (default 2.0,
 * about what two-socket servers report). 0, or -1 with one message in err
 * (the caller exits 64: the spec is the user's).
 */
int topo_simulate(struct numa_topology *t, const struct numa_topology *host,
		  const char *spec, char *err, size_t errlen);

/* The number of the highest CPU in the topology plus one. */
int topo_cpu_limit(const struct numa_topology *t);

#endif
