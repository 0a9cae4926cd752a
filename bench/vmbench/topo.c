/*
 * Pinning policy: a cell that asks for N CPUs runs on the first N PUs in
 * hwloc's logical order (which walks cores before hyper-threads of the same
 * core only when the hardware numbers them so; on the 2-core dev machines
 * that is simply PU 0 and PU 1). Native and VM runs of a cell get the same
 * PUs so they compete for the same caches.
 */
#include <stdio.h>

#include "topo.h"

static hwloc_topology_t topology;

int topo_load(char *err, size_t errlen)
{
	if (topology)
		return 0;
	if (hwloc_topology_init(&topology) < 0 || hwloc_topology_load(topology) < 0) {
		snprintf(err, errlen, "hwloc cannot read the host topology");
		topology = NULL;
		return -1;
	}
	return 0;
}

hwloc_topology_t topo_get(void)
{
	return topology;
}

int topo_count(hwloc_obj_type_t type)
{
	return topology ? hwloc_get_nbobjs_by_type(topology, type) : 0;
}

uint64_t topo_llc_bytes(int *level)
{
	static const hwloc_obj_type_t caches[] = {
		HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE,
		HWLOC_OBJ_L1CACHE,
	};
	uint64_t sum = 0;

	*level = 0;
	for (size_t i = 0; topology && i < sizeof(caches) / sizeof(caches[0]) && !sum; i++) {
		hwloc_obj_t cache = NULL;
		while ((cache = hwloc_get_next_obj_by_type(topology, caches[i], cache)) != NULL) {
			sum += cache->attr->cache.size;
			*level = (int)cache->attr->cache.depth;
		}
	}
	return sum;
}

hwloc_bitmap_t topo_first_pus(int n, char *err, size_t errlen)
{
	int have = topo_count(HWLOC_OBJ_PU);
	hwloc_bitmap_t set;

	if (n < 1 || n > have) {
		snprintf(err, errlen, "the cell needs %d CPUs, this host has %d", n, have);
		return NULL;
	}
	set = hwloc_bitmap_alloc();
	for (int i = 0; i < n; i++)
		hwloc_bitmap_or(set, set, hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU,
								 (unsigned)i)->cpuset);
	return set;
}
