/*
 * lwvmm's --numa option: which node (and host CPUs) each vCPU runs on and
 * which node holds each range of guest RAM, parsed and checked against a
 * topology (topology.h) and the VM's vCPU count and RAM size.
 *
 *   --numa vcpus=0-1@0,2-3@1[,mem=MODE]   vCPUs 0-1 on node 0, 2-3 on node 1
 *   --numa vcpus=0@0:1,1@1[,mem=MODE]     vCPU 0 on node 0, host CPU 1 only
 *   --numa spread[,mem=MODE]              vCPUs in equal blocks over all nodes
 *
 * MODE: share (default): guest RAM split into one contiguous range per node
 * holding vCPUs, sized by its share of the vCPUs, low addresses on the lowest
 * node; interleave: every page round-robin over those nodes; first-touch:
 * nothing bound, the host places each page where it is first touched.
 *
 * cpu_set_t's macros need _GNU_SOURCE defined before the first include.
 */
#ifndef NUMA_PLACEMENT_H
#define NUMA_PLACEMENT_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "topology.h"

enum { NUMA_MAX_VCPUS = 64 };

enum numa_mem_mode { NUMA_MEM_SHARE, NUMA_MEM_INTERLEAVE, NUMA_MEM_FIRST_TOUCH };

/* [start, start + len) of guest-physical RAM; node -1: not bound to one node. */
struct numa_mem_range {
	uint64_t start, len;
	int node;
};

struct numa_placement {
	int nvcpus;
	int vcpu_node[NUMA_MAX_VCPUS];
	cpu_set_t vcpu_cpus[NUMA_MAX_VCPUS];   /* for pthread_setaffinity_np */
	enum numa_mem_mode mem;
	unsigned mem_nodes;                    /* a bit per node holding vCPUs */
	int nranges;
	struct numa_mem_range range[NUMA_MAX_NODES];
};

/* 0, or -1 with one message in err (the caller exits 64). */
int placement_parse(struct numa_placement *p, const char *spec,
		    const struct numa_topology *t, int nvcpus, uint64_t ram_bytes,
		    char *err, size_t errlen);

/* The node guest-physical address gpa is placed on, -1 if none is chosen. */
int placement_node_of(const struct numa_placement *p, uint64_t gpa);

struct pmap;
/*
 * Each page's home in the pmap as the placement puts it: its range's node;
 * first-touch: vCPU 0's node (vCPU 0 boots the guest and touches it first);
 * interleave: page i on the (i mod n)-th of the n nodes in mem_nodes, as the
 * kernel's MPOL_INTERLEAVE does for a mapping that starts at file offset 0.
 */
void placement_set_homes(const struct numa_placement *p, struct pmap *pm);

#endif
