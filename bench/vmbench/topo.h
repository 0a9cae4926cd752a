/* The host's CPU topology (hwloc), loaded once, and the CPU sets runs are pinned to. */
#ifndef VMBENCH_TOPO_H
#define VMBENCH_TOPO_H

#include <stddef.h>
#include <stdint.h>
#include <hwloc.h>

int topo_load(char *err, size_t errlen);
hwloc_topology_t topo_get(void);
int topo_count(hwloc_obj_type_t type);

/*
 * The last-level data caches of the whole machine: their level (3 for L3)
 * and the sum of their sizes in bytes; 0 when hwloc reports no cache.
 */
uint64_t topo_llc_bytes(int *level);

/* The first n PUs in hwloc's logical order (caller frees), or NULL with err. */
hwloc_bitmap_t topo_first_pus(int n, char *err, size_t errlen);

#endif
