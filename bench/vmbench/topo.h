/* The host's CPU topology (hwloc), loaded once, and the CPU sets runs are pinned to. */
#ifndef VMBENCH_TOPO_H
#define VMBENCH_TOPO_H

#include <stddef.h>
#include <hwloc.h>

int topo_load(char *err, size_t errlen);
hwloc_topology_t topo_get(void);
int topo_count(hwloc_obj_type_t type);

/* The first n PUs in hwloc's logical order (caller frees), or NULL with err. */
hwloc_bitmap_t topo_first_pus(int n, char *err, size_t errlen);

#endif
