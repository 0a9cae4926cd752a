/*
 * --numa placement (numa_place.h): the topology (the host's, or simulated
 * with --numa-sim) and the placement come from numa-policy/; here they are
 * applied. Each vCPU thread pins itself to its node's CPUs (also on a
 * simulated topology: the pretend nodes are made of real CPUs); guest RAM is
 * bound per range with mbind(MPOL_BIND), or MPOL_INTERLEAVE, before the guest
 * or the boot loader touches it, and only where the nodes are real. The back
 * ends a vCPU attaches inherit its CPUs.
 *
 * The report says where the guest's pages really are: move_pages with a NULL
 * nodes array only asks (it moves nothing), for at most SAMPLE_PAGES pages
 * of each range, one in each of SAMPLE_PAGES equal blocks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "numa_place.h"
#include "placement.h"
#include "topology.h"
#include "vm.h"

enum { SAMPLE_PAGES = 4096, PAGE = 4096, MASK_BITS = 1024 };

static struct {
	int enabled;
	int bound;                  /* guest RAM was mbind()ed to real nodes */
	struct numa_topology topo;
	struct numa_placement place;
	int tid[NUMA_MAX_VCPUS];    /* each vCPU thread, for the tests to match /proc */
} np;

/* What the report found of one RAM range. */
struct range_census {
	int sampled, touched;
	int on_node[NUMA_MAX_NODES];   /* sampled pages on each topology node */
	int elsewhere;                 /* on a host node outside the topology */
};

static const char *const mem_mode_name[] = {
	[NUMA_MEM_SHARE] = "share", [NUMA_MEM_INTERLEAVE] = "interleave",
	[NUMA_MEM_FIRST_TOUCH] = "first-touch",
};

/*
 * A range bound to a node larger than the node: MPOL_BIND does not fall back
 * to other nodes, so the guest would be OOM-killed once it touched that much.
 */
static int check_node_sizes(void)
{
	if (np.topo.simulated || np.place.mem != NUMA_MEM_SHARE)
		return 0;
	for (int i = 0; i < np.place.nranges; i++) {
		const struct numa_mem_range *r = &np.place.range[i];
		long long size = numa_node_size64(np.topo.host_node[r->node], NULL);

		if (size > 0 && r->len > (unsigned long long)size) {
			fprintf(stderr, "lwvmm: --numa: %llu MiB of guest RAM would be bound to node %d, "
				"which has %lld MiB in all (give less --mem, or more nodes)\n",
				(unsigned long long)(r->len >> 20), r->node, size >> 20);
			return LWVMM_EXIT_RESOURCES;
		}
	}
	return 0;
}

int numa_place_configure(const struct vm_config *c)
{
	struct numa_topology host;
	char err[256];

	if (!c->numa_spec)
		return bad_usage("--numa-sim '%s' needs --numa to say where the vCPUs go", c->numa_sim_spec);
	if (topo_from_host(&host, err, sizeof(err)) < 0) {
		fprintf(stderr, "lwvmm: --numa: %s\n", err);
		return LWVMM_EXIT_UNAVAILABLE;
	}
	np.topo = host;
	if (c->numa_sim_spec && topo_simulate(&np.topo, &host, c->numa_sim_spec, err, sizeof(err)) < 0)
		return bad_usage("--numa-sim '%s': %s", c->numa_sim_spec, err);
	if (placement_parse(&np.place, c->numa_spec, &np.topo, c->ncpus, c->mem_size, err, sizeof(err)) < 0)
		return bad_usage("--numa '%s': %s", c->numa_spec, err);
	np.enabled = 1;
	return check_node_sizes();
}

static int host_mask(unsigned long *mask, int node, char *why, size_t why_len)
{
	int h = np.topo.host_node[node];

	if (h < 0 || h >= MASK_BITS) {
		snprintf(why, why_len, "--numa: node %d has no host node number lwvmm can bind to", node);
		return -1;
	}
	mask[h / 64] |= 1UL << (h % 64);
	return 0;
}

/* The kernel reads maxnode - 1 bits of the mask (an old off-by-one that stays). */
static int bind_range(void *addr, uint64_t len, int mode, const unsigned long *mask, char *why, size_t why_len)
{
	if (mbind(addr, len, mode, mask, MASK_BITS + 1, 0) == 0)
		return 0;
	snprintf(why, why_len, "--numa: mbind of guest RAM: %s", strerror(errno));
	return -1;
}

