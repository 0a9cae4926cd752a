/* lwvmm's --numa option, parsed and checked (placement.h). */
#define _GNU_SOURCE   /* cpu_set_t's macros */
#include <stdio.h>
#include <string.h>

#include "placement.h"
#include "pmap.h"
#include "spec.h"

static const char *topo_kind(const struct numa_topology *t)
{
	return t->simulated ? "the simulated topology" : "the host";
}

static void node_cpus(const struct numa_topology *t, int node, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		if (t->cpu_node[c] == node)
			CPU_SET(c, set);
}

/* ":CPUS" after an item's node: host CPUs of that node only. */
static int item_cpus(const struct numa_topology *t, int node, const char *s, int len,
		     const char *item, int ilen, cpu_set_t *set, char *err, size_t errlen)
{
	int lo, hi;

	if (spec_range(s, len, NUMA_MAX_CPUS - 1, &lo, &hi)) {
		snprintf(err, errlen, "vcpus item '%.*s': expected VCPUS@NODE or "
			 "VCPUS@NODE:CPUS, e.g. 0-1@0 or 0-1@0:2-3", ilen, item);
		return -1;
	}
	CPU_ZERO(set);
	for (int c = lo; c <= hi; c++) {
		if (t->cpu_node[c] < 0) {
			snprintf(err, errlen, "vcpus item '%.*s': %s has no CPU %d",
				 ilen, item, topo_kind(t), c);
			return -1;
		}
		if (t->cpu_node[c] != node) {
			snprintf(err, errlen, "vcpus item '%.*s': CPU %d is on node %d, not %d",
				 ilen, item, c, t->cpu_node[c], node);
			return -1;
		}
		CPU_SET(c, set);
	}
	return 0;
}

/* One vcpus= item: VCPUS@NODE[:CPUS]. */
static int vcpus_item(struct numa_placement *p, const struct numa_topology *t,
		      const char *s, int len, char *err, size_t errlen)
{
	const char *at = memchr(s, '@', len), *colon = memchr(s, ':', len);
	const char *node_end = colon ? colon : s + len;
	int lo, hi, node;
	cpu_set_t set;

	if (!at || (colon && colon < at) ||
	    spec_range(s, at - s, NUMA_MAX_VCPUS * 16, &lo, &hi) ||
	    spec_uint(at + 1, node_end - (at + 1), NUMA_MAX_NODES * 16, &node)) {
		snprintf(err, errlen, "vcpus item '%.*s': expected VCPUS@NODE or "
			 "VCPUS@NODE:CPUS, e.g. 0-1@0 or 0-1@0:2-3", len, s);
		return -1;
	}
	if (hi >= p->nvcpus) {
		snprintf(err, errlen, "vcpus item '%.*s': the VM has %d vCPUs (0-%d)",
			 len, s, p->nvcpus, p->nvcpus - 1);
		return -1;
	}
	if (node >= t->nnodes) {
		snprintf(err, errlen, "vcpus item '%.*s': node %d, but %s has nodes 0-%d",
			 len, s, node, topo_kind(t), t->nnodes - 1);
		return -1;
	}
	if (t->node_cpus[node] == 0) {
		snprintf(err, errlen, "vcpus item '%.*s': node %d has no CPU to run vCPUs on",
			 len, s, node);
		return -1;
	}
	if (colon) {
		if (item_cpus(t, node, colon + 1, s + len - (colon + 1), s, len, &set, err, errlen))
			return -1;
	} else {
		node_cpus(t, node, &set);
	}
	for (int v = lo; v <= hi; v++) {
		if (p->vcpu_node[v] >= 0) {
			snprintf(err, errlen, "vcpus item '%.*s': vCPU %d is already on node %d",
				 len, s, v, p->vcpu_node[v]);
			return -1;
		}
		p->vcpu_node[v] = node;
		p->vcpu_cpus[v] = set;
	}
	return 0;
}

/* spread: vCPUs in equal contiguous blocks over the nodes that have CPUs. */
static void place_spread(struct numa_placement *p, const struct numa_topology *t)
{
	int nodes[NUMA_MAX_NODES], n = 0;

	for (int i = 0; i < t->nnodes; i++)
		if (t->node_cpus[i] > 0)
			nodes[n++] = i;
	for (int v = 0; v < p->nvcpus; v++) {
		int node = nodes[(long)v * n / p->nvcpus];
		p->vcpu_node[v] = node;
		node_cpus(t, node, &p->vcpu_cpus[v]);
	}
}

