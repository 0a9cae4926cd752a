/* Host and simulated NUMA topologies (topology.h). */
#include <hwloc.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "topology.h"

static void topo_clear(struct numa_topology *t)
{
	memset(t, 0, sizeof(*t));
	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		t->cpu_node[c] = -1;
	for (int n = 0; n < NUMA_MAX_NODES; n++)
		t->host_node[n] = -1;
}

static void topo_uniform_distances(struct numa_topology *t, double remote)
{
	for (int a = 0; a < t->nnodes; a++)
		for (int b = 0; b < t->nnodes; b++)
			t->distance[a][b] = a == b ? 1.0 : remote;
}

int topo_cpu_limit(const struct numa_topology *t)
{
	int limit = 0;

	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		if (t->cpu_node[c] >= 0)
			limit = c + 1;
	return limit;
}

/* Only the CPUs this process may run on: a cpuset-limited lwvmm places nothing elsewhere. */
static int topo_read_hwloc(struct numa_topology *t, hwloc_topology_t h, char *err, size_t errlen)
{
	hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(h);
	int count = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_NUMANODE);

	if (count <= 0) {
		snprintf(err, errlen, "hwloc found no NUMA node on this host");
		return -1;
	}
	if (count > NUMA_MAX_NODES) {
		snprintf(err, errlen, "the host has %d NUMA nodes, lwvmm handles at most %d",
			 count, NUMA_MAX_NODES);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(h, HWLOC_OBJ_NUMANODE, i);
		int cpu;

		t->host_node[i] = (int)node->os_index;
		hwloc_bitmap_foreach_begin(cpu, node->cpuset) {
			if (cpu < NUMA_MAX_CPUS && hwloc_bitmap_isset(allowed, cpu) &&
			    t->cpu_node[cpu] < 0) {
				t->cpu_node[cpu] = i;
				t->node_cpus[i]++;
			}
		} hwloc_bitmap_foreach_end();
	}
	t->nnodes = count;
	return 0;
}

/* libnuma's SLIT distances (10 local); uniform 2.0 where it has none. */
static void topo_read_distances(struct numa_topology *t)
{
	int have = numa_available() >= 0;

	topo_uniform_distances(t, 2.0);
	for (int a = 0; have && a < t->nnodes; a++)
		for (int b = 0; b < t->nnodes; b++) {
			int d = numa_distance(t->host_node[a], t->host_node[b]);
			if (d > 0)
				t->distance[a][b] = d / 10.0;
		}
}

int topo_from_host(struct numa_topology *t, char *err, size_t errlen)
{
	hwloc_topology_t h;
	int rc;

	topo_clear(t);
	if (hwloc_topology_init(&h) || hwloc_topology_load(h)) {
		snprintf(err, errlen, "hwloc could not read the host's topology");
		return -1;
	}
	rc = topo_read_hwloc(t, h, err, errlen);
	hwloc_topology_destroy(h);
	if (rc == 0)
		topo_read_distances(t);
	return rc;
}

