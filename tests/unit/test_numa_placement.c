/* numa-policy/placement: lwvmm's --numa spec against a topology. */
#define _GNU_SOURCE   /* cpu_set_t's macros */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "placement.h"
#include "pmap.h"

/* Two simulated nodes over host CPUs 0-3: 0-1 on node 0, 2-3 on node 1. */
static void two_nodes(struct numa_topology *t)
{
	struct numa_topology host;
	char err[256];

	memset(&host, 0, sizeof(host));
	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		host.cpu_node[c] = c < 4 ? 0 : -1;
	host.nnodes = 1;
	host.node_cpus[0] = 4;
	assert_int_equal(topo_simulate(t, &host, "nodes=2", err, sizeof(err)), 0);
}

static void test_vcpus(void **state)
{
	(void)state;
	struct numa_topology t;
	struct numa_placement p;
	char err[256] = "";

	two_nodes(&t);
	assert_int_equal(placement_parse(&p, "vcpus=0-1@0,2-3@1", &t, 4, 1ULL << 30,
					 err, sizeof(err)), 0);
	assert_int_equal(p.vcpu_node[1], 0);
	assert_int_equal(p.vcpu_node[2], 1);
	assert_true(CPU_ISSET(2, &p.vcpu_cpus[3]) && CPU_ISSET(3, &p.vcpu_cpus[3]));
	assert_int_equal(CPU_COUNT(&p.vcpu_cpus[3]), 2);
	assert_int_equal(p.mem, NUMA_MEM_SHARE);
	assert_int_equal(p.nranges, 2);
	assert_int_equal(p.range[0].len, 512ULL << 20);
	assert_int_equal(p.range[1].start, 512ULL << 20);
	assert_int_equal(placement_node_of(&p, 0), 0);
	assert_int_equal(placement_node_of(&p, (1ULL << 30) - 1), 1);
	assert_int_equal(placement_node_of(&p, 1ULL << 30), -1);

	/* Uneven share: 3 vCPUs, node 1 holds two of them; cuts on 2 MiB. */
	assert_int_equal(placement_parse(&p, "vcpus=1@0,0@1:3,2@1", &t, 3, 100ULL << 20,
					 err, sizeof(err)), 0);
	assert_int_equal(p.range[0].node, 0);
	assert_int_equal(p.range[0].len, 32ULL << 20);    /* 33.3 MiB down to 2 MiB */
	assert_int_equal(p.range[1].len, 68ULL << 20);
	assert_int_equal(CPU_COUNT(&p.vcpu_cpus[0]), 1);
	assert_true(CPU_ISSET(3, &p.vcpu_cpus[0]));
}

static void test_spread_and_mem(void **state)
{
	(void)state;
	struct numa_topology t;
	struct numa_placement p;
	char err[256] = "";

	two_nodes(&t);
	assert_int_equal(placement_parse(&p, "spread,mem=interleave", &t, 4, 1ULL << 30,
					 err, sizeof(err)), 0);
	assert_int_equal(p.vcpu_node[0], 0);
	assert_int_equal(p.vcpu_node[1], 0);
	assert_int_equal(p.vcpu_node[2], 1);
	assert_int_equal(p.mem_nodes, 3);
	assert_int_equal(p.nranges, 1);
	assert_int_equal(p.range[0].node, -1);
	assert_int_equal(placement_parse(&p, "mem=first-touch,spread", &t, 1, 1ULL << 30,
					 err, sizeof(err)), 0);
	assert_int_equal(p.mem, NUMA_MEM_FIRST_TOUCH);
	assert_int_equal(p.mem_nodes, 1);
	assert_int_equal(placement_parse(&p, "spread", &t, 2, 1ULL << 30, err, sizeof(err)), 0);
	assert_int_equal(p.vcpu_node[1], 1);
	assert_int_equal(p.nranges, 2);
}

static void bad(const char *spec, int nvcpus, const char *expect)
{
	struct numa_topology t;
	struct numa_placement p;
	char err[256] = "";

	two_nodes(&t);
	assert_int_equal(placement_parse(&p, spec, &t, nvcpus, 1ULL << 30, err, sizeof(err)), -1);
	if (!strstr(err, expect))
		fail_msg("spec '%s': message '%s' lacks '%s'", spec, err, expect);
}