static int parse_mem(struct numa_placement *p, const char *s, int len, char *err, size_t errlen)
{
	static const struct { const char *name; enum numa_mem_mode mode; } modes[] = {
		{ "share", NUMA_MEM_SHARE },
		{ "interleave", NUMA_MEM_INTERLEAVE },
		{ "first-touch", NUMA_MEM_FIRST_TOUCH },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if ((int)strlen(modes[i].name) == len && strncmp(s, modes[i].name, len) == 0) {
			p->mem = modes[i].mode;
			return 0;
		}
	snprintf(err, errlen, "mem=%.*s: expected share, interleave or first-touch", len, s);
	return -1;
}

/*
 * mem=share: one range per node with vCPUs, sized by its vCPU count. The
 * cuts fall on 2 MiB so that no huge page straddles two nodes (4 KiB when
 * the RAM is smaller than 2 MiB a node).
 */
static void split_ram(struct numa_placement *p, const struct numa_topology *t, uint64_t ram)
{
	uint64_t align = ram >= (2ULL << 20) * t->nnodes ? 2ULL << 20 : 4096, start = 0;
	int count[NUMA_MAX_NODES] = { 0 }, placed = 0;

	for (int v = 0; v < p->nvcpus; v++)
		count[p->vcpu_node[v]]++;
	for (int n = 0; n < t->nnodes; n++) {
		uint64_t end;

		if (!count[n])
			continue;
		placed += count[n];
		end = placed == p->nvcpus ? ram : ram / p->nvcpus * placed / align * align;
		if (end <= start)
			continue;
		p->range[p->nranges++] = (struct numa_mem_range){ start, end - start, n };
		start = end;
	}
}

static void place_memory(struct numa_placement *p, const struct numa_topology *t, uint64_t ram)
{
	p->mem_nodes = 0;
	for (int v = 0; v < p->nvcpus; v++)
		p->mem_nodes |= 1u << p->vcpu_node[v];
	p->nranges = 0;
	if (p->mem == NUMA_MEM_SHARE) {
		split_ram(p, t, ram);
		return;
	}
	p->range[p->nranges++] = (struct numa_mem_range){ 0, ram, -1 };
}

int placement_parse(struct numa_placement *p, const char *spec,
		    const struct numa_topology *t, int nvcpus, uint64_t ram_bytes,
		    char *err, size_t errlen)
{
	int spread = 0, listed = 0;
	const char *s = spec;

	memset(p, 0, sizeof(*p));
	if (nvcpus < 1 || nvcpus > NUMA_MAX_VCPUS) {
		snprintf(err, errlen, "--numa handles 1 to %d vCPUs, not %d", NUMA_MAX_VCPUS, nvcpus);
		return -1;
	}
	p->nvcpus = nvcpus;
	p->mem = NUMA_MEM_SHARE;
	for (int v = 0; v < NUMA_MAX_VCPUS; v++)
		p->vcpu_node[v] = -1;
	for (int in_vcpus = 0; *s; ) {
		int len = spec_token_len(s);

		if (len == 6 && strncmp(s, "spread", 6) == 0) {
			spread = 1;
			in_vcpus = 0;
		} else if (len > 4 && strncmp(s, "mem=", 4) == 0) {
			if (parse_mem(p, s + 4, len - 4, err, errlen))
				return -1;
			in_vcpus = 0;
		} else if (len > 6 && strncmp(s, "vcpus=", 6) == 0) {
			if (vcpus_item(p, t, s + 6, len - 6, err, errlen))
				return -1;
			listed = in_vcpus = 1;
		} else if (in_vcpus && len > 0 && !memchr(s, '=', len)) {
			if (vcpus_item(p, t, s, len, err, errlen))
				return -1;
		} else {
			snprintf(err, errlen, "'%.*s': expected vcpus=VCPUS@NODE,..., spread "
				 "or mem=share|interleave|first-touch", len, s);
			return -1;
		}
		s += len + (s[len] == ',');
	}
	if (spread == listed) {
		snprintf(err, errlen, spread ? "spread and vcpus= together: give one of them"
			 : "--numa needs vcpus=VCPUS@NODE,... or spread");
		return -1;
	}
	if (spread)
		place_spread(p, t);
	for (int v = 0; v < nvcpus; v++)
		if (p->vcpu_node[v] < 0) {
			snprintf(err, errlen, "vCPU %d has no node: vcpus= must list every vCPU 0-%d",
				 v, nvcpus - 1);
			return -1;
		}
	place_memory(p, t, ram_bytes);
	return 0;
}

int placement_node_of(const struct numa_placement *p, uint64_t gpa)
{
	for (int i = 0; i < p->nranges; i++)
		if (gpa >= p->range[i].start && gpa - p->range[i].start < p->range[i].len)
			return p->range[i].node;
	return -1;
}

void placement_set_homes(const struct numa_placement *p, struct pmap *pm)
{
	int nodes[NUMA_MAX_NODES], n = 0;

	if (p->mem == NUMA_MEM_FIRST_TOUCH) {
		pmap_set_home(pm, 0, pmap_pages(pm), p->vcpu_node[0]);
		return;
	}
	if (p->mem == NUMA_MEM_SHARE) {
		for (int i = 0; i < p->nranges; i++)
			pmap_set_home(pm, p->range[i].start >> 12, p->range[i].len >> 12,
				      p->range[i].node);
		return;
	}
	for (int i = 0; i < NUMA_MAX_NODES; i++)
		if (p->mem_nodes & (1u << i))
			nodes[n++] = i;
	for (uint64_t pfn = 0; pfn < pmap_pages(pm); pfn++)
		pmap_set_home(pm, pfn, 1, nodes[pfn % n]);
}