/* nodes=N without cpus=: the host's CPUs in order, split into N near-equal groups. */
static int topo_split_cpus(struct numa_topology *t, const struct numa_topology *host,
			   char *err, size_t errlen)
{
	int cpus[NUMA_MAX_CPUS], n = 0;

	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		if (host->cpu_node[c] >= 0)
			cpus[n++] = c;
	if (n < t->nnodes) {
		snprintf(err, errlen, "nodes=%d needs at least %d host CPUs, this host has %d"
			 " (each pretend node needs a CPU)", t->nnodes, t->nnodes, n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int node = (int)((long)i * t->nnodes / n);
		t->cpu_node[cpus[i]] = node;
		t->node_cpus[node]++;
	}
	return 0;
}

/* One cpus= item, "LIST@NODE", against the host and what earlier items took. */
static int topo_cpus_item(struct numa_topology *t, const struct numa_topology *host,
			  const char *s, int len, char *err, size_t errlen)
{
	const char *at = memchr(s, '@', len);
	int lo, hi, node;

	if (!at || spec_range(s, at - s, NUMA_MAX_CPUS - 1, &lo, &hi) ||
	    spec_uint(at + 1, len - (at + 1 - s), NUMA_MAX_NODES - 1, &node)) {
		snprintf(err, errlen, "cpus item '%.*s': expected CPUS@NODE, e.g. 0-1@0", len, s);
		return -1;
	}
	if (node >= t->nnodes) {
		snprintf(err, errlen, "cpus item '%.*s': node %d, but nodes=%d (0-%d)",
			 len, s, node, t->nnodes, t->nnodes - 1);
		return -1;
	}
	for (int c = lo; c <= hi; c++) {
		if (host->cpu_node[c] < 0) {
			snprintf(err, errlen, "cpus item '%.*s': the host has no CPU %d we may use",
				 len, s, c);
			return -1;
		}
		if (t->cpu_node[c] >= 0) {
			snprintf(err, errlen, "cpus item '%.*s': CPU %d is already on node %d",
				 len, s, c, t->cpu_node[c]);
			return -1;
		}
		t->cpu_node[c] = node;
		t->node_cpus[node]++;
	}
	return 0;
}

static int topo_parse_remote(const char *s, int len, double *remote, char *err, size_t errlen)
{
	char buf[32], *end;

	if (len <= 0 || len >= (int)sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = 0;
	*remote = strtod(buf, &end);
	if (*end == 0 && *remote >= 1.0 && *remote <= 100.0)
		return 0;
bad:
	snprintf(err, errlen, "remote=%.*s: expected a distance from 1.0 to 100 "
		 "(local is 1.0)", len, s);
	return -1;
}

int topo_simulate(struct numa_topology *t, const struct numa_topology *host,
		  const char *spec, char *err, size_t errlen)
{
	const char *p = spec, *cpus = NULL;
	double remote = 2.0;
	int nodes = 0;

	topo_clear(t);
	t->simulated = 1;
	/* First pass: nodes= and remote=; cpus= takes every later item without '='. */
	while (*p) {
		int len = spec_token_len(p);

		if (len > 6 && strncmp(p, "nodes=", 6) == 0) {
			if (spec_uint(p + 6, len - 6, NUMA_MAX_NODES, &nodes) || nodes < 1) {
				snprintf(err, errlen, "nodes=%.*s: expected 1 to %d",
					 len - 6, p + 6, NUMA_MAX_NODES);
				return -1;
			}
		} else if (len > 7 && strncmp(p, "remote=", 7) == 0) {
			if (topo_parse_remote(p + 7, len - 7, &remote, err, errlen))
				return -1;
		} else if (len > 5 && strncmp(p, "cpus=", 5) == 0) {
			cpus = p + 5;
			while (p[len] == ',' && !memchr(p + len + 1, '=', spec_token_len(p + len + 1)))
				len += 1 + spec_token_len(p + len + 1);
		} else {
			snprintf(err, errlen, "'%.*s': expected nodes=N, remote=F or cpus=LIST@NODE,...",
				 len, p);
			return -1;
		}
		p += len + (p[len] == ',');
	}
	if (nodes == 0) {
		snprintf(err, errlen, "a simulated topology needs nodes=N");
		return -1;
	}
	t->nnodes = nodes;
	topo_uniform_distances(t, remote);
	if (!cpus) {
		if (topo_split_cpus(t, host, err, errlen))
			return -1;
	} else {
		for (const char *q = cpus; *q;) {
			int len = spec_token_len(q);
			if (memchr(q, '=', len))
				break;
			if (topo_cpus_item(t, host, q, len, err, errlen))
				return -1;
			q += len + (q[len] == ',');
		}
		for (int n = 0; n < nodes; n++)
			if (t->node_cpus[n] == 0) {
				snprintf(err, errlen, "cpus= gives node %d no CPU", n);
				return -1;
			}
	}
	/* Each pretend node's memory is wherever its first CPU's real node is. */
	for (int c = NUMA_MAX_CPUS - 1; c >= 0; c--)
		if (t->cpu_node[c] >= 0)
			t->host_node[t->cpu_node[c]] = host->host_node[host->cpu_node[c]];
	return 0;
}