static void test_bad(void **state)
{
	(void)state;
	bad("", 4, "needs vcpus=VCPUS@NODE,... or spread");
	bad("mem=share", 4, "needs vcpus=");
	bad("spread,vcpus=0-3@0", 4, "spread and vcpus= together");
	bad("vcpus=0-1@0,2-3@2", 4, "node 2, but the simulated topology has nodes 0-1");
	bad("vcpus=0-1@0,2-4@1", 4, "the VM has 4 vCPUs (0-3)");
	bad("vcpus=0-2@0,2-3@1", 4, "vCPU 2 is already on node 0");
	bad("vcpus=0-1@0,3@1", 4, "vCPU 2 has no node: vcpus= must list every vCPU 0-3");
	bad("vcpus=0-1@0:5,2-3@1", 4, "the simulated topology has no CPU 5");
	bad("vcpus=0-1@0:2,2-3@1", 4, "CPU 2 is on node 1, not 0");
	bad("vcpus=0-1@0:x,2-3@1", 4, "expected VCPUS@NODE or VCPUS@NODE:CPUS");
	bad("vcpus=0-1,2-3@1", 4, "'0-1': expected VCPUS@NODE");
	bad("vcpus=0-1@,2-3@1", 4, "'0-1@': expected");
	bad("vcpus=1-0@0", 4, "'1-0@0': expected");
	bad("vcpus=0-3@0,mem=all", 4, "mem=all: expected share, interleave or first-touch");
	bad("vcpus=0-3@0,speed=9", 4, "'speed=9': expected vcpus=");
	bad("spread,0@1", 4, "'0@1': expected vcpus=");
	bad("spread", 65, "handles 1 to 64 vCPUs, not 65");
}

/* A memory-only node (no CPUs, as a CXL expander): no vCPU can run there; spread skips it. */
static void test_memory_only_node(void **state)
{
	(void)state;
	struct numa_topology t;
	struct numa_placement p;
	char err[256] = "";

	two_nodes(&t);
	t.nnodes = 3;
	assert_int_equal(placement_parse(&p, "vcpus=0@0,1@2", &t, 2, 1ULL << 30, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "node 2 has no CPU to run vCPUs on"));
	assert_int_equal(placement_parse(&p, "spread", &t, 4, 1ULL << 30, err, sizeof(err)), 0);
	assert_int_equal(p.vcpu_node[3], 1);
	assert_int_equal(p.mem_nodes, 3);
}

/* The pmap's homes follow the placement. */
static void test_homes(void **state)
{
	(void)state;
	struct numa_topology t;
	struct numa_placement p;
	struct pmap *pm = pmap_create(256, 2);   /* 1 MiB */
	char err[256] = "";

	two_nodes(&t);
	assert_int_equal(placement_parse(&p, "vcpus=0@0,1-3@1", &t, 4, 1 << 20, err, sizeof(err)), 0);
	placement_set_homes(&p, pm);
	assert_int_equal(pmap_home(pm, 63), 0);   /* a quarter, cut on 4 KiB: RAM < 2 MiB a node */
	assert_int_equal(pmap_home(pm, 64), 1);
	assert_int_equal(pmap_home(pm, 255), 1);
	assert_int_equal(placement_parse(&p, "spread,mem=interleave", &t, 4, 1 << 20, err,
					 sizeof(err)), 0);
	placement_set_homes(&p, pm);
	assert_int_equal(pmap_home(pm, 0), 0);
	assert_int_equal(pmap_home(pm, 1), 1);
	assert_int_equal(pmap_home(pm, 254), 0);
	assert_int_equal(placement_parse(&p, "vcpus=0@1,1-3@0,mem=first-touch", &t, 4, 1 << 20,
					 err, sizeof(err)), 0);
	placement_set_homes(&p, pm);
	assert_int_equal(pmap_home(pm, 0), 1);
	assert_int_equal(pmap_home(pm, 200), 1);
	pmap_destroy(pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_spread_and_mem),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_memory_only_node),
		cmocka_unit_test(test_homes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