int numa_place_memory(struct guest_memory *mem, char *why, size_t why_len)
{
	const struct numa_placement *p = &np.place;
	unsigned long mask[MASK_BITS / 64] = { 0 };

	if (!np.enabled || np.topo.simulated || p->mem == NUMA_MEM_FIRST_TOUCH)
		return 0;
	if (p->mem == NUMA_MEM_INTERLEAVE) {
		for (int n = 0; n < np.topo.nnodes; n++)
			if ((p->mem_nodes & (1u << n)) && host_mask(mask, n, why, why_len) < 0)
				return -1;
		if (bind_range(mem->host, mem->size, MPOL_INTERLEAVE, mask, why, why_len) < 0)
			return -1;
		np.bound = 1;
		return 0;
	}
	for (int i = 0; i < p->nranges; i++) {
		const struct numa_mem_range *r = &p->range[i];
		memset(mask, 0, sizeof(mask));
		if (host_mask(mask, r->node, why, why_len) < 0 ||
		    bind_range(mem->host + r->start, r->len, MPOL_BIND, mask, why, why_len) < 0)
			return -1;
	}
	np.bound = 1;
	return 0;
}

int numa_place_pin_vcpu(struct vcpu *vcpu)
{
	int v = vcpu->index;

	if (!np.enabled)
		return 0;
	np.tid[v] = gettid();
	if (sched_setaffinity(0, sizeof(cpu_set_t), &np.place.vcpu_cpus[v]) == 0)
		return 0;
	vm_end(vcpu->vm, LWVMM_EXIT_UNAVAILABLE, "--numa: cannot pin vCPU %d to the CPUs of node %d: %s",
	       v, np.place.vcpu_node[v], strerror(errno));
	return -1;
}

const struct numa_topology *numa_place_topology(void)
{
	return np.enabled ? &np.topo : NULL;
}

const struct numa_placement *numa_place_placement(void)
{
	return np.enabled ? &np.place : NULL;
}

/* "0-3,8" */
static void cpu_list(const cpu_set_t *set, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (int c = 0; c < CPU_SETSIZE && at < len; c++) {
		int hi = c;
		if (!CPU_ISSET(c, set))
			continue;
		while (hi + 1 < CPU_SETSIZE && CPU_ISSET(hi + 1, set))
			hi++;
		at += (size_t)snprintf(buf + at, len - at, hi > c ? "%s%d-%d" : "%s%d", at ? "," : "", c, hi);
		c = hi;
	}
}

static void node_cpu_list(int node, char *buf, size_t len)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		if (np.topo.cpu_node[c] == node)
			CPU_SET(c, &set);
	cpu_list(&set, buf, len);
}

static int topo_node_of_host(int host_node)
{
	for (int n = 0; n < np.topo.nnodes; n++)
		if (np.topo.host_node[n] == host_node)
			return n;
	return -1;
}

/* Where the sampled pages of a range lie; only for real nodes. */
static void census(const struct guest_memory *mem, const struct numa_mem_range *r, struct range_census *rc)
{
	static void *pages[SAMPLE_PAGES];
	static int status[SAMPLE_PAGES];
	uint64_t npages = r->len / PAGE, step = npages > SAMPLE_PAGES ? npages / SAMPLE_PAGES : 1;
	int count = 0;

	/*
	 * Page i * step + i % step, not i * step: a plain stride that is a
	 * multiple of the node count would see one node only of interleaved
	 * memory (every second page of 32 MiB over 2 nodes, in the lab).
	 */
	memset(rc, 0, sizeof(*rc));
	for (uint64_t i = 0; i * step < npages && count < SAMPLE_PAGES; i++)
		pages[count++] = mem->host + r->start + (i * step + i % step) * PAGE;
	if (move_pages(0, (unsigned long)count, pages, NULL, status, 0) < 0)
		return;   /* sampled stays 0: the report says nothing was found */
	rc->sampled = count;
	for (int i = 0; i < count; i++) {
		int n;
		if (status[i] < 0)   /* -ENOENT: never touched */
			continue;
		rc->touched++;
		n = topo_node_of_host(status[i]);
		if (n >= 0)
			rc->on_node[n]++;
		else
			rc->elsewhere++;
	}
}

static const char *placement_note(void)
{
	if (np.topo.simulated)
		return "simulated topology: vCPUs pinned to the pretend nodes' CPUs, memory not bound to real nodes";
	if (np.place.mem == NUMA_MEM_FIRST_TOUCH)
		return "real nodes: memory not bound (first touch)";
	return "real nodes: memory bound";
}

void numa_place_print_stats(FILE *out, const struct guest_memory *mem)
{
	char cpus[256];

	if (!np.enabled)
		return;
	fprintf(out, "  numa: %d node%s, %s; mem=%s\n", np.topo.nnodes, np.topo.nnodes == 1 ? "" : "s", placement_note(),
		mem_mode_name[np.place.mem]);
	for (int a = 0; a < np.topo.nnodes; a++) {
		node_cpu_list(a, cpus, sizeof(cpus));
		fprintf(out, "    node %d (host node %d, CPUs %s) distances", a, np.topo.host_node[a], cpus);
		for (int b = 0; b < np.topo.nnodes; b++)
			fprintf(out, " %.1f", np.topo.distance[a][b]);
		fputc('\n', out);
	}
	for (int v = 0; v < np.place.nvcpus; v++) {
		cpu_list(&np.place.vcpu_cpus[v], cpus, sizeof(cpus));
		fprintf(out, "    vCPU %d: node %d, CPUs %s\n", v, np.place.vcpu_node[v], cpus);
	}
	for (int i = 0; i < np.place.nranges; i++) {
		const struct numa_mem_range *r = &np.place.range[i];
		struct range_census rc;

		fprintf(out, "    RAM 0x%llx-0x%llx: ", (unsigned long long)r->start,
			(unsigned long long)(r->start + r->len));
		fprintf(out, r->node >= 0 ? "node %d" : "no one node", r->node);
		if (np.topo.simulated) {
			fprintf(out, " (simulated: not bound)\n");
			continue;
		}
		census(mem, r, &rc);
		fprintf(out, "; of %d sampled pages %d touched, on nodes", rc.sampled, rc.touched);
		for (int n = 0; n < np.topo.nnodes; n++)
			fprintf(out, " %d", rc.on_node[n]);
		fputc('\n', out);
	}
}

void numa_place_json_stats(FILE *out, const struct guest_memory *mem)
{
	char cpus[256];

	fprintf(out, "\"numa\":{\"enabled\":%s", np.enabled ? "true" : "false");
	if (!np.enabled) {
		fputc('}', out);
		return;
	}
	fprintf(out, ",\"simulated\":%s,\"memory_bound\":%s,\"mem\":\"%s\",\"note\":\"%s\",\"nodes\":[",
		np.topo.simulated ? "true" : "false", np.bound ? "true" : "false",
		mem_mode_name[np.place.mem], placement_note());
	for (int a = 0; a < np.topo.nnodes; a++) {
		node_cpu_list(a, cpus, sizeof(cpus));
		fprintf(out, "%s{\"node\":%d,\"host_node\":%d,\"cpus\":\"%s\",\"distances\":[", a ? "," : "", a,
			np.topo.host_node[a], cpus);
		for (int b = 0; b < np.topo.nnodes; b++)
			fprintf(out, "%s%.2f", b ? "," : "", np.topo.distance[a][b]);
		fprintf(out, "]}");
	}
	fprintf(out, "],\"vcpus\":[");
	for (int v = 0; v < np.place.nvcpus; v++) {
		cpu_list(&np.place.vcpu_cpus[v], cpus, sizeof(cpus));
		fprintf(out, "%s{\"vcpu\":%d,\"node\":%d,\"cpus\":\"%s\",\"tid\":%d}", v ? "," : "", v,
			np.place.vcpu_node[v], cpus, np.tid[v]);
	}
	fprintf(out, "],\"ranges\":[");
	for (int i = 0; i < np.place.nranges; i++) {
		const struct numa_mem_range *r = &np.place.range[i];
		struct range_census rc;

		fprintf(out, "%s{\"start\":%llu,\"len\":%llu,\"node\":%d", i ? "," : "",
			(unsigned long long)r->start, (unsigned long long)r->len, r->node);
		if (np.topo.simulated) {   /* nothing real to count */
			fprintf(out, ",\"sampled_pages\":null}");
			continue;
		}
		census(mem, r, &rc);
		fprintf(out, ",\"sampled_pages\":%d,\"touched_pages\":%d,\"pages_on_node\":[", rc.sampled,
			rc.touched);
		for (int n = 0; n < np.topo.nnodes; n++)
			fprintf(out, "%s%d", n ? "," : "", rc.on_node[n]);
		fprintf(out, "],\"on_its_node\":");
		if (r->node >= 0)
			fprintf(out, "%d}", rc.on_node[r->node]);
		else
			fprintf(out, "null}");
	}
	fprintf(out, "]}");
}
